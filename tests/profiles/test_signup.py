import pytest
from django.contrib.auth import get_user_model

from marketplace.errors import ValidationFailed
from profiles.services import account_name_set
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
