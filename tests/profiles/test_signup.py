import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from marketplace.common.errors import ValidationFailed
from profiles.services import account_name_set
from tests.emails import confirmation_path
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SIGNUP = {"email": "nouvelle@exemple.qc.ca", "password1": "motdepasse-solide-123", "password2": "motdepasse-solide-123"}


def test_signing_up_asks_for_the_name_other_members_will_see(client):
    response = client.post("/comptes/signup/", {**SIGNUP, "name": "  Ferme   Les Trois Sœurs "})

    assert response.status_code == 302
    user = get_user_model().objects.get(email="nouvelle@exemple.qc.ca")
    assert user.name == "Ferme Les Trois Sœurs"
    assert user.public_name == "Ferme Les Trois Sœurs"


def test_signing_up_without_a_name_is_refused_and_creates_no_account(client):
    response = client.post("/comptes/signup/", SIGNUP)

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not get_user_model().objects.filter(email="nouvelle@exemple.qc.ca").exists()


def test_the_sign_up_page_uses_the_site_layout(client):
    response = client.get("/comptes/signup/")

    html = response.content.decode()
    assert 'class="site-header"' in html
    assert 'name="name"' in html


def test_a_blank_or_overlong_name_is_refused_and_the_old_one_kept():
    user = UserFactory(name="Fromagerie du Fleuve")

    for bad, message in [
        ("   ", "Indiquez votre nom ou celui de votre entreprise."),
        ("x" * 121, "120 caractères au maximum."),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            account_name_set(user=user, name=bad)
        assert refused.value.as_dict() == {"name": [message]}

    user.refresh_from_db()
    assert user.name == "Fromagerie du Fleuve"


PASSWORD = SIGNUP["password1"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _signup_page_after(client, email: str) -> tuple[int, str, str]:
    """Sign up with `email`; the answer's status and location, and the page it leads to (token and address blanked)."""
    response = client.post("/comptes/signup/", {**SIGNUP, "email": email, "name": "Julie"})
    page = client.get(response["Location"]).content.decode()
    page = CSRF_RE.sub("csrf", page).replace(email, "ADDRESS")
    return response.status_code, response["Location"], page


def test_sign_up_answers_the_same_for_a_known_and_a_new_address():
    UserFactory(email="julie@exemple.qc.ca")

    known = _signup_page_after(Client(), "julie@exemple.qc.ca")
    new = _signup_page_after(Client(), "nouvelle@exemple.qc.ca")

    assert known == new
    assert known[:2] == (302, "/comptes/confirm-email/")
    assert "Un autre utilisateur utilise déjà cette adresse courriel." not in known[2]
    assert "Vérifiez votre adresse courriel" in known[2]


@pytest.mark.parametrize("typed", ["julie@exemple.qc.ca", "Julie@EXEMPLE.qc.ca"])
def test_sign_up_with_a_known_address_e_mails_its_owner_and_creates_no_account(client, typed):
    owner = UserFactory(email="julie@exemple.qc.ca", name="Julie Tremblay")
    password_before = owner.password

    response = client.post("/comptes/signup/", {**SIGNUP, "email": typed, "name": "Quelqu'un d'autre"})

    assert (response.status_code, response["Location"]) == (302, "/comptes/confirm-email/")
    [email] = mail.outbox
    assert email.to == ["julie@exemple.qc.ca"]
    assert "un compte existe déjà avec cette adresse" in email.body
    assert "/comptes/password/reset/" in email.body
    assert list(get_user_model().objects.filter(email__iexact="julie@exemple.qc.ca")) == [owner]
    owner.refresh_from_db()
    assert (owner.name, owner.password) == ("Julie Tremblay", password_before)
    assert EmailAddress.objects.filter(email__iexact="julie@exemple.qc.ca").count() == 1
    # The visitor is not signed in to anything.
    assert client.get("/tableau-de-bord/")["Location"].startswith("/comptes/login/")


def test_a_new_account_acts_only_once_its_e_mail_is_confirmed(client):
    client.post("/comptes/signup/", {**SIGNUP, "name": "Ferme Les Trois Sœurs"})
    user = get_user_model().objects.get(email="nouvelle@exemple.qc.ca")

    # Not signed in after sign-up, and signing in only leads back to "check your e-mail".
    assert client.get("/tableau-de-bord/")["Location"].startswith("/comptes/login/")
    login = client.post("/comptes/login/", {"login": "nouvelle@exemple.qc.ca", "password": PASSWORD})
    assert login["Location"] == "/comptes/confirm-email/"
    assert client.get("/tableau-de-bord/")["Location"].startswith("/comptes/login/")

    confirmed = client.post(confirmation_path("nouvelle@exemple.qc.ca"))

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/tableau-de-bord/").status_code == 200
