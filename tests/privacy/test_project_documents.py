"""Project documents under Loi 25: in the member's archive, and erased with their account."""

import json

import pytest

from marketplace.common.storage import private_storage
from privacy import services as privacy_services
from privacy.models import DataExport
from projects import services as project_services
from projects.models import ProjectAttachment, ProjectStatus
from tests.factories import ProjectFactory, UserFactory
from tests.privacy.factories import PDF_BYTES, pdf_upload, zip_bytes

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def test_the_archive_holds_the_documents_the_member_attached_to_their_projects(db, run_on_commit):
    member = UserFactory()
    project = ProjectFactory(owner=member, title="Rénovation du chalet")
    project_services.project_attachments_add(
        user=member, project_id=project.pk, uploads=[pdf_upload("Plans du chalet.pdf")]
    )
    someone_else = ProjectFactory()
    project_services.project_attachments_add(
        user=someone_else.owner, project_id=someone_else.pk, uploads=[pdf_upload("Pas à moi.pdf")]
    )

    export = run_on_commit(privacy_services.data_export_request, user=member)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    with private_storage.open(export.file_key, "rb") as handle:
        archive = zip_bytes(handle.read())
    data = json.loads(archive.read("data.json"))

    (listed,) = data["projects"][0]["documents"]
    assert listed["name"] == "Plans du chalet.pdf" and listed["content_type"] == "application/pdf"
    assert archive.read(listed["file"]) == PDF_BYTES
    assert not any("Pas à moi" in name for name in archive.namelist())


def test_erasing_an_account_deletes_its_project_documents_including_those_of_drafts(db, run_on_commit):
    member = UserFactory()
    awarded = ProjectFactory(owner=member, status=ProjectStatus.AWARDED)
    draft = ProjectFactory(owner=member, status=ProjectStatus.DRAFT)
    documents = [
        *project_services.project_attachments_add(user=member, project_id=awarded.pk, uploads=[pdf_upload()]),
        *project_services.project_attachments_add(user=member, project_id=draft.pk, uploads=[pdf_upload()]),
    ]
    files = [document.file.name for document in documents]
    assert all(private_storage.exists(name) for name in files)

    run_on_commit(privacy_services.account_purge, user_id=member.pk)

    assert not ProjectAttachment.objects.exists()
    assert not any(private_storage.exists(name) for name in files)
