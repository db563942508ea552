"""The privacy pages in Chromium, desktop and phone: ask for the archive, download it, choose emails,
delete the account, and change one's mind by logging in again."""

import json
import zipfile

from privacy.models import AccountDeletion, DataExport
from profiles.models import EmailPreferences
from tests.factories import FreelancerProfileFactory, UserFactory

PASSWORD = "motdepasse-solide-123"


def _login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


def test_a_member_exports_their_data_sets_emails_and_deletes_then_keeps_their_account(
    asgi_server, new_page, screenshot, tmp_path
):
    base = asgi_server.url
    member = UserFactory(email="josee@exemple.qc.ca", name="Josée Tremblay")
    FreelancerProfileFactory(user=member, display_name="Josée Graphiste")

    for phone in (False, True):
        visitor = new_page(phone=phone)
        visitor.goto(f"{base}/confidentialite/")
        assert visitor.get_by_role(
            "heading", name="Responsable de la protection des renseignements personnels"
        ).is_visible()
        screenshot(visitor, f"privacy-policy-{'phone' if phone else 'desktop'}")

    page = new_page()
    _login(page, base, "josee@exemple.qc.ca")
    page.goto(f"{base}/compte/confidentialite/")
    assert page.get_by_text("Vous utilisez 0\xa0octet sur 200,0\xa0Mo.").is_visible()
    screenshot(page, "privacy-settings-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="Demander mon archive").click()
    assert page.get_by_text("votre archive se prépare").is_visible()
    # The test server runs tasks immediately: the archive is ready by the time the page shows.
    assert page.get_by_role("link", name="Télécharger l'archive").is_visible()
    screenshot(page, "privacy-settings-export-ready-desktop")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'archive").click()
    download = download_info.value
    assert download.suggested_filename.startswith("pigiste-qc-mes-donnees-")
    path = tmp_path / "archive.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("data.json"))["freelancer_profile"]["display_name"] == "Josée Graphiste"
    assert DataExport.objects.get(user=member).status == DataExport.Status.READY

    page.get_by_role("link", name="Gérer mes courriels").click()
    page.get_by_label("Nouvelle évaluation").uncheck()
    page.get_by_role("group", name="À quelle fréquence").get_by_label("Un résumé par jour, au plus").check()
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Vos préférences de courriel sont enregistrées.").is_visible()
    screenshot(page, "privacy-email-preferences-desktop")
    prefs = EmailPreferences.objects.get(user=member)
    assert prefs.frequency == "daily" and prefs.disabled_kinds == ["review_received"]

    page.goto(f"{base}/compte/supprimer/")
    page.get_by_label("Tapez votre adresse courriel pour confirmer").fill("pas-moi@exemple.qc.ca")
    page.get_by_role("button", name="Supprimer mon compte").click()
    assert page.get_by_text("Tapez exactement votre adresse courriel").is_visible()
    screenshot(page, "privacy-account-delete-error-desktop")
    page.get_by_label("Tapez votre adresse courriel pour confirmer").fill("josee@exemple.qc.ca")
    page.get_by_role("button", name="Supprimer mon compte").click()
    assert page.get_by_role("heading", name="Votre compte sera supprimé").is_visible()
    screenshot(page, "privacy-deletion-scheduled-desktop")
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.PENDING

    _login(page, base, "josee@exemple.qc.ca")
    assert page.get_by_text("La suppression de votre compte est annulée").is_visible()
    screenshot(page, "privacy-deletion-cancelled-desktop")
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.CANCELLED

    phone = new_page(phone=True)
    _login(phone, base, "josee@exemple.qc.ca")
    for path, name in (
        ("/compte/confidentialite/", "privacy-settings-phone"),
        ("/compte/courriels/", "privacy-email-preferences-phone"),
        ("/compte/supprimer/", "privacy-account-delete-phone"),
    ):
        phone.goto(f"{base}{path}")
        screenshot(phone, name)
