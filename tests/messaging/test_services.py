"""Rules of conversations: who may open one, blocking, read marks, and the offline email."""

import asyncio
import datetime
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed
from messaging import selectors, services
from messaging.models import Block, Conversation, Message, Participant
from projects.models import Invitation, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = pytest.mark.django_db


def test_owner_opens_a_conversation_with_a_freelancer_from_their_profile():
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user

    conversation, created = services.conversation_open(
        user=project.owner, project_id=project.pk, with_user_id=freelancer.pk
    )

    assert created is True
    assert (conversation.client, conversation.freelancer, conversation.project) == (project.owner, freelancer, project)
    assert set(Participant.objects.values_list("user_id", flat=True)) == {project.owner.pk, freelancer.pk}


def test_opening_twice_from_either_side_returns_the_same_conversation():
    conversation, client, freelancer = conversation_with_quote()
    again, created = services.conversation_open(
        user=freelancer, project_id=conversation.project_id, with_user_id=client.pk
    )
    assert created is False
    assert again.pk == conversation.pk
    assert Conversation.objects.count() == 1


def test_invited_freelancer_may_write_about_an_invite_only_project():
    project = ProjectFactory(visibility=Visibility.INVITED)
    freelancer = FreelancerProfileFactory().user
    Invitation.objects.create(project=project, freelancer=freelancer)

    conversation, created = services.conversation_open(
        user=freelancer, project_id=project.pk, with_user_id=project.owner.pk
    )

    assert created is True
    assert conversation.client == project.owner


def test_freelancer_cannot_write_about_an_invite_only_project_without_invitation():
    project = ProjectFactory(visibility=Visibility.INVITED)
    freelancer = FreelancerProfileFactory().user
    with pytest.raises(PermissionDenied) as refused:
        services.conversation_open(user=freelancer, project_id=project.pk, with_user_id=project.owner.pk)
    assert str(refused.value) == "Vous ne pouvez pas écrire à cette personne au sujet de ce projet."
    assert Conversation.objects.count() == 0


def test_owner_cannot_open_a_conversation_with_someone_who_is_not_a_freelancer():
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        services.conversation_open(user=project.owner, project_id=project.pk, with_user_id=UserFactory().pk)
    assert Conversation.objects.count() == 0


def test_two_people_who_dont_own_the_project_cannot_open_a_conversation_about_it():
    project = ProjectFactory()
    with pytest.raises(PermissionDenied) as refused:
        services.conversation_open(
            user=FreelancerProfileFactory().user, project_id=project.pk, with_user_id=FreelancerProfileFactory().user.pk
        )
    assert str(refused.value) == "Une conversation réunit le client du projet et un pigiste."
    assert Conversation.objects.count() == 0


def test_conversation_with_yourself_or_about_a_missing_project_is_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationFailed):
        services.conversation_open(user=project.owner, project_id=project.pk, with_user_id=project.owner.pk)
    with pytest.raises(NotFound):
        services.conversation_open(user=project.owner, project_id=project.pk + 999, with_user_id=UserFactory().pk)
    assert Conversation.objects.count() == 0


@pytest.mark.embedded
def test_a_block_refuses_new_conversations_and_messages_but_history_stays_readable():
    conversation, client, freelancer = conversation_with_quote()
    services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="avant")
    services.user_block(user=client, blocked_user_id=freelancer.pk)

    for sender in (client, freelancer):
        with pytest.raises(PermissionDenied):
            services.message_send(user=sender, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="après")
    other_project = ProjectFactory(owner=client)
    with pytest.raises(PermissionDenied):
        services.conversation_open(user=freelancer, project_id=other_project.pk, with_user_id=client.pk)
    messages, _ = selectors.message_list(
        conversation=selectors.conversation_get_for_reader(user=client, conversation_id=conversation.pk)
    )
    assert [m.body for m in messages] == ["avant"]

    services.user_unblock(user=client, blocked_user_id=freelancer.pk)
    assert Block.objects.count() == 0
    services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="de nouveau")
    assert Message.objects.count() == 2


@pytest.mark.embedded
def test_read_mark_never_goes_past_the_last_message():
    conversation, client, freelancer = conversation_with_quote()
    message = services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")[
        0
    ]
    assert (
        services.conversation_mark_read(user=client, conversation_id=conversation.pk, up_to=message.pk + 1000)
        == message.pk
    )


