"""French first, English one click away."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_pages_are_in_quebec_french_by_default(client):
    html = client.get("/").content.decode()

    assert '<html lang="fr-ca">' in html
    assert "Des pigistes d'ici pour vos projets" in html


def test_the_footer_switch_turns_the_site_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Des pigistes d'ici pour vos projets" not in html
    assert "Post a project for free" in html or "Post your project for free" in html


def test_each_language_is_named_in_itself_on_the_switch(client):
    html = client.get("/").content.decode()

    assert ">Français</button>" in html
    assert ">English</button>" in html


def test_account_pages_say_courriel_not_e_mail_in_french(client):
    html = client.get("/comptes/login/").content.decode()

    assert "courriel" in html.lower()
    assert "e-mail" not in html.lower()


def test_every_french_string_has_an_english_translation():
    import polib

    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert missing == []
