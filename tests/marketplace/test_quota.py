"""Each member's storage quota: every file they upload counts, and going past it is refused clearly."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.common.errors import ValidationFailed
from marketplace.common.quota import storage_usage
from profiles import services as profile_services
from profiles.models import FreelancerProfile, PortfolioImage
from projects import services as project_services
from projects.models import ProjectAttachment
from tests.factories import FreelancerProfileFactory, ProjectFactory
from tests.privacy.factories import PDF_BYTES, pdf_upload
from tests.profiles.factories import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

QUOTA_MESSAGE = re.compile(
    r"^Votre espace de stockage est plein : vous utilisez .+ sur .+, et ce fichier demande .+\. "
    r"Supprimez des documents de projet ou des images de portfolio pour libérer de la place\.$"
)


@pytest.fixture
def member():
    return FreelancerProfileFactory(display_name="Annie Bouchard").user


def stored_files(settings) -> list[Path]:
    return [
        p for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) for p in Path(root).rglob("*") if p.is_file()
    ]


def test_usage_adds_up_the_avatar_portfolio_and_project_documents(member):
    profile = profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes()))
    profile_services.portfolio_item_create(
        user=member, data={"title": "Logo"}, images=[upload(image_bytes(width=300, height=200))]
    )
    project = ProjectFactory(owner=member)
    project_services.project_attachments_add(user=member, project_id=project.pk, uploads=[pdf_upload()])

    image = PortfolioImage.objects.get()
    assert profile.avatar_size > 0 and image.size > 0
    # The sizes recorded are those of the files really stored (each image with its two thumbnails).
    assert image.size == sum(f.size for f in (image.image, image.thumbnail, image.thumbnail_jpeg))
    assert storage_usage(user_id=member.pk).used == profile.avatar_size + image.size + len(PDF_BYTES)


def test_a_document_past_the_quota_is_refused_with_a_clear_message_and_nothing_kept(member, settings):
    settings.STORAGE_QUOTA_BYTES = len(PDF_BYTES) * 2
    project = ProjectFactory(owner=member)
    project_services.project_attachments_add(user=member, project_id=project.pk, uploads=[pdf_upload("a.pdf")])
    files_before = stored_files(settings)

    with pytest.raises(ValidationFailed) as refused:
        project_services.project_attachments_add(
            user=member, project_id=project.pk, uploads=[pdf_upload("b.pdf"), pdf_upload("c.pdf")]
        )

    assert refused.value.code == "storage_quota"
    assert QUOTA_MESSAGE.match(refused.value.as_dict()["file"][0])
    assert ProjectAttachment.objects.count() == 1
    assert stored_files(settings) == files_before


def test_a_portfolio_image_past_the_quota_is_refused_on_the_page(client, member, settings):
    settings.STORAGE_QUOTA_BYTES = 1000
    client.force_login(member)

    response = client.post(
        reverse("portfolio-manage"),
        {"title": "Affiche", "description": "", "images": upload(image_bytes(width=400, height=300))},
    )

    assert response.status_code == 200
    assert "Votre espace de stockage est plein" in response.text
    assert not PortfolioImage.objects.exists() and stored_files(settings) == []


def test_a_new_avatar_counts_only_what_it_adds_over_the_one_it_replaces(member, settings):
    profile = profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes()))
    first_size = profile.avatar_size
    settings.STORAGE_QUOTA_BYTES = first_size + 10  # Room for the same avatar again, not for both.

    profile = profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes()))

    assert profile.avatar_size == first_size
    assert storage_usage(user_id=member.pk).used == first_size


def test_an_avatar_past_the_quota_is_refused_and_the_old_one_stays(member, settings):
    profile = profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes()))
    old_name, files_before = profile.avatar.name, stored_files(settings)
    settings.STORAGE_QUOTA_BYTES = profile.avatar_size

    with pytest.raises(ValidationFailed) as refused:
        profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes(width=900, height=900)))

    assert QUOTA_MESSAGE.match(refused.value.as_dict()["avatar"][0])
    assert FreelancerProfile.objects.get(user=member).avatar.name == old_name
    assert stored_files(settings) == files_before


def test_removing_files_frees_room_again(member, settings, django_capture_on_commit_callbacks):
    settings.STORAGE_QUOTA_BYTES = len(PDF_BYTES)
    project = ProjectFactory(owner=member)
    (document,) = project_services.project_attachments_add(user=member, project_id=project.pk, uploads=[pdf_upload()])
    with pytest.raises(ValidationFailed):
        project_services.project_attachments_add(user=member, project_id=project.pk, uploads=[pdf_upload()])

    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_attachment_delete(user=member, project_id=project.pk, attachment_id=document.pk)
    project_services.project_attachments_add(user=member, project_id=project.pk, uploads=[pdf_upload()])

    assert storage_usage(user_id=member.pk).used == len(PDF_BYTES)


def test_the_privacy_page_shows_how_much_room_is_used(client, member, settings):
    settings.STORAGE_QUOTA_BYTES = 200 * 1024 * 1024
    project = ProjectFactory(owner=member)
    big_pdf = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    project_services.project_attachments_add(
        user=member, project_id=project.pk, uploads=[SimpleUploadedFile("gros.pdf", big_pdf)]
    )
    client.force_login(member)

    page = client.get(reverse("privacy-settings")).text

    assert "Vous utilisez 3,0\xa0Mo sur 200,0\xa0Mo." in page
    assert f'value="{len(big_pdf)}" max="{200 * 1024 * 1024}"' in page


def test_a_message_attachment_past_the_quota_is_refused_and_the_message_not_saved(settings):
    from rest_framework.test import APIClient

    from messaging.models import Message
    from tests.messaging.factories import conversation_with_quote

    conversation, owner, _freelancer = conversation_with_quote()
    settings.STORAGE_QUOTA_BYTES = len(PDF_BYTES) - 1
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": "6f1c2b9e-8a57-4a8e-9b8e-0a4f5d1e2c3b", "body": "Le contrat", "attachments": [pdf_upload()]},
        format="multipart",
    )

    assert response.status_code == 400
    assert QUOTA_MESSAGE.match(response.json()["attachments"][0])
    assert not Message.objects.exists() and stored_files(settings) == []