@pytest.mark.embedded
def test_server_ids_increase_within_a_conversation_and_senders_read_their_own_messages():
    conversation, client, freelancer = conversation_with_quote()
    ids = [
        services.message_send(user=u, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="x")[0].pk
        for u in (client, freelancer, client)
    ]
    conversation.refresh_from_db()
    assert ids == sorted(ids)
    assert conversation.last_message_id == ids[-1]
    # Replying means you read what came before: only the client's last message is unread for the freelancer.
    assert selectors.unread_message_total(user=client) == 0
    assert selectors.unread_message_total(user=freelancer) == 1


def _age_messages(minutes):
    Message.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_unread_email_goes_out_after_10_minutes_once_per_conversation_per_hour(django_capture_on_commit_callbacks):
    conversation, client, freelancer = conversation_with_quote()
    services.message_send(
        user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Êtes-vous disponible ?"
    )
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Pour mardi")

    assert services.unread_messages_email() == 0  # not 10 minutes yet
    _age_messages(11)
    with django_capture_on_commit_callbacks(execute=True):  # the email leaves after its commit
        assert services.unread_messages_email() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [freelancer.email]
    assert mail.outbox[0].subject == f"2 messages non lus : {conversation.project.title}"
    assert "Êtes-vous disponible ?" in mail.outbox[0].body
    assert f"/messages/{conversation.pk}/" in mail.outbox[0].body

    # A new unread message within the hour: no second email.
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Relance")
    _age_messages(11)
    assert services.unread_messages_email() == 0
    # An hour later it may go.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unread_messages_email(now=timezone.now() + datetime.timedelta(minutes=61)) == 1
    assert len(mail.outbox) == 2


def test_no_unread_email_when_the_messages_were_read():
    conversation, client, freelancer = conversation_with_quote()
    message = services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")[0]
    services.conversation_mark_read(user=freelancer, conversation_id=conversation.pk, up_to=message.pk)
    _age_messages(30)
    assert services.unread_messages_email() == 0
    assert mail.outbox == []


def test_management_command_enqueues_the_unread_email_sweep(django_capture_on_commit_callbacks):
    conversation, client, freelancer = conversation_with_quote()
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")
    _age_messages(15)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("messaging_unread_emails")  # immediate backend in tests: runs now
    assert [m.to for m in mail.outbox] == [[freelancer.email]]


def test_first_unread_message_schedules_one_email_check_ten_minutes_later(settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    conversation, client, _freelancer = conversation_with_quote()
    for body in ("un", "deux"):
        with django_capture_on_commit_callbacks(execute=True):
            services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=body)

    scheduled = list(DBTaskResult.objects.filter(task_path="messaging.tasks.email_unread_messages"))
    assert len(scheduled) == 1
    wait = scheduled[0].run_after - timezone.now()
    assert datetime.timedelta(minutes=9, seconds=50) < wait < datetime.timedelta(minutes=10, seconds=10)
    assert scheduled[0].args_kwargs["kwargs"] == {"conversation_id": conversation.pk}


def test_a_streak_that_starts_while_a_check_is_pending_gets_its_own_check_from_it(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from messaging import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    conversation, client, freelancer = conversation_with_quote()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="un")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="deux")
    # The reply started the client's unread streak, but a check was already pending: no second row.
    checks = DBTaskResult.objects.filter(task_path="messaging.tasks.email_unread_messages")
    assert checks.count() == 1

    # The pending check runs: the freelancer read "un" by replying, the client's "deux" is not due yet.
    assert tasks.email_unread_messages.call(conversation_id=conversation.pk) == 0
    assert checks.count() == 2
    later = checks.order_by("-run_after").first()
    wait = later.run_after - timezone.now()
    assert datetime.timedelta(minutes=9, seconds=50) < wait < datetime.timedelta(minutes=10, seconds=10)

    _age_messages(11)  # the check it scheduled runs
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.email_unread_messages.call(**later.args_kwargs["kwargs"]) == 1
    assert [m.to for m in mail.outbox] == [[client.email]]


