"""Personal API tokens: created and revoked on the account page and through /api/v1/auth/token/."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from privacy import services as privacy_services
from privacy.models import AccountDeletion
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"  # UserFactory's
TOKEN_URL = "/api/v1/auth/token/"
REFUSED = {"detail": "Adresse courriel ou mot de passe incorrect."}


def confirmed_member(email="julie@exemple.qc.ca", **kwargs):
    user = UserFactory(email=email, **kwargs)
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_token(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- The account page ---------------------------------------------------------------------------


def test_the_account_page_creates_a_token_and_shows_it_only_once():
    member = confirmed_member()
    client = signed_in(member)

    created = client.post(reverse("account-token-create"))

    token = Token.objects.get(user=member)
    assert created.status_code == 200
    assert token.key in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    later = client.get(reverse("privacy-settings")).content.decode()
    assert token.key not in later
    assert "Un jeton est actif depuis le" in later
    assert with_token(token.key).get("/api/v1/notifications/").status_code == 200


def test_creating_again_replaces_the_token_and_the_old_one_stops_working():
    member = confirmed_member()
    client = signed_in(member)
    client.post(reverse("account-token-create"))
    old = Token.objects.get(user=member).key

    client.post(reverse("account-token-create"))

    new = Token.objects.get(user=member).key
    assert new != old
    assert with_token(old).get("/api/v1/notifications/").status_code == 401
    assert with_token(new).get("/api/v1/notifications/").status_code == 200


def test_revoking_on_the_page_deletes_the_token_and_the_api_refuses_it_with_401():
    member = confirmed_member()
    key = Token.objects.create(user=member).key
    client = signed_in(member)

    response = client.post(reverse("account-token-revoke"), follow=True)

    assert not Token.objects.filter(user=member).exists()
    assert "Jeton révoqué" in response.content.decode()
    refused = with_token(key).get("/api/v1/notifications/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_a_member_whose_email_is_unconfirmed_gets_no_token_from_the_page():
    member = UserFactory(email_confirmed=False)
    client = signed_in(member)

    page = client.get(reverse("privacy-settings")).content.decode()
    response = client.post(reverse("account-token-create"), follow=True)

    assert "Confirmez d'abord votre adresse courriel pour créer un jeton." in page
    assert "Confirmez d'abord votre adresse courriel" in response.content.decode()
    assert not Token.objects.filter(user=member).exists()


def test_the_token_buttons_are_post_only_forms_protected_by_csrf():
    member = confirmed_member()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    Token.objects.create(user=member)

    assert client.get(reverse("account-token-create")).status_code == 405
    assert client.get(reverse("account-token-revoke")).status_code == 405
    assert client.post(reverse("account-token-create")).status_code == 403
    assert client.post(reverse("account-token-revoke")).status_code == 403
    assert Token.objects.filter(user=member).count() == 1


def test_signed_out_visitors_are_sent_to_the_login_page():
    response = Client().post(reverse("account-token-create"))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Token.objects.exists()


# --- POST /api/v1/auth/token/ -------------------------------------------------------------------


def test_email_and_password_give_the_members_token_created_once():
    member = confirmed_member()
    api = APIClient()

    first = api.post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": PASSWORD}, format="json")
    second = api.post(TOKEN_URL, {"email": "JULIE@exemple.qc.ca", "password": PASSWORD}, format="json")

    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["token"] == second.json()["token"] == Token.objects.get(user=member).key
    assert with_token(first.json()["token"]).get("/api/v1/notifications/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer():
    confirmed_member()
    api = APIClient()

    wrong_password = api.post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": "pas-le-bon"}, format="json")
    unknown_email = api.post(TOKEN_URL, {"email": "personne@exemple.qc.ca", "password": PASSWORD}, format="json")

    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.json() == unknown_email.json() == REFUSED
    assert not Token.objects.exists()


def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password():
    confirmed_member(is_active=False)

    response = APIClient().post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json() == REFUSED
    assert not Token.objects.exists()


def test_a_member_whose_email_is_unconfirmed_gets_403_and_no_token():
    UserFactory(email="nouveau@exemple.qc.ca", email_confirmed=False)

    response = APIClient().post(TOKEN_URL, {"email": "nouveau@exemple.qc.ca", "password": PASSWORD}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Confirmez d'abord votre adresse courriel")
    assert response.json()["action_url"] == reverse("account_email")
    assert not Token.objects.exists()


def test_repeated_failures_lock_the_email_out_even_with_the_right_password():
    confirmed_member()
    api = APIClient()
    for _attempt in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per e-mail in 5 minutes
        assert (
            api.post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": "devine"}, format="json").status_code
            == 400
        )

    locked = api.post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": PASSWORD}, format="json")

    assert locked.status_code == 429
    assert locked.json()["detail"] == "Trop de tentatives de connexion. Réessayez dans quelques minutes."
    assert int(locked["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_failures_through_the_api_count_against_the_site_login():
    member = confirmed_member()
    api = APIClient()
    for _attempt in range(5):
        api.post(TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": "devine"}, format="json")

    browser = Client()
    browser.post(reverse("account_login"), {"login": "julie@exemple.qc.ca", "password": PASSWORD})

    assert browser.session.get("_auth_user_id") != str(member.pk)


def test_the_address_is_limited_across_emails_like_the_login():
    api = APIClient()
    # ACCOUNT_RATE_LIMITS["login_failed"]: 20 failures per address in 5 minutes, whatever the e-mails.
    answers = [
        api.post(TOKEN_URL, {"email": f"essai{n}@exemple.qc.ca", "password": "devine"}, format="json").status_code
        for n in range(21)
    ]

    assert answers[:20] == [400] * 20
    assert answers[20] == 429


@pytest.mark.parametrize(
    "body",
    [
        {"email": "julie@exemple.qc.ca"},
        {"password": PASSWORD},
        {"email": ["julie@exemple.qc.ca"], "password": PASSWORD},
        {"email": "julie@exemple.qc.ca", "password": {"x": 1}},
    ],
)
def test_missing_or_malformed_fields_are_400_per_field(body):
    confirmed_member()

    response = APIClient().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"email", "password"} and response.json()
    assert not Token.objects.exists()


def test_a_stale_token_in_the_headers_does_not_stop_signing_in():
    confirmed_member()

    response = with_token("0" * 40).post(
        TOKEN_URL, {"email": "julie@exemple.qc.ca", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201


def test_delete_revokes_the_callers_token_and_it_is_refused_afterwards():
    member = confirmed_member()
    key = Token.objects.create(user=member).key
    api = with_token(key)

    assert api.delete(TOKEN_URL).status_code == 204

    assert not Token.objects.filter(user=member).exists()
    assert api.get("/api/v1/notifications/").status_code == 401
    assert api.delete(TOKEN_URL).status_code == 401


def test_delete_without_credentials_is_401():
    assert APIClient().delete(TOKEN_URL).status_code == 401


# --- With the account's deletion ------------------------------------------------------------------


def test_asking_to_delete_the_account_revokes_its_token():
    member = confirmed_member()
    key = Token.objects.create(user=member).key

    privacy_services.account_deletion_request(user=member, confirmation=member.email)

    assert with_token(key).get("/api/v1/notifications/").status_code == 401


def test_obtaining_a_token_during_the_grace_period_keeps_the_account_as_signing_in_does():
    member = confirmed_member()
    privacy_services.account_deletion_request(user=member, confirmation=member.email)

    response = APIClient().post(TOKEN_URL, {"email": member.email, "password": PASSWORD}, format="json")

    assert response.status_code == 201
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.CANCELLED
