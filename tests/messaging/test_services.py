"""Rules of conversations: who may open one, blocking, read marks, and the offline email."""

import datetime
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
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


def test_read_mark_never_goes_past_the_last_message():
    conversation, client, freelancer = conversation_with_quote()
    message = services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")[
        0
    ]
    assert (
        services.conversation_mark_read(user=client, conversation_id=conversation.pk, up_to=message.pk + 1000)
        == message.pk
    )


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


def test_unread_email_goes_out_after_10_minutes_once_per_conversation_per_hour():
    conversation, client, freelancer = conversation_with_quote()
    services.message_send(
        user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Êtes-vous disponible ?"
    )
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Pour mardi")

    assert services.unread_messages_email() == 0  # not 10 minutes yet
    _age_messages(11)
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
    assert services.unread_messages_email(now=timezone.now() + datetime.timedelta(minutes=61)) == 1
    assert len(mail.outbox) == 2


def test_no_unread_email_when_the_messages_were_read():
    conversation, client, freelancer = conversation_with_quote()
    message = services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")[0]
    services.conversation_mark_read(user=freelancer, conversation_id=conversation.pk, up_to=message.pk)
    _age_messages(30)
    assert services.unread_messages_email() == 0
    assert mail.outbox == []


def test_management_command_enqueues_the_unread_email_sweep():
    conversation, client, freelancer = conversation_with_quote()
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")
    _age_messages(15)
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
    assert tasks.email_unread_messages.call(**later.args_kwargs["kwargs"]) == 1
    assert [m.to for m in mail.outbox] == [[client.email]]


def test_a_sent_text_message_carries_its_recipients_unread_counts_as_the_database_reads_them():
    from messaging.models import NotificationKind
    from messaging.notifications import notify
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
    notify(recipient=freelancer, kind=NotificationKind.INVITATION, title="Invitation")

    last = send(client, conversation, "quatre")

    expected = selectors.unread_counts(user_id=freelancer.pk, conversation_id=conversation.pk)
    assert expected == {"total": 3, "notifications": 1, "conversations": {str(conversation.pk): 2}}
    assert last.recipient_unread == expected