@pytest.mark.embedded
def test_a_sent_message_pushes_its_recipients_unread_counts_as_the_database_reads_them(
    monkeypatch, django_capture_on_commit_callbacks
):
    from marketplace.common import live
    from messaging import events
    from notifications.models import NotificationKind
    from notifications.services import notify
    from tests.factories import QuoteFactory

    conversation, client, freelancer = conversation_with_quote()
    elsewhere = ProjectFactory()
    QuoteFactory(project=elsewhere, freelancer=freelancer)
    other, _created = services.conversation_open(
        user=elsewhere.owner, project_id=elsewhere.pk, with_user_id=freelancer.pk
    )

    def send(user, conv, body):
        return services.message_send(user=user, conversation_id=conv.pk, client_id=str(uuid.uuid4()), body=body)[0]

    first = send(client, conversation, "un")
    send(client, conversation, "deux")
    services.conversation_mark_read(user=freelancer, conversation_id=conversation.pk, up_to=first.pk)
    send(elsewhere.owner, other, "ailleurs")
    send(freelancer, conversation, "réponse")  # replying reads what came before
    send(client, conversation, "trois")
    notify(recipient=freelancer, kind=NotificationKind.INVITATION, params={"title": "Invitation"})
    pushes = []
    monkeypatch.setattr(live, "push_all", pushes.extend)

    with django_capture_on_commit_callbacks(execute=True):
        last = send(client, conversation, "quatre")

    expected = selectors.unread_counts(user_id=freelancer.pk, conversation_id=conversation.pk)
    assert expected == {"total": 3, "notifications": 1, "conversations": {str(conversation.pk): 2}}
    # The message first, then the recipient's badge.
    assert [(group, event["type"]) for group, event in pushes] == [
        (events.conversation_group(conversation.pk), "messaging.message"),
        (events.user_group(freelancer.pk), "messaging.unread"),
    ]
    assert pushes[0][1]["message"]["id"] == last.pk
    assert pushes[1][1] == {"type": "messaging.unread", **expected}
    assert last.recipient_unread == {freelancer.pk: expected}


# --- Sending: one write path for every message, on PostgreSQL and on the embedded SQLite -----------


@pytest.fixture
def pair():
    conversation, client, freelancer = conversation_with_quote()
    return conversation, client, freelancer


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
async def test_a_sent_message_is_saved_and_pushed_to_the_conversations_sockets(pair):
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from messaging import events

    conversation, client, freelancer = pair
    layer = get_channel_layer()
    listener = await layer.new_channel()
    await layer.group_add(events.conversation_group(conversation.pk), listener)

    message, created = await database_sync_to_async(services.message_send)(
        user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour, êtes-vous libre ?"
    )

    async with asyncio.timeout(5):
        pushed = await layer.receive(listener)
    saved = await database_sync_to_async(
        lambda: list(Message.objects.values_list("pk", "conversation_id", "sender_id", "body"))
    )()
    assert created is True
    assert saved == [(message.pk, conversation.pk, client.pk, "Bonjour, êtes-vous libre ?")]
    assert pushed["type"] == "messaging.message"
    assert pushed["previous_id"] == 0
    assert {key: pushed["message"][key] for key in ("id", "conversation", "sender", "body", "attachments")} == {
        "id": message.pk,
        "conversation": conversation.pk,
        "sender": client.pk,
        "body": "Bonjour, êtes-vous libre ?",
        "attachments": [],
    }
    await layer.group_discard(events.conversation_group(conversation.pk), listener)


@pytest.mark.embedded
def test_a_message_with_attachments_is_saved_with_them_and_moves_the_conversation_like_any_other(pair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.privacy.factories import PDF_BYTES

    conversation, client, freelancer = pair
    text = services.message_send(
        user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Le devis ?"
    )[0]

    message, created = services.message_send(
        user=client,
        conversation_id=conversation.pk,
        client_id=uuid.uuid4(),
        body="",
        uploads=[
            SimpleUploadedFile("devis.pdf", PDF_BYTES, content_type="application/pdf"),
            SimpleUploadedFile("annexe.pdf", PDF_BYTES, content_type="application/pdf"),
        ],
    )

    assert created is True
    assert [(a.name, a.size) for a in message.attachments.all()] == [
        ("devis.pdf", len(PDF_BYTES)),
        ("annexe.pdf", len(PDF_BYTES)),
    ]
    assert [a["name"] for a in selectors.message_payload(message)["attachments"]] == ["devis.pdf", "annexe.pdf"]
    assert message.previous_id == text.pk
    conversation.refresh_from_db()
    assert conversation.last_message_id == message.pk
    assert conversation.last_activity_at == message.created_at
    # Sending reads what came before; the other side has one unread message.
    assert selectors.unread_message_total(user=client) == 0
    assert selectors.unread_message_total(user=freelancer) == 1


@pytest.mark.embedded
def test_resending_a_client_id_returns_the_saved_message_whatever_the_limits_say_now(pair):
    from marketplace.common.errors import Conflict

    conversation, client, freelancer = pair
    client_id = str(uuid.uuid4())
    first, created = services.message_send(
        user=client, conversation_id=conversation.pk, client_id=client_id, body="Une fois"
    )
    services.user_block(user=freelancer, blocked_user_id=client.pk)

    again, created_again = services.message_send(
        user=client, conversation_id=conversation.pk, client_id=client_id, body="Une fois"
    )
    with pytest.raises(Conflict) as refused:
        services.message_send(user=client, conversation_id=conversation.pk, client_id=client_id, body="Autre chose")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert str(refused.value) == "Cet identifiant de message a déjà servi pour un autre contenu."
    assert list(Message.objects.values_list("body", flat=True)) == ["Une fois"]


@pytest.mark.embedded
def test_a_client_id_already_used_in_another_conversation_is_refused(pair):
    from marketplace.common.errors import Conflict
    from tests.factories import QuoteFactory

    conversation, client, freelancer = pair
    elsewhere = ProjectFactory(owner=client)
    QuoteFactory(project=elsewhere, freelancer=freelancer)
    other, _created = services.conversation_open(user=client, project_id=elsewhere.pk, with_user_id=freelancer.pk)
    client_id = uuid.uuid4()
    services.message_send(user=client, conversation_id=conversation.pk, client_id=client_id, body="Ici")

    with pytest.raises(Conflict):
        services.message_send(user=client, conversation_id=other.pk, client_id=client_id, body="Ici")

    assert list(Message.objects.values_list("conversation_id", flat=True)) == [conversation.pk]


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("body", "refusal", "message"),
    [
        ("   ", ValidationFailed, "Le message est vide."),
        ("x" * 5001, ValidationFailed, "Le message dépasse 5000 caractères."),
    ],
)
def test_an_empty_or_too_long_message_is_refused(pair, body, refusal, message):
    conversation, client, _freelancer = pair
    with pytest.raises(refusal) as refused:
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=body)
    assert str(refused.value) == message
    assert Message.objects.count() == 0
    conversation.refresh_from_db()
    assert conversation.last_message_id == 0


