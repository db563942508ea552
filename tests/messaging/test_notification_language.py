"""A notification stores a kind and its parameters; each reader sees its words in their own language."""

import datetime
import functools
import importlib
import json

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification, NotificationKind
from notifications.services import notify
from notifications.texts import notification_text
from tests.factories import UserFactory
from tests.messaging.helpers import communicator, receive_until, session_cookie_for

pytestmark = pytest.mark.embedded

# kind, params, French (title, body), English (title, body)
TEXTS = [
    (
        NotificationKind.QUOTE_RECEIVED,
        {"title": "Logo", "name": "Julie"},
        ("Nouvelle soumission pour « Logo »", "Julie vous a envoyé une soumission."),
        ("New quote for “Logo”", "Julie sent you a quote."),
    ),
    (
        NotificationKind.QUOTE_RECEIVED,
        {"title": "Logo", "name": "Julie", "revised": True},
        ("Soumission révisée pour « Logo »", "Julie a révisé sa soumission."),
        ("Revised quote for “Logo”", "Julie revised their quote."),
    ),
    (
        NotificationKind.QUOTE_DECLINED,
        {"title": "Logo", "reason": "Trop loin pour nous."},
        ("Soumission refusée : « Logo »", "Raison donnée par le client : Trop loin pour nous."),
        ("Quote declined: “Logo”", "Reason given by the client: Trop loin pour nous."),
    ),
    (
        NotificationKind.QUOTE_DECLINED,
        {"title": "Logo", "reason": ""},
        ("Soumission refusée : « Logo »", "Le client n'a pas donné de raison."),
        ("Quote declined: “Logo”", "The client didn't give a reason."),
    ),
    (
        NotificationKind.PROJECT_AWARDED_ELSEWHERE,
        {"title": "Logo"},
        (
            "Projet attribué à un autre pigiste : « Logo »",
            "Le client a retenu une autre soumission. Merci d'avoir soumissionné.",
        ),
        (
            "Project awarded to another freelancer: “Logo”",
            "The client chose another quote. Thank you for sending a quote.",
        ),
    ),
    (
        NotificationKind.PROJECT_CLOSED,
        {"title": "Logo", "cause": "cancelled"},
        ("Projet annulé : « Logo »", "Le client a annulé ce projet. Merci d'avoir soumissionné."),
        ("Project cancelled: “Logo”", "The client cancelled this project. Thank you for sending a quote."),
    ),
    (
        NotificationKind.REVIEW_RECEIVED,
        {"title": "Logo", "name": "Julie", "rating": 4},
        ("Nouvelle évaluation : « Logo »", "Julie vous a donné 4/5."),
        ("New review: “Logo”", "Julie gave you 4/5."),
    ),
    (
        NotificationKind.SAVED_SEARCH_MATCH,
        {"name": "Design", "count": 2, "titles": ["Affiche", "Dépliant"]},
        ("2 nouveaux projets (Design)", "Affiche, Dépliant"),
        ("2 new projects (Design)", "Affiche, Dépliant"),
    ),
]


@pytest.mark.parametrize(("kind", "params", "french", "english"), TEXTS)
def test_a_notification_is_worded_in_the_reader_s_language(kind, params, french, english):
    notification = Notification(kind=kind, params=params)

    with translation.override("fr-ca"):
        assert tuple(notification_text(notification)) == french
    with translation.override("en"):
        assert tuple(notification_text(notification)) == english


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (NotificationKind.QUOTE_ACCEPTED, {"title": "Logo"}),
        (NotificationKind.INVITATION, {"title": "Logo", "message": ""}),
        (NotificationKind.REVISION_REQUESTED, {"title": "Logo", "note": "Ajoutez les taxes."}),
        (NotificationKind.PROJECT_CLOSED, {"title": "Logo", "cause": "no_decision"}),
        (NotificationKind.DECISION_REMINDER, {"title": "Logo", "close_on": "2026-11-25"}),
        (NotificationKind.SAVED_SEARCH_MATCH, {"name": "Design", "title": "Affiche", "description": "Une affiche."}),
    ],
)
def test_no_kind_shows_french_to_an_english_reader(kind, params):
    notification = Notification(kind=kind, params=params)
    with translation.override("fr-ca"):
        french = notification_text(notification)
    with translation.override("en"):
        english = notification_text(notification)

    assert english.title != french.title
    assert "«" not in english.title and "soumission" not in english.body


def test_the_decision_reminder_writes_its_date_in_the_reader_s_language():
    notification = Notification(
        kind=NotificationKind.DECISION_REMINDER, params={"title": "Logo", "close_on": "2026-11-25"}
    )

    with translation.override("fr-ca"):
        assert notification_text(notification).body.endswith("le projet sera fermé le 25 novembre 2026.")
    with translation.override("en"):
        assert "November 25, 2026" in notification_text(notification).body


