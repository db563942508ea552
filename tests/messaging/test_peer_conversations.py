"""Two freelancers talking without a project: opening, the same guarantees, blocks, reports, the rate limit."""

import uuid

import pytest
from django.urls import reverse

from marketplace.common.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from messaging import selectors, services
from messaging.models import Conversation, Message, Participant
from profiles.models import Report
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def anne():
    return FreelancerProfileFactory(display_name="Anne Dubé")


@pytest.fixture
def benoit():
    return FreelancerProfileFactory(display_name="Benoît Caron")


def test_a_freelancer_opens_a_conversation_with_another_without_a_project(anne, benoit):
    conversation, created = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)

    assert created is True
    assert conversation.project_id is None and conversation.is_peer
    assert (conversation.client_id, conversation.freelancer_id) == (anne.user_id, benoit.user_id)
    assert sorted(Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True)) == sorted(
        [anne.user_id, benoit.user_id]
    )


def test_opening_twice_either_way_returns_the_same_conversation(anne, benoit):
    first, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)

    again, created_again = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    back, created_back = services.peer_conversation_open(user=benoit.user, with_user_id=anne.user_id)

    assert (again.pk, created_again) == (first.pk, False)
    assert (back.pk, created_back) == (first.pk, False)
    assert Conversation.objects.filter(project=None).count() == 1


def test_the_database_refuses_a_second_conversation_for_the_same_pair(anne, benoit):
    from django.db import IntegrityError, transaction

    services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(project=None, client=benoit.user, freelancer=anne.user)


def test_a_project_conversation_between_the_same_people_stays_apart(anne, benoit):
    project_conversation, client, freelancer = conversation_with_quote()
    peer, created = services.peer_conversation_open(
        user=FreelancerProfileFactory(user=client).user, with_user_id=freelancer.pk
    )
    assert created is True and peer.pk != project_conversation.pk


def test_writing_to_oneself_is_refused(anne):
    with pytest.raises(ValidationFailed) as refusal:
        services.peer_conversation_open(user=anne.user, with_user_id=anne.user_id)
    assert refusal.value.message == "Vous ne pouvez pas vous écrire à vous-même."
    assert not Conversation.objects.exists()


def test_a_client_without_a_profile_can_neither_open_nor_be_written_to(anne):
    client = UserFactory()
    with pytest.raises(PermissionDenied):
        services.peer_conversation_open(user=client, with_user_id=anne.user_id)
    with pytest.raises(NotFound):
        services.peer_conversation_open(user=anne.user, with_user_id=client.pk)
    assert not Conversation.objects.exists()


def test_a_hidden_or_closed_profile_cannot_be_written_to(anne):
    hidden = FreelancerProfileFactory(is_hidden=True)
    closed = FreelancerProfileFactory()
    closed.user.is_active = False
    closed.user.save(update_fields=["is_active"])
    for other in (hidden, closed):
        with pytest.raises(NotFound):
            services.peer_conversation_open(user=anne.user, with_user_id=other.user_id)
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("who_blocks", ["opener", "other"])
def test_a_block_either_way_refuses_a_new_conversation(anne, benoit, who_blocks):
    blocker, blocked = (anne, benoit) if who_blocks == "opener" else (benoit, anne)
    services.user_block(user=blocker.user, blocked_user_id=blocked.user_id)

    with pytest.raises(PermissionDenied) as refusal:
        services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)

    assert refusal.value.message == "Cette conversation n'est pas possible : l'un de vous a bloqué l'autre."
    assert not Conversation.objects.exists()


