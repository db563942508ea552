"""Email preferences: each kind on or off, how often; `email_allowed` is what the email tasks ask."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.common.errors import ValidationFailed
from notifications.models import Notification, NotificationKind
from privacy import services as privacy_services
from profiles import email_preferences
from profiles.models import DigestFrequency, EmailPreferences
from tests.factories import UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

ALL_KINDS = [kind for kind, _label in email_preferences.email_kind_choices()]


def test_by_default_every_kind_is_emailed_right_away(db):
    user = UserFactory()
    assert all(email_preferences.email_allowed(user=user, kind=kind) for kind in ALL_KINDS)
    assert email_preferences.UNREAD_MESSAGES in ALL_KINDS
    # New projects that fit a freelancer have their own choice (at once, daily by default, never).
    assert set(NotificationKind.values) - {NotificationKind.PROJECT_MATCH} <= set(ALL_KINDS)


def test_the_page_shows_the_defaults_then_saves_the_members_choices(client, db):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("email-preferences")).content.decode()
    assert page.count('name="kinds"') == len(ALL_KINDS)
    assert page.count("checked") == len(ALL_KINDS) + 2  # Every kind, "immediate", and new projects "daily".
    assert "Nouvelle évaluation" in page and "Messages non lus dans une conversation" in page

    keep = [NotificationKind.QUOTE_ACCEPTED, NotificationKind.INVITATION]
    response = client.post(reverse("email-preferences"), {"kinds": keep, "frequency": "immediate"}, follow=True)
    assert "Vos préférences de courriel sont enregistrées." in response.content.decode()
    prefs = EmailPreferences.objects.get(user=user)
    assert set(prefs.disabled_kinds) == set(ALL_KINDS) - set(keep)
    assert email_preferences.email_allowed(user=user, kind=NotificationKind.QUOTE_ACCEPTED)
    assert email_preferences.email_allowed(user=user, kind="invitation")
    assert not email_preferences.email_allowed(user=user, kind=NotificationKind.REVIEW_RECEIVED)
    assert not email_preferences.email_allowed(user=user, kind=email_preferences.UNREAD_MESSAGES)

    page = client.get(reverse("email-preferences")).content.decode()
    assert page.count("checked") == len(keep) + 2


@pytest.mark.parametrize("frequency", [DigestFrequency.DAILY, DigestFrequency.NEVER])
def test_a_daily_digest_or_no_email_stops_immediate_emails(db, frequency):
    user = UserFactory()
    email_preferences.email_preferences_save(user=user, enabled_kinds=ALL_KINDS, frequency=frequency)
    assert not any(email_preferences.email_allowed(user=user, kind=kind) for kind in ALL_KINDS)


def test_an_unknown_kind_or_frequency_is_refused_and_nothing_is_saved(client, db):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as refused:
        email_preferences.email_preferences_save(user=user, enabled_kinds=["spam"], frequency="immediate")
    assert str(refused.value.message) == "Type de courriel inconnu."
    with pytest.raises(ValidationFailed) as refused:
        email_preferences.email_preferences_save(user=user, enabled_kinds=[], frequency="hourly")
    assert str(refused.value.message) == "Choisissez une fréquence dans la liste."
    client.force_login(user)
    response = client.post(reverse("email-preferences"), {"kinds": ["invitation"], "frequency": "hourly"})
    assert response.status_code == 400
    assert "hourly" in response.content.decode()  # Django names the bad choice.
    assert not EmailPreferences.objects.filter(user=user).exists()


def test_an_erased_or_inactive_account_gets_no_email(db, run_on_commit):
    erased = UserFactory()
    run_on_commit(privacy_services.account_purge, user_id=erased.pk)
    erased.refresh_from_db()
    inactive = UserFactory(is_active=False)
    for user in (erased, inactive):
        assert not email_preferences.email_allowed(user=user, kind=NotificationKind.QUOTE_RECEIVED)


def test_the_daily_digest_lists_pending_notifications_once_a_day(db, run_on_commit):
    user = UserFactory()
    email_preferences.email_preferences_save(
        user=user, enabled_kinds=[NotificationKind.QUOTE_RECEIVED], frequency=DigestFrequency.DAILY
    )
    wanted = Notification.objects.create(
        recipient=user, kind=NotificationKind.QUOTE_RECEIVED, title="Soumission de Marc", url="/projets/1/"
    )
    muted = Notification.objects.create(recipient=user, kind=NotificationKind.REVIEW_RECEIVED, title="Évaluation reçue")
    UserFactory()  # Someone on the defaults gets no digest.

    assert run_on_commit(email_preferences.email_digests_send) == 1  # Each digest leaves after its commit.
    [email] = mail.outbox
    assert email.to == [user.email] and email.subject == "Votre résumé quotidien Pigiste QC"
    assert "Soumission de Marc" in email.body and "Évaluation reçue" not in email.body
    wanted.refresh_from_db()
    muted.refresh_from_db()
    assert wanted.emailed_at is not None and muted.emailed_at is None

    Notification.objects.create(recipient=user, kind=NotificationKind.QUOTE_RECEIVED, title="Deuxième")
    assert email_preferences.email_digests_send() == 0  # Not twice in a day.
    assert run_on_commit(email_preferences.email_digests_send, now=timezone.now() + datetime.timedelta(days=1)) == 1
    assert "Deuxième" in mail.outbox[-1].body and "Soumission de Marc" not in mail.outbox[-1].body
