"""Every e-mail leaves after the commit that decided it, from a task, and a slow relay holds no lock.

The relay here is `RecordingBackend`: for each message it notes whether the sending connection was
inside a transaction, and meanwhile (slowly) asks another connection whether it can lock and write the
rows the sender claimed. The tests run without a test-wide transaction, with the immediate task
backend: a task enqueued inside a transaction would run inside it, so this also checks each enqueue
waits for the commit.
"""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone

from messaging import services as messaging_services
from messaging.models import Message, Participant
from messaging.tasks import email_unread_messages
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from notifications.tasks import send_notification_email
from privacy.models import DataExport
from privacy.services import data_export_request
from profiles.models import DigestFrequency, EmailPreferences, User
from tests.factories import UserFactory
from tests.marketplace.mail_backends import RecordingBackend
from tests.messaging.factories import conversation_with_quote

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]

SLOW_RELAY_SECONDS = 0.3
PASSWORD = "motdepasse-solide-123"


@pytest.fixture
def relay(settings):
    settings.EMAIL_BACKEND = "tests.marketplace.mail_backends.RecordingBackend"
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()


def row_free(model, pk) -> bool:
    """Whether another connection can lock the row (PostgreSQL) and write it (SQLite locks the file) now."""
    try:
        with transaction.atomic():
            locked = list(model.objects.select_for_update(nowait=True).filter(pk=pk))
            model.objects.filter(pk=pk).update(id=F("id"))
    except OperationalError:
        return False
    return len(locked) == 1


def test_a_notification_e_mail_leaves_after_the_service_commits_and_the_slow_relay_holds_no_lock(relay):
    member = UserFactory(email="julie@exemple.qc.ca")
    created = {}
    relay.reset(delay=SLOW_RELAY_SECONDS, probe=lambda: row_free(Notification, created["id"]))

    with transaction.atomic():
        User.objects.select_for_update().get(pk=member.pk)  # As a service holds its rows while it notifies.
        created["id"] = notify(
            recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Marc"}
        ).pk
        assert relay.sent == []

    [email] = relay.sent
    assert email.to == ["julie@exemple.qc.ca"]
    assert email.subject == "Nouvelle soumission pour « Logo »"
    assert email.in_transaction is False
    assert email.probe is True
    assert Notification.objects.get(pk=created["id"]).emailed_at is not None

    # Run again (a worker retaking it), the task sends nothing more.
    send_notification_email.enqueue(notification_id=created["id"])
    assert len(relay.sent) == 1


def test_the_unread_messages_e_mail_leaves_after_its_claim_commits(relay):
    conversation, client, freelancer = conversation_with_quote(title="Site de la fromagerie")
    messaging_services.message_send(
        user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Êtes-vous libre mardi ?"
    )
    last = Message.objects.filter(conversation=conversation).latest("id")
    Message.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    participant = Participant.objects.get(conversation=conversation, user=freelancer)
    relay.reset(delay=SLOW_RELAY_SECONDS, probe=lambda: row_free(Participant, participant.pk))

    email_unread_messages.enqueue()  # The sweep, run at once by the immediate backend as the worker would.

    [email] = relay.sent
    assert email.to == [freelancer.email]
    assert "Site de la fromagerie" in email.subject
    assert email.in_transaction is False
    assert email.probe is True
    participant.refresh_from_db()
    assert participant.last_emailed_message_id == last.pk
    email_unread_messages.enqueue()
    assert len(relay.sent) == 1


def test_the_daily_digest_leaves_after_its_claim_commits(relay):
    member = UserFactory()
    prefs = EmailPreferences.objects.create(user=member, frequency=DigestFrequency.DAILY)
    notification = notify(
        recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Marc"}
    )
    assert relay.sent == []  # Daily: nothing right away.
    relay.reset(
        delay=SLOW_RELAY_SECONDS,
        probe=lambda: row_free(EmailPreferences, prefs.pk) and row_free(Notification, notification.pk),
    )

    call_command("email_digests")  # Enqueues the task; the immediate backend runs it now.

    [email] = relay.sent
    assert email.to == [member.email]
    assert "Nouvelle soumission pour « Logo »" in email.body
    assert email.in_transaction is False
    assert email.probe is True
    call_command("email_digests")
    assert len(relay.sent) == 1


def test_the_archive_ready_e_mail_leaves_after_the_archive_is_recorded(relay):
    member = UserFactory()
    relay.reset(delay=SLOW_RELAY_SECONDS, probe=lambda: row_free(DataExport, DataExport.objects.get(user=member).pk))

    data_export_request(user=member)

    [email] = relay.sent
    assert email.to == [member.email]
    assert email.subject == "Votre archive de données est prête"
    assert email.in_transaction is False
    assert email.probe is True
    assert DataExport.objects.get(user=member).status == DataExport.Status.READY


def test_allauth_s_account_e_mails_leave_outside_any_transaction(relay):
    UserFactory(email="julie@exemple.qc.ca")

    Client().post(
        "/comptes/signup/",
        {"email": "nouvelle@exemple.qc.ca", "password1": PASSWORD, "password2": PASSWORD, "name": "Ferme Sœurs"},
    )
    Client().post("/comptes/password/reset/", {"email": "julie@exemple.qc.ca"})

    assert [email.to for email in relay.sent] == [["nouvelle@exemple.qc.ca"], ["julie@exemple.qc.ca"]]
    assert [email.in_transaction for email in relay.sent] == [False, False]


def test_a_relay_that_refuses_the_e_mail_gives_the_claim_back_for_the_next_try(relay):
    member = UserFactory()
    relay.reset(fail=True)

    notification = notify(
        recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Marc"}
    )

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert relay.sent == []

    relay.reset()
    send_notification_email.enqueue(notification_id=notification.pk)

    assert [email.to for email in relay.sent] == [[member.email]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