def test_a_block_stops_messages_in_an_open_peer_conversation_both_ways(anne, benoit):
    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    services.user_block(user=benoit.user, blocked_user_id=anne.user_id)

    for sender in (anne.user, benoit.user):
        with pytest.raises(PermissionDenied):
            services.message_send(user=sender, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Allô")
    assert not Message.objects.exists()


def test_more_than_the_daily_number_of_new_peer_conversations_is_refused(anne):
    others = [FreelancerProfileFactory() for _ in range(services.PEER_CONVERSATIONS_PER_DAY + 1)]
    for other in others[:-1]:
        services.peer_conversation_open(user=anne.user, with_user_id=other.user_id)

    with pytest.raises(RateLimited) as refusal:
        services.peer_conversation_open(user=anne.user, with_user_id=others[-1].user_id)

    assert "c'est la limite" in str(refusal.value.message)
    assert Conversation.objects.filter(client=anne.user).count() == services.PEER_CONVERSATIONS_PER_DAY
    # Those already open still reopen, and the others may still write to her.
    again, created = services.peer_conversation_open(user=anne.user, with_user_id=others[0].user_id)
    assert created is False
    _, created = services.peer_conversation_open(user=others[-1].user, with_user_id=anne.user_id)
    assert created is True


def test_the_limit_counts_a_day_only(anne):
    import datetime

    from django.utils import timezone

    others = [FreelancerProfileFactory() for _ in range(services.PEER_CONVERSATIONS_PER_DAY + 1)]
    for other in others[:-1]:
        services.peer_conversation_open(user=anne.user, with_user_id=other.user_id)
    Conversation.objects.filter(client=anne.user).update(created_at=timezone.now() - datetime.timedelta(hours=25))

    _, created = services.peer_conversation_open(user=anne.user, with_user_id=others[-1].user_id)
    assert created is True


def test_messages_in_a_peer_conversation_are_idempotent_and_caught_up_by_id(anne, benoit):
    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    client_id = uuid.uuid4()

    first, created = services.message_send(
        user=anne.user, conversation_id=conversation.pk, client_id=client_id, body="Bonjour collègue"
    )
    again, created_again = services.message_send(
        user=anne.user, conversation_id=conversation.pk, client_id=client_id, body="Bonjour collègue"
    )
    reply, _ = services.message_send(
        user=benoit.user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Salut"
    )

    assert (created, created_again, again.pk) == (True, False, first.pk)
    conversation.refresh_from_db()
    page, has_more = selectors.message_list(conversation=conversation, after=first.pk)
    assert [m.pk for m in page] == [reply.pk] and has_more is False
    assert selectors.unread_counts(user_id=anne.user_id, conversation_id=conversation.pk)["total"] == 1


def test_the_inbox_names_the_other_freelancer_instead_of_a_project(client, anne, benoit):
    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    services.message_send(user=anne.user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour")
    client.force_login(benoit.user)

    page = client.get(reverse("conversation-list")).content.decode()

    assert "Anne Dubé" in page and "Entre pigistes" in page
    detail = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    assert "Conversation entre pigistes" in detail and "Bonjour" in detail
    assert reverse("freelancer-detail", args=[anne.pk]) in detail


def test_the_write_button_opens_the_conversation_and_finds_it_again(client, anne, benoit):
    client.force_login(anne.user)
    profile_page = client.get(reverse("freelancer-detail", args=[benoit.pk])).content.decode()
    assert "Écrire entre pigistes" in profile_page

    response = client.post(reverse("conversation-open-peer"), {"with_user": benoit.user_id})
    conversation = Conversation.objects.get(project=None)
    assert response["Location"] == reverse("conversation-detail", args=[conversation.pk]) + "?ecrire=1"
    again = client.post(reverse("conversation-open-peer"), {"with_user": benoit.user_id})
    assert again["Location"] == response["Location"]
    assert Conversation.objects.count() == 1


def test_the_write_button_shows_only_between_freelancers_and_not_across_a_block(client, anne, benoit):
    customer = UserFactory()
    client.force_login(customer)
    assert "Écrire entre pigistes" not in client.get(reverse("freelancer-detail", args=[benoit.pk])).content.decode()
    client.force_login(anne.user)
    assert "Écrire entre pigistes" not in client.get(reverse("freelancer-detail", args=[anne.pk])).content.decode()
    services.user_block(user=benoit.user, blocked_user_id=anne.user_id)
    assert "Écrire entre pigistes" not in client.get(reverse("freelancer-detail", args=[benoit.pk])).content.decode()


def test_a_refused_write_goes_back_with_the_reason(client, anne, benoit):
    services.user_block(user=benoit.user, blocked_user_id=anne.user_id)
    client.force_login(anne.user)
    back = reverse("freelancer-detail", args=[benoit.pk])

    response = client.post(reverse("conversation-open-peer"), {"with_user": benoit.user_id, "next": back}, follow=True)

    assert response.redirect_chain[-1][0] == back
    assert "l&#x27;un de vous a bloqué l&#x27;autre" in response.content.decode()
    assert not Conversation.objects.exists()


def test_reporting_the_other_freelancer_from_the_conversation(client, anne, benoit):
    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    client.force_login(benoit.user)
    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    report_url = reverse("report-create", args=["profile", anne.pk])
    assert report_url in page

    response = client.post(
        report_url,
        {
            "reason": "spam",
            "details": "Des messages publicitaires.",
            "next": reverse("conversation-detail", args=[conversation.pk]),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("conversation-detail", args=[conversation.pk])
    report = Report.objects.get()
    assert (report.reporter_id, report.object_id, report.reason) == (benoit.user_id, anne.pk, "spam")


def test_the_api_opens_a_peer_conversation_and_lists_it_without_a_project(anne, benoit):
    api = api_as(anne.user)

    response = api.post("/api/v1/conversations/peers/", {"with_user": benoit.user_id})
    again = api.post("/api/v1/conversations/peers/", {"with_user": benoit.user_id})

    assert response.status_code == 201 and again.status_code == 200
    body = response.json()
    assert body["id"] == again.json()["id"]
    assert body["project"] is None
    assert body["with_user"] == {"id": benoit.user_id, "name": "Benoît Caron"}
    listing = api_as(benoit.user).get("/api/v1/conversations/").json()["results"]
    assert [(c["id"], c["project"], c["with_user"]["name"]) for c in listing] == [(body["id"], None, "Anne Dubé")]


def test_the_api_refuses_oneself_a_block_a_client_and_the_limit(anne, benoit):
    api = api_as(anne.user)
    assert api.post("/api/v1/conversations/peers/", {"with_user": anne.user_id}).status_code == 400
    assert api_as(UserFactory()).post("/api/v1/conversations/peers/", {"with_user": anne.user_id}).status_code == 403
    services.user_block(user=anne.user, blocked_user_id=benoit.user_id)
    assert api.post("/api/v1/conversations/peers/", {"with_user": benoit.user_id}).status_code == 403
    for _ in range(services.PEER_CONVERSATIONS_PER_DAY):
        services.peer_conversation_open(user=anne.user, with_user_id=FreelancerProfileFactory().user_id)
    over = api.post("/api/v1/conversations/peers/", {"with_user": FreelancerProfileFactory().user_id})
    assert over.status_code == 429
    assert "c'est la limite" in over.json()["detail"]
    assert Conversation.objects.filter(client=anne.user).count() == services.PEER_CONVERSATIONS_PER_DAY


def test_a_peer_conversation_is_in_the_data_export_without_a_project(anne, benoit):
    from messaging.privacy import export_data

    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    services.message_send(user=anne.user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour")

    data, _files = export_data(user=anne.user)

    assert [(c["project"], c["with"], len(c["messages"])) for c in data["conversations"]] == [(None, "Benoît Caron", 1)]


def test_the_unread_email_of_a_peer_conversation_names_no_project(anne, benoit, django_capture_on_commit_callbacks):
    import datetime

    from django.core import mail
    from django.utils import timezone

    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    services.message_send(user=anne.user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Un café ?")
    Message.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.unread_messages_email() == 1

    assert mail.outbox[0].to == [benoit.user.email]
    assert mail.outbox[0].subject == "1 message non lu d'un autre pigiste"
    assert "Vous avez des messages non lus d'un autre pigiste :" in mail.outbox[0].body
    assert "Un café ?" in mail.outbox[0].body


def test_the_directory_and_a_peer_conversation_read_in_english(client, anne, benoit, settings):
    conversation, _ = services.peer_conversation_open(user=anne.user, with_user_id=benoit.user_id)
    anne.in_peer_directory = True
    anne.save(update_fields=["in_peer_directory"])
    client.force_login(benoit.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    directory = client.get(reverse("peer-directory")).content.decode()
    detail = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()

    assert "Directory of self-employed workers" in directory and "1 listed freelancer" in directory
    assert "Conversation between freelancers" in detail