@pytest.mark.parametrize(
    "params",
    [{}, {"name": "Julie"}, {"title": ""}, {"title": None}, {"title": ["Logo"]}, "pas un dict", None],
)
def test_a_kind_with_missing_parameters_says_what_happened_instead_of_failing(params):
    notification = Notification(kind=NotificationKind.QUOTE_RECEIVED, params=params)

    with translation.override("en"):
        assert tuple(notification_text(notification)) == ("New quote", "")
    with translation.override("fr-ca"):
        assert tuple(notification_text(notification)) == ("Nouvelle soumission", "")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (NotificationKind.REVIEW_RECEIVED, {"title": "Logo", "name": "Julie", "rating": "cinq"}),
        (NotificationKind.DECISION_REMINDER, {"title": "Logo", "close_on": "le 25 novembre"}),
        (NotificationKind.SAVED_SEARCH_MATCH, {"name": "Design", "count": 2, "titles": "Affiche"}),
    ],
)
def test_a_parameter_of_the_wrong_type_falls_back_to_the_kind_s_name(kind, params):
    with translation.override("en"):
        text = notification_text(Notification(kind=kind, params=params))
        label = str(dict(NotificationKind.choices)[kind])

    assert (text.title, text.body) == (label, "")
    assert label in ("New review", "Reminder: decision pending", "New project for a saved search")


def test_an_unknown_kind_with_no_words_still_reads_as_a_notification():
    with translation.override("en"):
        assert notification_text(Notification(kind="gone_kind", params={"title": "x"})).title == "Notification"


def test_a_legacy_row_keeps_the_words_it_was_written_with():
    legacy = Notification(kind=NotificationKind.QUOTE_RECEIVED, title="Texte ancien", body="Corps ancien")

    with translation.override("en"):
        assert tuple(notification_text(legacy)) == ("Texte ancien", "Corps ancien")


