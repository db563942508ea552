"""Data export (Loi 25): one archive with the member's data and files, behind a link only they can use."""

import datetime
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.common.errors import Conflict
from marketplace.common.storage import private_storage
from privacy import services as privacy_services
from privacy.models import DataExport
from tests.factories import UserFactory
from tests.privacy.factories import PDF_BYTES, member_with_everything, zip_bytes

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def _ready_export(run_on_commit, user) -> DataExport:
    export = run_on_commit(privacy_services.data_export_request, user=user)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    return export


def _archive(export):
    with private_storage.open(export.file_key, "rb") as handle:
        return zip_bytes(handle.read())


def test_the_archive_holds_the_members_data_and_files_and_nothing_of_others(db, run_on_commit):
    scene = member_with_everything()
    export = _ready_export(run_on_commit, scene.member)

    archive = _archive(export)
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "josee.pigiste@exemple.qc.ca"
    assert data["account"]["name"] == "Josée Tremblay"
    assert data["freelancer_profile"]["bio"] == "Ma bio très personnelle"
    assert [item["title"] for item in data["freelancer_profile"]["portfolio"]] == ["Affiche du festival"]
    assert sorted(p["title"] for p in data["projects"]) == ["Logo pour ma microbrasserie", "Site de la fromagerie"]
    logo = next(p for p in data["projects"] if p["title"] == "Logo pour ma microbrasserie")
    assert logo["invitations_sent"][0]["message"] == "Votre style me plaît, Marc."
    assert logo["quotes_received"][0]["freelancer"] == "Marc Soumissionnaire"
    assert [q["message"] for q in data["quotes"]] == ["Ma soumission personnelle"]
    assert [r["comment"] for r in data["reviews_written"]] == ["Luc a livré un site superbe."]
    assert [r["comment"] for r in data["reviews_received"]] == ["Josée paie rubis sur l'ongle."]
    assert data["reviews_received"][0]["author"] == "Luc Développeur"
    [conversation] = data["conversations"]
    assert conversation["with"] == "Paul Dupuis"
    assert [(m["from"], m["body"]) for m in conversation["messages"]] == [
        ("Paul Dupuis", "Bonjour Josée, avez-vous des exemples ?"),
        ("me", "Oui, voici mon portfolio et mon numéro : 418 555-0199"),
    ]
    assert [(n["title"], n["body"]) for n in data["notifications"]] == [
        ("Nouvelle soumission pour « Site de Josée »", "Marc vous a envoyé une soumission.")
    ]
    # Nothing of the conversation, project or quote the member had no part in.
    text = archive.read("data.json").decode()
    assert "Secret entre Paul" not in text
    assert "Projet d'un autre membre" not in text
    assert "Soumission d'un autre" not in text

    # The files: avatar, portfolio image, the attachments the member sent, byte for byte.
    names = archive.namelist()
    assert data["freelancer_profile"]["avatar"] in names
    portfolio_path = data["freelancer_profile"]["portfolio"][0]["images"][0]["file"]
    image = scene.profile.portfolio_items.get().images.get().image
    with image.storage.open(image.name, "rb") as stored:
        assert archive.read(portfolio_path) == stored.read()
    attachment_paths = [a["file"] for a in conversation["messages"][1]["attachments"]]
    assert len(attachment_paths) == 2 and all(path in names for path in attachment_paths)
    assert archive.read(next(p for p in attachment_paths if p.endswith(".pdf"))) == PDF_BYTES
    assert data["missing_files"] == []
    assert "LISEZMOI.txt" in names

    # Ready for a week, and the member is told by email.
    assert export.expires_at - export.ready_at == datetime.timedelta(days=7)
    assert [m.subject for m in mail.outbox if m.to == [scene.member.email]] == ["Votre archive de données est prête"]


def test_the_owner_downloads_the_archive_from_the_privacy_page(client, db, run_on_commit):
    user = UserFactory()
    export = _ready_export(run_on_commit, user)
    client.force_login(user)
    page = client.get(reverse("privacy-settings"))
    link = reverse("data-export-download", args=[export.token])
    assert link in page.content.decode()
    assert "Télécharger l'archive" in page.content.decode()

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zip_bytes(b"".join(response.streaming_content))
    assert json.loads(archive.read("data.json"))["account"]["email"] == user.email


def test_an_export_link_used_by_another_member_is_not_found(client, db, run_on_commit):
    owner = UserFactory()
    export = _ready_export(run_on_commit, owner)
    client.force_login(UserFactory())
    response = client.get(reverse("data-export-download", args=[export.token]))
    assert response.status_code == 404
    assert b"PK" not in response.content[:2]
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY


def test_an_export_link_needs_a_login(client, db, run_on_commit):
    export = _ready_export(run_on_commit, UserFactory())
    response = client.get(reverse("data-export-download", args=[export.token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_link_says_so_with_410_and_the_archive_is_deleted(client, db, run_on_commit):
    user = UserFactory()
    export = _ready_export(run_on_commit, user)
    key = export.file_key
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(user)

    response = client.get(reverse("data-export-download", args=[export.token]))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    assert f'<a class="button" href="{reverse("privacy-settings")}">Demander une nouvelle archive</a>' in (
        response.content.decode()
    )

    assert private_storage.exists(key)
    assert run_on_commit(privacy_services.data_exports_expire) == 1
    assert not private_storage.exists(key)
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.file_key == ""
    assert client.get(reverse("data-export-download", args=[export.token])).status_code == 410
    assert "Votre dernière archive n'est plus disponible" in client.get(reverse("privacy-settings")).content.decode()


def test_a_second_request_while_one_is_being_prepared_is_refused(client, db):
    user = UserFactory()
    first = privacy_services.data_export_request(user=user)  # After-commit work not run: still pending.
    with pytest.raises(Conflict) as refused:
        privacy_services.data_export_request(user=user)
    assert "déjà en préparation" in str(refused.value.message)
    assert list(DataExport.objects.filter(user=user)) == [first]

    client.force_login(user)
    page = client.post(reverse("data-export-request"), follow=True).content.decode()
    assert "déjà en préparation" in page
    assert DataExport.objects.filter(user=user).count() == 1


def test_building_an_archive_twice_keeps_the_first(db, run_on_commit):
    user = UserFactory()
    export = _ready_export(run_on_commit, user)
    key = export.file_key
    privacy_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.file_key == key and export.status == DataExport.Status.READY
