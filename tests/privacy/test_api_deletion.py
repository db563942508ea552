"""POST /api/v1/me/account/deletion/: the account's deletion asked as on /compte/supprimer/, cancelled by signing in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from privacy import services as privacy_services
from privacy.models import AccountDeletion
from tests.api import api_as, api_token
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/account/deletion/"
PASSWORD = "motdepasse-solide-123"  # UserFactory's


def test_a_confirmed_request_schedules_the_deletion_and_revokes_the_token():
    member = UserFactory(email="marie@exemple.qc.ca")
    api = api_as(member)

    response = api.post(URL, {"confirmation": " Marie@Exemple.qc.ca "})

    assert response.status_code == 202
    deletion = AccountDeletion.objects.get(user=member)
    assert deletion.status == AccountDeletion.Status.PENDING
    assert datetime.datetime.fromisoformat(response.json()["purge_after"]) == deletion.purge_after
    assert abs((deletion.purge_after - timezone.now() - datetime.timedelta(days=30)).total_seconds()) < 60
    assert not Token.objects.filter(user=member).exists()
    assert api.get("/api/v1/me/language/").status_code == 401
    member.refresh_from_db()
    assert member.is_active and member.erased_at is None


def test_signing_in_on_the_site_cancels_a_deletion_asked_through_the_api(client):
    member = UserFactory(email="marie@exemple.qc.ca")
    api_as(member).post(URL, {"confirmation": "marie@exemple.qc.ca"})

    response = client.post(
        reverse("account_login"), {"login": "marie@exemple.qc.ca", "password": PASSWORD}, follow=True
    )

    assert "La suppression de votre compte est annulée" in response.content.decode()
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.CANCELLED


def test_obtaining_a_token_again_cancels_it_too():
    member = UserFactory(email="marie@exemple.qc.ca")
    api_as(member).post(URL, {"confirmation": "marie@exemple.qc.ca"})

    response = APIClient().post(
        "/api/v1/auth/token/", {"email": "marie@exemple.qc.ca", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.CANCELLED


def test_a_session_caller_is_signed_out_as_on_the_page(client):
    member = UserFactory(email="marie@exemple.qc.ca")
    client.force_login(member)

    response = client.post(URL, {"confirmation": "marie@exemple.qc.ca"}, content_type="application/json")

    assert response.status_code == 202
    assert client.get(reverse("privacy-settings")).status_code == 302


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"confirmation": "quelquun@autre.ca"},
            "Tapez exactement votre adresse courriel pour confirmer la suppression.",
        ),
        ({"confirmation": PASSWORD}, "Tapez exactement votre adresse courriel pour confirmer la suppression."),
        ({"password": PASSWORD}, "Ce champ est obligatoire."),
        ({"confirmation": 12}, "Un texte est attendu."),
        ({"confirmation": ["marie@exemple.qc.ca"]}, "Un texte est attendu."),
    ],
    ids=["other-email", "password-instead", "password-field", "number", "list"],
)
def test_a_wrong_or_missing_confirmation_schedules_nothing_and_keeps_the_token(body, message):
    member = UserFactory(email="marie@exemple.qc.ca")
    api, key = api_as(member), api_token(member)

    response = api.post(URL, body)

    assert response.status_code == 400
    assert response.json() == {"confirmation": [message]}
    assert not AccountDeletion.objects.exists()
    assert Token.objects.filter(key=key).exists()
    assert api.get("/api/v1/me/language/").status_code == 200


def test_a_deletion_already_scheduled_is_a_conflict(client):
    member = UserFactory(email="marie@exemple.qc.ca")
    client.force_login(member)  # a session signed in before the deletion was asked elsewhere
    first = privacy_services.account_deletion_request(user=member, confirmation="marie@exemple.qc.ca")

    response = client.post(URL, {"confirmation": "marie@exemple.qc.ca"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["detail"].startswith("La suppression de votre compte est déjà prévue le")
    assert list(AccountDeletion.objects.values_list("pk", "purge_after")) == [(first.pk, first.purge_after)]


def test_anonymous_callers_get_401():
    assert APIClient().post(URL, {"confirmation": "x@exemple.qc.ca"}, format="json").status_code == 401
    assert not AccountDeletion.objects.exists()
