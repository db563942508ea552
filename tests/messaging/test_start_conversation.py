"""Opening a conversation from an "Écrire" button: where it lands, what a refusal says, the empty inbox."""

import pytest
from django.conf import settings
from django.urls import reverse

from messaging.models import Block, Conversation, Participant
from projects.models import ProjectStatus, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = pytest.mark.django_db

OPEN_URL = reverse("conversation-open")


def open_from(client, *, project, with_user, next_url="/projets/"):
    return client.post(OPEN_URL, {"project": project, "with_user": with_user, "next": next_url}, follow=True)


def flash_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_opening_twice_lands_in_the_same_conversation_ready_to_write(client):
    project = ProjectFactory()
    freelancer = QuoteFactory(project=project).freelancer
    client.force_login(project.owner)

    first = client.post(OPEN_URL, {"project": project.pk, "with_user": freelancer.pk})
    second = client.post(OPEN_URL, {"project": project.pk, "with_user": freelancer.pk})

    conversation = Conversation.objects.get()
    assert first["Location"] == second["Location"] == f"/messages/{conversation.pk}/?ecrire=1"
    assert Participant.objects.filter(conversation=conversation).count() == 2


def test_the_conversation_page_puts_the_cursor_in_the_message_box_only_when_arriving_to_write(client):
    conversation, owner, _freelancer = conversation_with_quote()
    client.force_login(owner)
    url = reverse("conversation-detail", args=[conversation.pk])

    arriving = client.get(url + "?ecrire=1").content.decode()
    reading = client.get(url).content.decode()

    assert "data-chat-input autofocus" in arriving
    assert "autofocus" not in reading


def test_a_get_opens_nothing(client):
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user
    client.force_login(project.owner)

    response = client.get(OPEN_URL, {"project": project.pk, "with_user": freelancer.pk})

    assert response.status_code == 405
    assert Conversation.objects.count() == 0


def test_a_visitor_is_sent_to_log_in_and_nothing_opens(client):
    project = ProjectFactory()
    response = client.post(OPEN_URL, {"project": project.pk, "with_user": project.owner.pk})
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert Conversation.objects.count() == 0


def test_a_block_is_refused_with_its_reason_back_on_the_page_of_the_button(client):
    project = ProjectFactory()
    freelancer = QuoteFactory(project=project).freelancer
    Block.objects.create(blocker=freelancer, blocked=project.owner)
    client.force_login(project.owner)

    response = open_from(client, project=project.pk, with_user=freelancer.pk, next_url=f"/projets/{project.pk}/")

    assert response.redirect_chain == [(f"/projets/{project.pk}/", 302)]
    assert flash_messages(response) == ["Cette conversation n'est pas possible : l'un de vous a bloqué l'autre."]
    assert Conversation.objects.count() == 0


def test_a_freelancer_may_not_write_about_an_invite_only_project_they_were_not_invited_to(client):
    project = ProjectFactory(visibility=Visibility.INVITED)
    stranger = FreelancerProfileFactory().user
    client.force_login(stranger)

    response = open_from(client, project=project.pk, with_user=project.owner.pk)

    assert flash_messages(response) == ["Vous ne pouvez pas écrire à cette personne au sujet de ce projet."]
    assert Conversation.objects.count() == 0


def test_a_freelancer_may_not_write_about_a_closed_project_they_had_no_part_in(client):
    project = ProjectFactory(status=ProjectStatus.AWARDED)
    client.force_login(FreelancerProfileFactory().user)

    response = open_from(client, project=project.pk, with_user=project.owner.pk)

    assert flash_messages(response) == ["Vous ne pouvez pas écrire à cette personne au sujet de ce projet."]
    assert Conversation.objects.count() == 0


def test_nobody_writes_to_themselves_about_their_own_project(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = open_from(client, project=project.pk, with_user=project.owner.pk)

    assert flash_messages(response) == ["Choisissez une autre personne pour cette conversation."]
    assert Conversation.objects.count() == 0


def test_two_strangers_cannot_talk_about_someone_elses_project(client):
    project = ProjectFactory()
    client.force_login(FreelancerProfileFactory().user)

    response = open_from(client, project=project.pk, with_user=UserFactory().pk)

    assert flash_messages(response) == ["Une conversation réunit le client du projet et un pigiste."]
    assert Conversation.objects.count() == 0


def test_a_project_hidden_by_moderation_is_refused_as_missing(client):
    project = ProjectFactory(is_hidden=True)
    freelancer = QuoteFactory(project=project).freelancer
    client.force_login(project.owner)

    response = open_from(client, project=project.pk, with_user=freelancer.pk)

    assert flash_messages(response) == ["Ce projet n'existe pas."]
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [{}, {"project": "abc", "with_user": "1"}, {"project": "1", "with_user": ""}, {"project": "1.5", "with_user": "2"}],
)
def test_a_form_without_numbers_is_refused_with_a_message_not_an_error(client, data):
    client.force_login(UserFactory())

    response = client.post(OPEN_URL, {**data, "next": "/projets/"}, follow=True)

    assert response.status_code == 200
    assert flash_messages(response) == ["Choisissez un projet et une personne."]
    assert Conversation.objects.count() == 0


def test_a_refusal_never_sends_the_member_off_site(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.post(
        OPEN_URL, {"project": project.pk, "with_user": project.owner.pk, "next": "https://evil.example.com/"}
    )

    assert response["Location"] == reverse("conversation-list")


# --- The empty inbox says where conversations start, for whoever reads it ---------------------------------

CLIENT_HINT = "Pour écrire à un pigiste, cliquez sur « Écrire » dans une soumission reçue, une invitation que vous avez envoyée ou le profil du pigiste."
FREELANCER_HINT = (
    "Pour écrire à un client, cliquez sur « Écrire au client » sur la page de son projet ou dans une invitation reçue."
)
NEWCOMER_HINT = "Pour écrire à un pigiste, publiez d'abord un projet"


def inbox_text(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("conversation-list")).content.decode().replace("&#x27;", "'")


def test_the_empty_inbox_of_a_client_points_to_quotes_invitations_and_profiles(client):
    owner = ProjectFactory().owner
    page = inbox_text(client, owner)
    assert "Aucune conversation pour l'instant." in page
    assert CLIENT_HINT in page
    assert FREELANCER_HINT not in page and NEWCOMER_HINT not in page


def test_the_empty_inbox_of_a_freelancer_points_to_project_pages_and_invitations(client):
    page = inbox_text(client, FreelancerProfileFactory().user)
    assert FREELANCER_HINT in page
    assert CLIENT_HINT not in page and NEWCOMER_HINT not in page


def test_the_empty_inbox_of_someone_who_hires_and_works_gives_both_ways(client):
    user = FreelancerProfileFactory().user
    ProjectFactory(owner=user)
    page = inbox_text(client, user)
    assert CLIENT_HINT in page and FREELANCER_HINT in page
    assert NEWCOMER_HINT not in page


def test_the_empty_inbox_of_a_newcomer_says_how_to_start_either_way(client):
    page = inbox_text(client, UserFactory())
    assert NEWCOMER_HINT in page
    assert CLIENT_HINT not in page and FREELANCER_HINT not in page


def test_the_empty_inbox_hints_are_in_english_for_english_readers(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = inbox_text(client, ProjectFactory().owner)
    assert "No conversations yet." in page
    assert "Aucune conversation" not in page


def test_an_inbox_with_conversations_shows_no_hint(client):
    _conversation, owner, _freelancer = conversation_with_quote()
    page = inbox_text(client, owner)
    assert "data-inbox-empty" not in page
