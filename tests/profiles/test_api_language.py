"""/api/v1/me/language/: the account's language, read and changed as the site's language switch does."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import NotificationKind
from notifications.services import notify
from tests.api import api_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/language/"


def test_a_language_chosen_through_the_api_writes_the_member_s_e_mails(django_capture_on_commit_callbacks):
    member = UserFactory(language="fr-ca")

    response = api_as(member).put(URL, {"language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Julie"})

    assert response.status_code == 200 and response.json() == {"language": "en"}
    member.refresh_from_db()
    assert member.language == "en"
    [email] = mail.outbox
    assert email.subject == "New quote for “Logo”"


def test_the_language_switch_of_the_site_is_what_the_api_reads(client):
    member = UserFactory(language="fr-ca")
    client.force_login(member)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert api_as(member).get(URL).json() == {"language": "en"}


@pytest.mark.parametrize(("sent", "kept"), [("fr", "fr-ca"), ("fr-CA", "fr-ca"), ("EN-us", "en")])
def test_a_regional_variant_is_read_as_its_site_language(sent, kept):
    member = UserFactory(language="en" if kept == "fr-ca" else "fr-ca")

    response = api_as(member).put(URL, {"language": sent})

    assert response.json() == {"language": kept}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"language": "klingon"}, "Langue inconnue : klingon."),
        ({"language": "de"}, "Langue inconnue : de."),
        # Django alone would read anything starting with "fr-" as French.
        ({"language": "fr-ca*"}, "Langue inconnue : fr-ca*."),
        ({"language": "fr-!!"}, "Langue inconnue : fr-!!."),
        ({"language": "en_US"}, "Langue inconnue : en_US."),
        ({"language": ""}, "Ce champ ne peut être vide."),
        ({"language": 1}, "Un texte est attendu."),
        ({"language": ["en"]}, "Un texte est attendu."),
        ({}, "Ce champ est obligatoire."),
    ],
)
def test_an_unknown_or_missing_language_is_refused_and_the_member_keeps_theirs(body, message):
    member = UserFactory(language="en")

    response = api_as(member).put(URL, body)

    assert response.status_code == 400
    assert response.json() == {"language": [message]}
    member.refresh_from_db()
    assert member.language == "en"


def test_anonymous_callers_get_401():
    assert APIClient().get(URL).status_code == 401
    assert APIClient().put(URL, {"language": "en"}, format="json").status_code == 401
