"""/api/v1/me/email-preferences/: which e-mails and how often, read and changed as on « Mes courriels »."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import NotificationKind
from profiles import email_preferences
from profiles.models import EmailPreferences
from tests.api import api_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/email-preferences/"
ALL_KINDS = [kind for kind, _label in email_preferences.email_kind_choices()]


def test_by_default_every_kind_is_on_right_away():
    response = api_as(UserFactory()).get(URL)

    assert response.status_code == 200
    data = response.json()
    assert (data["kinds"], data["frequency"]) == (ALL_KINDS, "immediate")
    assert {"kind": "unread_messages", "label": "Messages non lus dans une conversation"} in data["available_kinds"]
    assert [k["kind"] for k in data["available_kinds"]] == ALL_KINDS


def test_choices_made_through_the_api_show_on_the_page_and_decide_the_e_mails(client):
    member = UserFactory()
    keep = [NotificationKind.QUOTE_ACCEPTED, NotificationKind.INVITATION]

    response = api_as(member).put(URL, {"kinds": keep, "frequency": "immediate"})

    assert response.status_code == 200
    assert (response.json()["kinds"], response.json()["frequency"]) == (keep, "immediate")
    client.force_login(member)
    page = client.get(reverse("email-preferences")).content.decode()
    assert re.findall(r'name="kinds" value="([a-z_]+)"[^>]*checked', page) == keep
    assert re.findall(r'name="frequency" value="([a-z]+)"[^>]*checked', page) == ["immediate"]
    assert email_preferences.email_allowed(user=member, kind=NotificationKind.QUOTE_ACCEPTED)
    assert not email_preferences.email_allowed(user=member, kind=NotificationKind.REVIEW_RECEIVED)
    assert not email_preferences.email_allowed(user=member, kind=email_preferences.UNREAD_MESSAGES)


def test_choices_saved_on_the_page_are_what_the_api_reads(client):
    member = UserFactory()
    client.force_login(member)

    client.post(reverse("email-preferences"), {"kinds": ["review_received"], "frequency": "daily"})

    data = api_as(member).get(URL).json()
    assert (data["kinds"], data["frequency"]) == (["review_received"], "daily")


def test_no_kind_at_all_turns_every_e_mail_off():
    member = UserFactory()

    response = api_as(member).put(URL, {"kinds": [], "frequency": "never"})

    assert response.json()["kinds"] == []
    assert set(EmailPreferences.objects.get(user=member).disabled_kinds) == set(ALL_KINDS)


def test_the_labels_follow_the_reader_s_language():
    data = api_as(UserFactory()).get(URL, HTTP_ACCEPT_LANGUAGE="en").json()

    assert {"kind": "unread_messages", "label": "Unread messages in a conversation"} in data["available_kinds"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kinds": ["quote_received", "horoscope"], "frequency": "daily"}, "kinds", "Type de courriel inconnu."),
        ({"kinds": ["quote_received"], "frequency": "hourly"}, "frequency", "Choisissez une fréquence dans la liste."),
        ({"kinds": "quote_received", "frequency": "daily"}, "kinds", "Une liste est attendue."),
        ({"kinds": [1], "frequency": "daily"}, "kinds", "Un texte est attendu."),
        ({"kinds": ["quote_received"], "frequency": True}, "frequency", "Un texte est attendu."),
        ({"kinds": ["quote_received"], "frequency": 1}, "frequency", "Un texte est attendu."),
        ({"frequency": "daily"}, "kinds", "Ce champ est obligatoire."),
        ({"kinds": ["quote_received"]}, "frequency", "Ce champ est obligatoire."),
    ],
)
def test_an_unknown_value_a_wrong_type_or_a_missing_field_is_refused_and_nothing_changes(body, field, message):
    member = UserFactory()
    email_preferences.email_preferences_save(user=member, enabled_kinds=["invitation"], frequency="immediate")

    response = api_as(member).put(URL, body)

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    prefs = EmailPreferences.objects.get(user=member)
    assert email_preferences.email_kinds_enabled(prefs=prefs) == ["invitation"] and prefs.frequency == "immediate"


def test_anonymous_callers_get_401():
    assert APIClient().get(URL).status_code == 401
    assert APIClient().put(URL, {"kinds": [], "frequency": "never"}, format="json").status_code == 401
    assert not EmailPreferences.objects.exists()
