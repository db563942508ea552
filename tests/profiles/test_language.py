"""A member's e-mails and notifications follow the language they use the site in; the sign-up page too."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from marketplace.common.errors import ValidationFailed
from profiles.services import account_language_set
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"


def _title(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [("en", "Sign up · Pigiste QC", "Sign up"), ("fr-ca", "Inscription · Pigiste QC", "Création de compte")],
)
def test_the_sign_up_page_is_titled_in_the_reader_s_language(client, language, title, heading):
    client.cookies["django_language"] = language

    html = client.get("/comptes/signup/").content.decode()

    assert _title(html) == title
    assert re.search(r"<h1[^>]*>\s*" + heading + r"\s*</h1>", html)
    assert "Signup" not in html


@pytest.mark.parametrize("language", ["en", "fr-ca"])
def test_signing_up_remembers_the_language_of_the_page(client, language):
    client.cookies["django_language"] = language

    client.post(
        "/comptes/signup/",
        {"email": "nouvelle@exemple.qc.ca", "password1": PASSWORD, "password2": PASSWORD, "name": "Ferme Sœurs"},
    )

    assert get_user_model().objects.get(email="nouvelle@exemple.qc.ca").language == language


def test_switching_language_while_signed_in_switches_the_member_s_e_mails(client):
    member = UserFactory(language="fr-ca")
    client.force_login(member)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize("language", ["klingon", "", "de", "x" * 500])
def test_an_unknown_language_changes_neither_the_page_nor_the_member(client, language):
    member = UserFactory(language="en")
    client.force_login(member)

    client.post(reverse("set_language"), {"language": language, "next": "/"})

    member.refresh_from_db()
    assert member.language == "en"


def test_a_visitor_switching_language_is_only_remembered_by_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.cookies["django_language"].value == "en"


def test_signing_in_after_choosing_a_language_keeps_it_for_the_member_s_e_mails(client):
    member = UserFactory(email="julie@exemple.qc.ca", language="fr-ca")
    member.set_password(PASSWORD)
    member.save()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    client.post("/comptes/login/", {"login": "julie@exemple.qc.ca", "password": PASSWORD})

    member.refresh_from_db()
    assert member.language == "en"


def test_signing_in_with_a_forged_language_cookie_keeps_the_member_s_language(client):
    member = UserFactory(email="julie@exemple.qc.ca", language="en")
    member.set_password(PASSWORD)
    member.save()
    client.cookies["django_language"] = "zz-forged"

    client.post("/comptes/login/", {"login": "julie@exemple.qc.ca", "password": PASSWORD})

    member.refresh_from_db()
    assert member.language == "en"


@pytest.mark.parametrize(("given", "kept"), [("fr", "fr-ca"), ("fr-CA", "fr-ca"), ("en-us", "en"), ("EN", "en")])
def test_language_variants_are_kept_as_the_site_s_own(given, kept):
    member = UserFactory(language="fr-ca" if kept == "en" else "en")

    account_language_set(user=member, language=given)

    member.refresh_from_db()
    assert member.language == kept


@pytest.mark.parametrize("bad", [None, "", "klingon", "de"])
def test_an_unknown_language_is_refused_and_nothing_changes(bad):
    member = UserFactory(language="en")

    with pytest.raises(ValidationFailed) as refused:
        account_language_set(user=member, language=bad)

    assert refused.value.as_dict()["language"][0].startswith("Langue inconnue")
    member.refresh_from_db()
    assert member.language == "en"
