"""Media storage: public apart from private, random keys, no overwrite, signed short-lived links (real S3 server)."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile

from marketplace.common.storage import (
    RandomKey,
    clean_display_name,
    private_file_response,
    private_file_url,
    private_storage,
    public_storage,
    random_key,
)
from tests.marketplace.conftest import http_get

KEY_RE = re.compile(r"^(?P<prefix>[a-z]+)/(?P<shard>[0-9a-f]{2})/(?P<token>[0-9a-f]{32})(\.[a-z0-9]{1,8})?$")


def test_private_file_is_saved_read_and_deleted_on_s3_under_a_random_private_key(s3_bucket):
    client, bucket = s3_bucket
    name = private_storage.save(RandomKey("messaging")(None, "../../etc/passwd"), ContentFile(b"%PDF-1.7 contrat"))

    assert KEY_RE.match(name) and name.startswith("messaging/")
    assert "passwd" not in name and ".." not in name
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"private/{name}"]
    with private_storage.open(name, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 contrat"

    private_storage.delete(name)
    assert "Contents" not in client.list_objects_v2(Bucket=bucket)
    assert not private_storage.exists(name)


def test_public_and_private_files_live_under_separate_prefixes(s3_bucket):
    client, bucket = s3_bucket
    avatar = public_storage.save(random_key(prefix="avatars", extension="webp"), ContentFile(b"RIFFxxxxWEBP"))
    attachment = private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF"))

    keys = sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == sorted([f"public/{avatar}", f"private/{attachment}"])


def test_two_uploads_with_the_same_name_never_overwrite_each_other(s3_bucket):
    client, bucket = s3_bucket
    upload_to = RandomKey("portfolio")
    first = public_storage.save(upload_to(None, "photo.jpg"), ContentFile(b"first"))
    second = public_storage.save(upload_to(None, "photo.jpg"), ContentFile(b"second"))
    assert first != second

    # Even a forced clash on one key keeps both files: file_overwrite is off.
    clash_a = private_storage.save("messaging/aa/same.txt", ContentFile(b"A"))
    clash_b = private_storage.save("messaging/aa/same.txt", ContentFile(b"B"))

    assert clash_a == "messaging/aa/same.txt" and clash_b != clash_a
    with private_storage.open(clash_a) as a, private_storage.open(clash_b) as b:
        assert (a.read(), b.read()) == (b"A", b"B")
    with public_storage.open(first) as a, public_storage.open(second) as b:
        assert (a.read(), b.read()) == (b"first", b"second")
    assert len(client.list_objects_v2(Bucket=bucket)["Contents"]) == 4


def test_random_keys_are_unique_and_ignore_the_uploaded_name():
    keys = {RandomKey("avatars")(None, "moi.JPG") for _ in range(200)}
    assert len(keys) == 200
    assert all(KEY_RE.match(key) and key.endswith(".jpg") and "moi" not in key for key in keys)
    # An odd "extension" is dropped rather than trusted.
    assert (
        KEY_RE.match(random_key(prefix="x", extension="php%00.jpg"))
        and "." not in random_key(prefix="x", extension="php%00.jpg").split("/")[-1]
    )


def test_signed_url_of_a_private_file_works_is_short_lived_and_forces_a_download(s3_bucket, settings):
    name = private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF-1.7 devis"))

    url = private_file_url(name=name, download_name="Devis final.pdf", content_type="application/pdf")
    status, headers, body = http_get(url)

    assert status == 200 and body == b"%PDF-1.7 devis"
    assert headers["Content-Type"] == "application/pdf"
    assert (
        headers["Content-Disposition"].startswith("attachment;") and "Devis final.pdf" in headers["Content-Disposition"]
    )
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == [str(settings.PRIVATE_MEDIA_URL_EXPIRY)] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"][0]


def test_private_file_without_a_signature_is_refused(s3_bucket):
    name = private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF secret"))
    signed = private_file_url(name=name, download_name="a.pdf", content_type="application/pdf")
    parts = urlsplit(signed)

    status, _, body = http_get(f"{parts.scheme}://{parts.netloc}{parts.path}")

    assert status == 403
    assert b"secret" not in body


def test_a_guessed_private_key_is_not_found(s3_bucket):
    private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF"))
    guess = random_key(prefix="messaging", extension="pdf")

    status, _, body = http_get(private_file_url(name=guess, download_name="a.pdf", content_type="application/pdf"))

    # S3 answers 403 rather than 404 for a missing key when it hides which keys exist.
    assert status in (403, 404)
    assert b"%PDF" not in body
    assert not private_storage.exists(guess)


def test_public_media_urls_are_plain_and_never_signed(s3_bucket, s3_endpoint):
    name = public_storage.save(random_key(prefix="avatars", extension="webp"), ContentFile(b"RIFF"))
    url = public_storage.url(name)
    assert url.startswith(f"{s3_endpoint}/") and url.endswith(f"/public/{name}")
    assert "X-Amz-Signature" not in url


def test_private_file_response_on_s3_redirects_to_a_signed_url_kept_out_of_caches(s3_bucket):
    name = private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF"))

    response = private_file_response(name=name, download_name="plan.pdf", content_type="application/pdf")

    assert response.status_code == 302
    assert f"/private/{name}?" in response["Location"] and "X-Amz-Signature=" in response["Location"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_private_file_response_locally_streams_an_attachment_with_nosniff(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    name = private_storage.save(random_key(prefix="messaging", extension="pdf"), ContentFile(b"%PDF-1.7 local"))

    response = private_file_response(
        name=name, download_name="../../Soumission été.pdf", content_type="application/pdf"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 local"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Soumission" in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    assert (tmp_path / "private" / name).is_file()
    # Outside MEDIA_ROOT: no /media/ URL can ever reach it.
    assert not Path(settings.MEDIA_ROOT, name).exists()


def test_local_private_storage_has_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    name = private_storage.save(random_key(prefix="messaging"), ContentFile(b"x"))
    with pytest.raises(ValueError, match="no public URL"):
        private_storage.url(name)


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Luc\\Devis 2026.pdf", "Devis 2026.pdf"),
        ("rapport\x00\x1b[31m.pdf", "rapport[31m.pdf"),
        ("   ..  ", "fichier"),
        ("", "fichier"),
        ("<img src=x onerror=alert(1)>.png", "img src=x onerror=alert(1).png"),
    ],
)
def test_uploaded_names_are_cleaned_for_display(uploaded, shown):
    assert clean_display_name(uploaded) == shown


def test_a_300_character_unicode_name_is_shortened_keeping_its_extension():
    shown = clean_display_name("é" * 300 + ".pdf")
    assert len(shown) == 120
    assert shown.endswith("é.pdf")
