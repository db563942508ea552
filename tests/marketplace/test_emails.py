"""Every e-mail the product sends, read as its recipient reads it: the site's own name, their language.

The e-mails: allauth's (address confirmation on sign-up, password reset, reset asked for an unknown
address, sign-up with an address already taken), a notification, the daily digest, unread messages,
and the data export. (Account deletion sends none: the page confirms it.)
"""

import datetime
import importlib
import re
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notify
from privacy import services as privacy_services
from profiles import email_preferences
from profiles.models import DigestFrequency, EmailPreferences
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"
# Words that give a language away in these e-mails (and the typos the French ones once had).
FRENCH_WORDS = ("Bonjour", "L'équipe", "courriel", "soumission", "Confirmez", "Votre", "vous")
ENGLISH_WORDS = ("Hello", "team", "email", "quote", "Confirm", "Your", "you")
TYPOS = ("cet courriel", "l'courriel", "d'courriel", "Cet courriel")


def _read_as(email, language: str) -> str:
    """The e-mail's subject and body, checked for what every e-mail must (and must not) say."""
    text = f"{email.subject}\n{email.body}"
    assert "example.com" not in text
    assert settings.SITE_NAME in text
    for typo in TYPOS:
        assert typo not in text
    mine, other = (FRENCH_WORDS, ENGLISH_WORDS) if language == "fr-ca" else (ENGLISH_WORDS, FRENCH_WORDS)
    words = set(re.findall(r"[\w']+", re.sub(r"https?://\S+", "", text)))  # links are no language
    assert words & set(mine), text
    assert not words & set(other), text
    return text


LANGUAGES = ["fr-ca", "en"]


@pytest.fixture
def browser(client):
    def in_language(language):
        client.cookies["django_language"] = language
        return client

    return in_language


def test_the_site_takes_its_name_and_domain_from_settings():
    site = Site.objects.get_current()

    assert (site.name, site.domain) == (settings.SITE_NAME, settings.SITE_DOMAIN)
    assert "example.com" not in (site.name, site.domain)


def test_the_data_migration_sets_the_site_from_whatever_settings_say(settings):
    migration = importlib.import_module("marketplace.migrations.0001_site_from_settings")
    settings.SITE_NAME = "Pigiste Bas-Saint-Laurent"
    settings.SITE_DOMAIN = "pigiste.example"

    migration.site_from_settings(apps, None)

    Site.objects.clear_cache()
    assert (Site.objects.get_current().name, Site.objects.get_current().domain) == (
        "Pigiste Bas-Saint-Laurent",
        "pigiste.example",
    )
    Site.objects.clear_cache()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_up_confirmation_is_signed_by_the_site_in_the_reader_s_language(browser, language):
    response = browser(language).post(
        "/comptes/signup/",
        {"email": "nouvelle@exemple.qc.ca", "password1": PASSWORD, "password2": PASSWORD, "name": "Ferme Sœurs"},
    )

    assert response.status_code == 302
    [email] = mail.outbox
    text = _read_as(email, language)
    assert email.subject.startswith(f"[{settings.SITE_NAME}] ")
    if language == "fr-ca":
        assert "Confirmez votre adresse courriel" in email.subject
        assert "Bonjour," in text and "Pour confirmer votre adresse, ouvrez ce lien : http" in text
        assert f"— L'équipe {settings.SITE_NAME}" in text
    else:
        assert email.subject == f"[{settings.SITE_NAME}] Confirm your email address"
        assert "Hello," in text and f"— The {settings.SITE_NAME} team" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_reset_e_mail_reads_in_the_reader_s_language(browser, language):
    member = UserFactory(email="julie@exemple.qc.ca")
    member.set_password(PASSWORD)
    member.save()

    browser(language).post("/comptes/password/reset/", {"email": "julie@exemple.qc.ca"})

    [email] = mail.outbox
    text = _read_as(email, language)
    assert "/comptes/password/reset/key/" in text
    new_password = {"fr-ca": "Choisir un nouveau mot de passe", "en": "Choose a new password"}[language]
    assert email.subject == f"[{settings.SITE_NAME}] {new_password}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reset_for_an_unknown_address_says_so_in_the_reader_s_language(browser, language):
    browser(language).post("/comptes/password/reset/", {"email": "personne@exemple.qc.ca"})

    [email] = mail.outbox
    text = _read_as(email, language)
    if language == "fr-ca":
        assert "aucun compte n'utilise cette adresse chez nous" in text
        assert "Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel." in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_signing_up_with_a_taken_address_warns_its_owner_in_the_reader_s_language(browser, settings, language):
    # Sent when verification is mandatory (production); with "optional", the form says it instead.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    UserFactory(email="julie@exemple.qc.ca")

    browser(language).post(
        "/comptes/signup/",
        {"email": "julie@exemple.qc.ca", "password1": PASSWORD, "password2": PASSWORD, "name": "Julie"},
    )

    [email] = mail.outbox
    text = _read_as(email, language)
    if language == "fr-ca":
        assert "un compte existe déjà avec cette adresse" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notification_e_mail_is_in_the_member_s_language(django_capture_on_commit_callbacks, language):
    member = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=member,
            kind=NotificationKind.PROJECT_AWARDED_ELSEWHERE,
            params={"title": "Site de la fromagerie"},
            url="/projets/1/",
        )

    [email] = mail.outbox
    text = _read_as(email, language)
    assert f"{settings.SITE_URL}/projets/1/" in text
    expected = (
        "Projet attribué à un autre pigiste : « Site de la fromagerie »"
        if language == "fr-ca"
        else "Project awarded to another freelancer: “Site de la fromagerie”"
    )
    assert email.subject == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_daily_digest_is_in_the_member_s_language(django_capture_on_commit_callbacks, language):
    member = UserFactory(language=language)
    EmailPreferences.objects.create(user=member, frequency=DigestFrequency.DAILY)
    notify(recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Julie"})

    with django_capture_on_commit_callbacks(execute=True):
        assert email_preferences.email_digests_send() == 1

    [email] = mail.outbox
    text = _read_as(email, language)
    assert f"{settings.SITE_URL}/compte/courriels/" in text
    assert ("Nouvelle soumission pour « Logo »" if language == "fr-ca" else "New quote for “Logo”") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unread_messages_e_mail_is_in_the_member_s_language(django_capture_on_commit_callbacks, language):
    from messaging import services
    from tests.messaging.factories import conversation_with_quote

    conversation, client_user, freelancer = conversation_with_quote(title="Site de la fromagerie")
    freelancer.language = language
    freelancer.save(update_fields=["language"])
    services.message_send(user=client_user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Allô !")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.unread_messages_email(now=timezone.now() + datetime.timedelta(minutes=11))

    assert sent == 1
    [email] = mail.outbox
    assert email.to == [freelancer.email]
    text = _read_as(email, language)
    assert "Site de la fromagerie" in email.subject
    writer = client_user.public_name
    assert (f"— {writer} : Allô !" if language == "fr-ca" else f"— {writer}: Allô !") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_data_export_e_mail_is_in_the_member_s_language(django_capture_on_commit_callbacks, language):
    member = UserFactory(language=language)

    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.data_export_request(user=member)

    [email] = mail.outbox
    text = _read_as(email, language)
    assert settings.SITE_URL in text
    assert (
        email.subject == {"fr-ca": "Votre archive de données est prête", "en": "Your data archive is ready"}[language]
    )
    # The link's last day, written the reader's way.
    assert re.search(r"avant le \d{1,2} \w+ \d{4} :" if language == "fr-ca" else r"before \w+ \d{1,2}, \d{4}:", text)
