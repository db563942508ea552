"""The privacy pages: the policy anyone can read, the member's settings behind a login."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def test_the_privacy_policy_names_the_person_in_charge_and_how_to_reach_them(client, db, settings):
    settings.DEFAULT_FROM_EMAIL = "Pigiste QC <vie-privee@pigiste.example>"
    page = client.get(reverse("privacy-policy")).content.decode()
    assert "Responsable de la protection des renseignements personnels" in page
    assert 'href="mailto:vie-privee@pigiste.example"' in page
    assert "Ce que nous recueillons et pourquoi" in page
    assert "Combien de temps nous les gardons" in page
    assert "30 jours" in page
    # Markup written in the translated sentences is rendered, not shown as text.
    assert "&lt;strong&gt;" not in page and "<strong>Obtenir une copie</strong>" in page


def test_the_privacy_settings_need_a_login(client, db):
    for name in ("privacy-settings", "account-delete", "email-preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_privacy_settings_offer_the_archive_emails_and_deletion(client, db):
    client.force_login(UserFactory())
    page = client.get(reverse("privacy-settings")).content.decode()
    assert "Demander mon archive" in page
    assert reverse("email-preferences") in page
    assert reverse("account-delete") in page
