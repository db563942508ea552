"""Project documents: shared privately with the freelancers a client involves, checked like every upload."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.common.errors import Conflict, PermissionDenied, ValidationFailed
from projects import services
from projects.models import ProjectAttachment, ProjectStatus
from tests.factories import ProjectFactory, QuoteFactory, UserFactory
from tests.marketplace.conftest import http_get
from tests.privacy.factories import PDF_BYTES
from tests.profiles.factories import SVG, image_bytes, png_declaring
from tests.projects.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def pdf(name="plan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def private_files(settings):
    """Every file under PRIVATE_MEDIA_ROOT, as paths relative to it."""

    def list_files() -> list[str]:
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return list_files


@pytest.fixture
def public_files(settings):
    def list_files() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return list_files


def add(owner, project, *uploads):
    return services.project_attachments_add(user=owner, project_id=project.pk, uploads=uploads)


def download_url(attachment):
    return reverse("project-attachment", args=[attachment.project_id, attachment.pk])


# --- Who reads them ---------------------------------------------------------------------------------


def test_the_owner_attaches_documents_from_the_project_page_kept_private_under_random_keys(
    client, owner, project, private_files, public_files
):
    client.force_login(owner)
    response = client.post(
        reverse("project-attachment-add", args=[project.pk]),
        {"file": [pdf("Plans du comptoir.pdf"), SimpleUploadedFile("vitrine.png", image_bytes(fmt="PNG"))]},
        follow=True,
    )

    assert "Document ajouté." in response.text
    documents = list(project.attachments.order_by("id"))
    assert [(d.name, d.content_type) for d in documents] == [
        ("Plans du comptoir.pdf", "application/pdf"),
        ("vitrine.png", "image/png"),
    ]
    stored = private_files()
    assert sorted(d.file.name for d in documents) == stored
    assert all(name.startswith("projects/") and "comptoir" not in name and "vitrine" not in name for name in stored)
    assert public_files() == []  # Nothing of it under the public media.
    page = client.get(reverse("project-detail", args=[project.pk])).text
    assert "Plans du comptoir.pdf" in page and download_url(documents[0]) in page


def test_an_invited_freelancer_downloads_a_document_as_an_attachment(client, owner, project, freelancer):
    (document,) = add(owner, project, pdf("Devis type.pdf"))
    InvitationFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "Devis type.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_freelancer_who_quoted_can_read_the_documents(client, owner, project, freelancer):
    (document,) = add(owner, project, pdf())
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)

    assert client.get(download_url(document)).status_code == 200
    assert download_url(document) in client.get(reverse("project-detail", args=[project.pk])).text


def test_other_members_learn_only_that_documents_exist_and_get_404_on_the_file(client, owner, project, freelancer):
    (document,) = add(owner, project, pdf("Secret industriel.pdf"))
    client.force_login(freelancer)

    page = client.get(reverse("project-detail", args=[project.pk])).text
    assert "1 document est réservé aux pigistes invités ou qui ont soumissionné." in page
    assert "Secret industriel" not in page and download_url(document) not in page
    response = client.get(download_url(document))
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_a_visitor_is_sent_to_log_in_and_a_guessed_document_id_is_not_found(client, owner, project, freelancer):
    (document,) = add(owner, project, pdf())
    other_project = ProjectFactory(owner=owner)

    assert client.get(download_url(document))["Location"].startswith(reverse("account_login"))
    client.force_login(owner)
    assert client.get(reverse("project-attachment", args=[project.pk, document.pk + 1000])).status_code == 404
    # The right id under another project's address is not found either.
    assert client.get(reverse("project-attachment", args=[other_project.pk, document.pk])).status_code == 404


def test_the_stored_key_is_not_reachable_by_any_public_url(client, owner, project):
    (document,) = add(owner, project, pdf())

    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_staff_can_read_documents_for_moderation(client, owner, project):
    (document,) = add(owner, project, pdf())
    client.force_login(UserFactory(is_staff=True))

    assert client.get(download_url(document)).status_code == 200


def test_the_owner_removes_a_document_and_its_file_goes_with_it(
    client, owner, project, private_files, django_capture_on_commit_callbacks
):
    (document,) = add(owner, project, pdf())
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("project-attachment-delete", args=[project.pk]), {"document": document.pk}, follow=True
        )

    assert "Document retiré." in response.text
    assert not ProjectAttachment.objects.exists()
    assert private_files() == []


def test_only_the_owner_removes_a_document(client, owner, project, freelancer, private_files):
    (document,) = add(owner, project, pdf())
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)

    response = client.post(reverse("project-attachment-delete", args=[project.pk]), {"document": document.pk})

    assert response.status_code == 403
    assert ProjectAttachment.objects.filter(pk=document.pk).exists() and len(private_files()) == 1


# --- Bad inputs: refused with a clear message, nothing saved -------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", SVG),
        ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>"),
        ("rapport.pdf", b"MZ\x90\x00 an executable"),
    ],
    ids=["svg-renamed-jpg", "html-renamed-jpg", "exe-renamed-pdf"],
)
def test_a_file_that_is_not_an_image_or_pdf_is_refused_whatever_its_name(owner, project, private_files, name, content):
    with pytest.raises(ValidationFailed) as refused:
        add(owner, project, SimpleUploadedFile(name, content, content_type="image/jpeg"))

    assert refused.value.as_dict() == {"file": ["Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."]}
    assert not ProjectAttachment.objects.exists() and private_files() == []


def test_a_jpeg_with_a_script_appended_is_stored_without_it(owner, project):
    payload = b"<script>alert('pwned')</script>"

    (document,) = add(owner, project, SimpleUploadedFile("plan.jpg", image_bytes() + payload))

    with document.file.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"\xff\xd8\xff") and payload not in stored


def test_a_png_declaring_50000_by_50000_pixels_is_refused_before_decoding(owner, project, private_files):
    with pytest.raises(ValidationFailed) as refused:
        add(owner, project, SimpleUploadedFile("bombe.png", png_declaring(width=50_000, height=50_000)))

    assert "pixels" in str(refused.value.message)
    assert not ProjectAttachment.objects.exists() and private_files() == []


def test_a_50_mb_upload_is_refused_and_leaves_nothing(client, owner, project, private_files):
    client.force_login(owner)
    huge = SimpleUploadedFile("plans.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024) + b"\n%%EOF\n")

    response = client.post(reverse("project-attachment-add", args=[project.pk]), {"file": huge}, follow=True)

    assert "Une pièce jointe dépasse 10 Mo." in response.text
    assert not ProjectAttachment.objects.exists() and private_files() == []


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\Ève\\devis<script>.pdf", "devisscript.pdf")],
)
def test_uploaded_names_become_clean_display_names_never_keys(owner, project, uploaded, shown):
    (document,) = add(owner, project, pdf(uploaded))

    assert document.name == shown
    assert "passwd" not in document.file.name and "devis" not in document.file.name


def test_a_300_character_unicode_name_is_shortened_for_display(owner, project):
    (document,) = add(owner, project, pdf("é" * 300 + ".pdf"))

    assert len(document.name) <= 120 and document.name.endswith(".pdf")


def test_a_member_who_does_not_own_the_project_cannot_attach(owner, project, freelancer, private_files):
    with pytest.raises(PermissionDenied):
        add(freelancer, project, pdf())

    assert not ProjectAttachment.objects.exists() and private_files() == []


@pytest.mark.parametrize("status", [ProjectStatus.COMPLETED, ProjectStatus.CANCELLED, ProjectStatus.CLOSED])
def test_a_finished_project_takes_no_new_document(owner, status, private_files):
    project = ProjectFactory(owner=owner, status=status)

    with pytest.raises(Conflict) as refused:
        add(owner, project, pdf())

    assert str(refused.value.message) == "On ne peut plus ajouter de documents à un projet terminé, annulé ou fermé."
    assert private_files() == []


def test_the_eleventh_document_is_refused_and_the_batch_saved_none(owner, project, private_files):
    add(owner, project, *[pdf(f"plan-{i}.pdf") for i in range(9)])

    with pytest.raises(ValidationFailed) as refused:
        add(owner, project, pdf("a.pdf"), pdf("b.pdf"))

    assert refused.value.as_dict() == {"file": ["10 documents au maximum par projet : retirez-en d'abord."]}
    assert project.attachments.count() == 9 and len(private_files()) == 9


def test_one_bad_file_in_a_batch_refuses_the_whole_batch(owner, project, private_files):
    with pytest.raises(ValidationFailed):
        add(owner, project, pdf("bon.pdf"), SimpleUploadedFile("faux.pdf", b"pas un pdf"))

    assert not ProjectAttachment.objects.exists() and private_files() == []


def test_sending_the_form_without_a_file_says_what_to_do(client, owner, project):
    client.force_login(owner)

    response = client.post(reverse("project-attachment-add", args=[project.pk]), {}, follow=True)

    assert "Choisissez un fichier à joindre." in response.text
    assert not ProjectAttachment.objects.exists()


def test_posting_without_csrf_token_is_refused(owner, project):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(reverse("project-attachment-add", args=[project.pk]), {"file": pdf()})

    assert response.status_code == 403
    assert not ProjectAttachment.objects.exists()


# --- The API: same services, same rules ------------------------------------------------------------


def test_api_owner_uploads_lists_and_deletes_documents(client, owner, project, django_capture_on_commit_callbacks):
    client.force_login(owner)
    url = reverse("api-project-attachments", args=[project.pk])

    created = client.post(url, {"file": [pdf("Devis.pdf")]})
    assert created.status_code == 201
    (document,) = created.json()
    assert document["name"] == "Devis.pdf" and document["content_type"] == "application/pdf"
    assert document["size"] == len(PDF_BYTES)
    assert document["url"] == reverse("project-attachment", args=[project.pk, document["id"]])
    assert [d["id"] for d in client.get(url).json()] == [document["id"]]

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(reverse("api-project-attachment-detail", args=[project.pk, document["id"]]))
    assert deleted.status_code == 204
    assert client.get(url).json() == []


def test_api_refuses_a_bad_file_with_a_field_error(client, owner, project):
    client.force_login(owner)

    response = client.post(
        reverse("api-project-attachments", args=[project.pk]), {"file": [SimpleUploadedFile("a.jpg", SVG)]}
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."]}
    assert not ProjectAttachment.objects.exists()


def test_api_hides_documents_from_uninvolved_members_and_refuses_their_uploads(client, owner, project, freelancer):
    add(owner, project, pdf())
    client.force_login(freelancer)
    url = reverse("api-project-attachments", args=[project.pk])

    listed = client.get(url)
    posted = client.post(url, {"file": [pdf()]})

    assert listed.status_code == 403
    assert listed.json() == {
        "detail": "Les documents de ce projet sont réservés aux pigistes invités ou qui ont soumissionné."
    }
    assert posted.status_code == 403 and project.attachments.count() == 1


def test_api_documents_of_an_invite_only_project_are_not_found_for_strangers(client, owner, freelancer):
    project = ProjectFactory(owner=owner, visibility="invited")
    add(owner, project, pdf())
    client.force_login(freelancer)

    assert client.get(reverse("api-project-attachments", args=[project.pk])).status_code == 404


# --- On S3: a short signed link, and nothing else -----------------------------------------------------


def test_on_s3_a_document_is_private_and_served_by_a_short_signed_link(client, owner, project, freelancer, s3_bucket):
    s3, bucket = s3_bucket
    (document,) = add(owner, project, pdf("Plans.pdf"))
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [f"private/{document.file.name}"]
    InvitationFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)

    response = client.get(download_url(document))

    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in response["Location"] and "X-Amz-Expires=300" in response["Location"]
    status, headers, body = http_get(response["Location"])
    assert status == 200 and body == PDF_BYTES
    assert headers["Content-Disposition"].startswith("attachment;") and "Plans.pdf" in headers["Content-Disposition"]
    # The bare key, without the signature, is refused by the bucket.
    assert http_get(f"{s3.meta.endpoint_url}/{bucket}/private/{document.file.name}")[0] == 403


def test_an_expired_signed_link_is_refused_and_the_page_hands_out_a_fresh_one(
    client, owner, project, expiring_s3_bucket
):
    (document,) = add(owner, project, pdf())
    client.force_login(owner)
    first_link = client.get(download_url(document))["Location"]
    assert http_get(first_link)[0] == 200

    time.sleep(2.2)  # The test bucket's links last one second.

    status, _headers, body = http_get(first_link)
    assert status == 403 and b"Request has expired" in body and PDF_BYTES not in body
    status, _headers, body = http_get(client.get(download_url(document))["Location"])
    assert status == 200 and body == PDF_BYTES