def test_user_words_are_shown_as_written_and_braces_in_them_are_harmless():
    notification = Notification(kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo {name}", "name": "{0}"})

    with translation.override("en"):
        assert tuple(notification_text(notification)) == ("New quote for “Logo {name}”", "{0} sent you a quote.")


# --- Where notifications are shown ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_notifications_page_reads_in_english_for_an_english_reader(client):
    member = UserFactory(language="fr-ca")
    notify(recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Julie"})
    client.force_login(member)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("notification-list")).content.decode()

    assert "New quote for “Logo”" in page and "Julie sent you a quote." in page
    assert "Nouvelle soumission" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", "New quote for “Logo”", "Julie sent you a quote."),
        ("fr-ca", "Nouvelle soumission pour « Logo »", "Julie vous a envoyé une soumission."),
    ],
)
def test_the_notification_email_is_written_in_the_recipient_s_language(
    django_capture_on_commit_callbacks, language, subject, body
):
    member = UserFactory(language=language)
    # Whoever caused it reads the site in the other language.
    with (
        translation.override("fr-ca" if language == "en" else "en"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Julie"})

    [email] = mail.outbox
    assert email.subject == subject
    assert email.body.startswith(body)


@pytest.mark.django_db(transaction=True)
async def test_the_socket_frame_is_worded_in_the_recipient_s_language():
    member = await database_sync_to_async(UserFactory)(language="en")
    comm = communicator(await database_sync_to_async(session_cookie_for)(member))
    connected, _ = await comm.connect()
    assert connected
    assert json.loads(await comm.receive_from())["type"] == "unread"

    with translation.override("fr-ca"):
        await database_sync_to_async(notify)(
            recipient=member, kind=NotificationKind.QUOTE_DECLINED, params={"title": "Logo", "reason": ""}, url="/x/"
        )
    frame = await receive_until(comm, "notification")

    assert frame["notification"]["title"] == "Quote declined: “Logo”"
    assert frame["notification"]["body"] == "The client didn't give a reason."
    await comm.disconnect()


@pytest.mark.django_db
def test_the_daily_digest_lists_titles_in_the_member_s_language(django_capture_on_commit_callbacks):
    from profiles.email_preferences import email_digests_send
    from profiles.models import DigestFrequency, EmailPreferences

    member = UserFactory(language="en")
    EmailPreferences.objects.create(user=member, frequency=DigestFrequency.DAILY)
    notify(recipient=member, kind=NotificationKind.PROJECT_CLOSED, params={"title": "Logo", "cause": "no_decision"})

    with django_capture_on_commit_callbacks(execute=True):
        assert email_digests_send() == 1
    [email] = mail.outbox
    assert "• Project closed: “Logo”" in email.body
    assert "Projet fermé" not in email.body


# --- Rows written before parameters: migration 0007 ---------------------------------------------

_migration = importlib.import_module("messaging.migrations.0007_notification_params_from_text")


@functools.cache
def _apps_at_0007():
    """The models as migration 0007 runs against them (notifications lived in messaging then)."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(
        ("messaging", "0007_notification_params_from_text")
    )
    return state.apps


LEGACY = [
    (
        NotificationKind.QUOTE_RECEIVED,
        "Nouvelle soumission pour « Site de la fromagerie »",
        "Julie Gagnon vous a envoyé une soumission.",
        "New quote for “Site de la fromagerie”",
        "Julie Gagnon sent you a quote.",
    ),
    (
        NotificationKind.QUOTE_DECLINED,
        "Soumission refusée : « Logo »",
        "Raison donnée par le client : Trop cher :\nvraiment.",
        "Quote declined: “Logo”",
        "Reason given by the client: Trop cher :\nvraiment.",
    ),
    (
        NotificationKind.PROJECT_AWARDED_ELSEWHERE,
        "Projet attribué à un autre pigiste : « Logo »",
        "Le client a retenu une autre soumission. Merci d'avoir soumissionné.",
        "Project awarded to another freelancer: “Logo”",
        "The client chose another quote. Thank you for sending a quote.",
    ),
    (
        NotificationKind.PROJECT_CLOSED,
        "Projet fermé : « Logo »",
        "Le client n'a pas choisi de soumission à temps ; le projet est fermé. Merci d'avoir soumissionné.",
        "Project closed: “Logo”",
        None,
    ),
    (
        NotificationKind.DECISION_REMINDER,
        "Décision attendue : « Logo »",
        "La période de soumissions est terminée. Choisissez une soumission ou répondez aux pigistes : "
        "sans décision, le projet sera fermé le 3 décembre 2026.",
        "Decision needed: “Logo”",
        None,
    ),
    (
        NotificationKind.REVIEW_RECEIVED,
        "Nouvelle évaluation : « Logo »",
        "Julie vous a donné 5/5.",
        "New review: “Logo”",
        "Julie gave you 5/5.",
    ),
    (
        NotificationKind.SAVED_SEARCH_MATCH,
        "3 nouveaux projets (Design)",
        "Affiche, Dépliant, Logo",
        "3 new projects (Design)",
        "Affiche, Dépliant, Logo",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "title", "body", "english_title", "english_body"), LEGACY)
def test_the_migration_turns_known_french_texts_into_kinds_an_english_reader_reads(
    kind, title, body, english_title, english_body
):
    member = UserFactory()
    row = Notification.objects.create(recipient=member, kind=kind, title=title, body=body)

    _migration.forwards(_apps_at_0007(), None)

    row.refresh_from_db()
    assert (row.title, row.body) == ("", "")
    with translation.override("en"):
        text = notification_text(row)
    assert text.title == english_title
    if english_body is not None:
        assert text.body == english_body
    with translation.override("fr-ca"):
        assert tuple(notification_text(row)) == (title, body)


@pytest.mark.django_db
def test_the_migration_reads_the_reminder_s_french_date():
    row = Notification.objects.create(
        recipient=UserFactory(),
        kind=NotificationKind.DECISION_REMINDER,
        title="Décision attendue : « Logo »",
        body="La période de soumissions est terminée. Choisissez une soumission ou répondez aux pigistes : "
        "sans décision, le projet sera fermé le 3 décembre 2026.",
    )

    _migration.forwards(_apps_at_0007(), None)

    row.refresh_from_db()
    assert row.params == {"title": "Logo", "close_on": datetime.date(2026, 12, 3).isoformat()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "title", "body"),
    [
        (NotificationKind.QUOTE_RECEIVED, "Texte écrit à la main par le personnel", "Bonjour"),
        (NotificationKind.QUOTE_RECEIVED, "New quote for “Logo”", "Julie sent you a quote."),
        # The right title with a body the kind never had: not ours to reword.
        (NotificationKind.QUOTE_ACCEPTED, "Votre soumission est acceptée : « Logo »", "Autre chose."),
        (NotificationKind.DECISION_REMINDER, "Décision attendue : « Logo »", "… fermé le 3 brumaire 2026."),
        (NotificationKind.QUOTE_DECLINED, "Nouvelle soumission pour « Logo »", "Julie vous a envoyé une soumission."),
    ],
)
def test_an_unknown_legacy_text_stays_readable_as_it_was(kind, title, body):
    row = Notification.objects.create(recipient=UserFactory(), kind=kind, title=title, body=body)

    _migration.forwards(_apps_at_0007(), None)

    row.refresh_from_db()
    assert (row.params, row.title, row.body) == ({}, title, body)
    with translation.override("en"):
        assert tuple(notification_text(row)) == (title, body)


@pytest.mark.django_db
def test_the_migration_can_be_reversed_to_the_french_words():
    row = Notification.objects.create(
        recipient=UserFactory(),
        kind=NotificationKind.QUOTE_RECEIVED,
        title="Soumission révisée pour « Logo »",
        body="Julie a révisé sa soumission.",
    )
    _migration.forwards(_apps_at_0007(), None)

    _migration.backwards(_apps_at_0007(), None)

    row.refresh_from_db()
    assert (row.title, row.body) == ("Soumission révisée pour « Logo »", "Julie a révisé sa soumission.")