@pytest.mark.embedded
def test_someone_outside_the_conversation_gets_the_same_not_found_as_for_a_missing_one(pair):
    conversation, _client, _freelancer = pair
    stranger = UserFactory()
    for conversation_id in (conversation.pk, conversation.pk + 1000):
        with pytest.raises(NotFound) as refused:
            services.message_send(user=stranger, conversation_id=conversation_id, client_id=uuid.uuid4(), body="Allô")
        assert str(refused.value) == "Cette conversation n'existe pas."
    assert Message.objects.count() == 0


@pytest.mark.embedded
def test_the_21st_message_in_10_seconds_is_refused(pair):
    from marketplace.common.errors import RateLimited

    conversation, client, _freelancer = pair
    for i in range(20):
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=f"m{i}")

    with pytest.raises(RateLimited) as refused:
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="de trop")

    assert str(refused.value) == "Doucement ! Trop de messages en peu de temps ; réessayez dans quelques secondes."
    assert Message.objects.count() == 20


@pytest.mark.embedded
def test_a_text_message_is_saved_in_one_locked_read_then_its_writes(pair, django_assert_num_queries):
    conversation, client, _freelancer = pair
    # The savepoint (the test's transaction holds the outer one), the conversation locked with the rules'
    # inputs, the message, the conversation's last message, the sender's read mark, the recipient's
    # unread counts, the release. No read of the attachments it has not got.
    with django_assert_num_queries(7):
        message, _created = services.message_send(
            user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour"
        )
        assert selectors.message_payload(message)["attachments"] == []


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_the_same_client_id_sent_from_two_sockets_at_once_is_saved_once(pair):
    import threading

    from django.db import connection

    conversation, client, _freelancer = pair
    client_id = str(uuid.uuid4())
    start, results = threading.Barrier(4), []

    def send():
        start.wait()
        try:
            results.append(
                services.message_send(
                    user=client, conversation_id=conversation.pk, client_id=client_id, body="Une fois"
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(created for _message, created in results) == [False, False, False, True]
    assert len({message.pk for message, _created in results}) == 1
    assert Message.objects.filter(client_id=client_id).count() == 1


@pytest.mark.embedded
def test_an_attachment_over_the_quota_is_refused_but_its_resend_gets_the_saved_message(pair, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.privacy.factories import PDF_BYTES

    conversation, client, _freelancer = pair

    def send(client_id):
        return services.message_send(
            user=client,
            conversation_id=conversation.pk,
            client_id=client_id,
            body="Le contrat",
            uploads=[SimpleUploadedFile("contrat.pdf", PDF_BYTES, content_type="application/pdf")],
        )

    sent_id = uuid.uuid4()
    first, _created = send(sent_id)
    settings.STORAGE_QUOTA_BYTES = len(PDF_BYTES)  # full now

    again, created = send(sent_id)
    with pytest.raises(ValidationFailed) as refused:
        send(uuid.uuid4())

    assert (again.pk, created) == (first.pk, False)
    assert refused.value.code == "storage_quota"
    assert Message.objects.count() == 1
