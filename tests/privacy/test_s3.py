"""The archive works the same on S3: files read through the storage API, the zip stored privately."""

import json

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.common.storage import private_storage, storage_is_s3
from messaging.models import Attachment
from privacy import services as privacy_services
from privacy.models import DataExport
from profiles.models import PortfolioImage
from tests.factories import UserFactory
from tests.privacy.factories import PDF_BYTES, member_with_everything, pdf_upload, send, zip_bytes


def test_on_s3_the_archive_is_built_from_s3_files_and_served_by_a_short_signed_link(
    client, db, s3_bucket, run_on_commit
):
    s3, bucket = s3_bucket
    assert storage_is_s3(private_storage)
    scene = member_with_everything()

    export = run_on_commit(privacy_services.data_export_request, user=scene.member)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    # Stored under the private prefix, with a random key, never publicly listed.
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert f"private/{export.file_key}" in keys
    body = s3.get_object(Bucket=bucket, Key=f"private/{export.file_key}")["Body"].read()
    archive = zip_bytes(body)
    data = json.loads(archive.read("data.json"))
    assert data["missing_files"] == []
    pdf = next(a["file"] for a in data["conversations"][0]["messages"][1]["attachments"] if a["file"].endswith(".pdf"))
    assert archive.read(pdf) == PDF_BYTES
    assert data["freelancer_profile"]["avatar"] in archive.namelist()

    client.force_login(scene.member)
    response = client.get(reverse("data-export-download", args=[export.token]))
    assert response.status_code == 302
    assert response["Location"].startswith(s3.meta.endpoint_url) and "X-Amz-Signature=" in response["Location"]
    assert "X-Amz-Expires=300" in response["Location"]

    client.force_login(UserFactory())
    assert client.get(reverse("data-export-download", args=[export.token])).status_code == 404


def test_on_s3_erasing_an_account_removes_its_files_and_keeps_the_other_sides(db, s3_bucket, run_on_commit):
    scene = member_with_everything()
    client_message = send(scene.client, scene.conversation, "Mon plan", uploads=[pdf_upload("plan.pdf")])
    client_file = client_message.attachments.get().file
    profile = scene.profile
    member_files = [profile.avatar, profile.avatar_thumbnail, profile.avatar_thumbnail_jpeg]
    for image in PortfolioImage.objects.filter(item__profile=profile):
        member_files += [image.image, image.thumbnail, image.thumbnail_jpeg]
    member_files += [a.file for a in Attachment.objects.filter(message__sender=scene.member)]
    assert len(member_files) == 8 and all(f.storage.exists(f.name) for f in member_files)

    run_on_commit(privacy_services.account_purge, user_id=scene.member.pk)

    assert not any(f.storage.exists(f.name) for f in member_files)
    assert client_file.storage.exists(client_file.name)
    assert Attachment.objects.filter(message=client_message).exists()


def test_on_s3_the_api_download_sends_to_the_same_short_signed_link_as_the_page(db, s3_bucket, run_on_commit):
    s3, _bucket = s3_bucket
    member = UserFactory()
    export = run_on_commit(privacy_services.data_export_request, user=member)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")

    response = api.get(f"/api/v1/me/data-export/{export.token}/")

    assert response.status_code == 302
    assert response["Location"].startswith(s3.meta.endpoint_url) and "X-Amz-Signature=" in response["Location"]
    assert "X-Amz-Expires=300" in response["Location"]
    assert response["Cache-Control"] == "private, no-store"
