"""Message attachments are private files: kept out of public media, served only through the checked view."""

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from messaging import services
from messaging.models import Attachment
from tests.factories import UserFactory
from tests.marketplace.conftest import http_get, s3_bucket, s3_endpoint  # noqa: F401
from tests.messaging.factories import conversation_with_quote
from tests.privacy.factories import PDF_BYTES


def send_pdf(sender, conversation, name="contrat.pdf"):
    message, _created = services.message_send(
        user=sender,
        conversation_id=conversation.pk,
        client_id=uuid.uuid4(),
        body="Voici le contrat",
        uploads=[SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")],
    )
    return message.attachments.get()


def files_under(root) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_an_attachment_is_stored_privately_and_no_media_url_reaches_it(client, db, settings):
    conversation, owner, _freelancer = conversation_with_quote()

    attachment = send_pdf(owner, conversation)

    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [attachment.file.name]
    assert files_under(settings.MEDIA_ROOT) == []
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_on_s3_the_download_view_redirects_participants_to_a_short_signed_url(client, db, s3_bucket):  # noqa: F811
    s3, bucket = s3_bucket
    conversation, owner, freelancer = conversation_with_quote()
    attachment = send_pdf(owner, conversation, name="Contrat signé.pdf")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"private/{attachment.file.name}"]

    client.force_login(freelancer)
    response = client.get(reverse("message-attachment", args=[attachment.pk]))

    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    status, headers, body = http_get(signed)
    assert status == 200 and body == PDF_BYTES
    assert headers["Content-Disposition"].startswith("attachment;")
    parts = urlsplit(signed)
    status, _headers, body = http_get(f"{parts.scheme}://{parts.netloc}{parts.path}")
    assert status == 403 and PDF_BYTES not in body

    client.force_login(UserFactory())
    assert client.get(reverse("message-attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_attachments_stored_publicly_before_the_change_move_to_the_private_storage(settings):
    conversation, owner, _freelancer = conversation_with_quote()
    attachment = send_pdf(owner, conversation)
    # As it was before migration 0005: the same key, under the public media.
    key = attachment.file.name
    storages["private"].delete(key)
    storages["public"].save(key, ContentFile(PDF_BYTES))

    executor = MigrationExecutor(connection)
    executor.migrate([("messaging", "0004_saved_search_notifications")])
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("messaging", "0005_attachments_on_private_storage")])

        attachment.refresh_from_db()
        assert files_under(settings.MEDIA_ROOT) == []
        with attachment.file.open("rb") as handle:
            assert handle.read() == PDF_BYTES
        assert Attachment.objects.count() == 1
    finally:
        # Back to the latest schema: the tests after this one need the migrations that follow 0005.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("messaging"))
