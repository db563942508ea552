"""The one image pipeline: content sniffing, limits, orientation, metadata, thumbnails, random keys."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from marketplace.common.errors import ValidationFailed
from marketplace.common.images import image_process, image_store
from tests.profiles.factories import SVG, image_bytes, jpeg_with_gps_and_orientation, png_declaring, upload

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

NOT_AN_IMAGE = "Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP."


def _open(key):
    with default_storage.open(key) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_are_stored_with_webp_and_jpeg_thumbnails_under_random_keys(db, fmt, media_files):
    data = image_bytes(width=1200, height=900, fmt=fmt)

    stored = image_store(upload=upload(data, name="../../etc/passwd.jpg"), prefix="portfolio")

    assert (stored.width, stored.height) == (1200, 900)
    assert stored.key.startswith("portfolio/") and "passwd" not in stored.key
    assert _open(stored.key).format == fmt
    assert _open(stored.thumbnail_key).format == "WEBP"
    assert _open(stored.thumbnail_jpeg_key).format == "JPEG"
    assert max(_open(stored.thumbnail_key).size) == 480
    assert media_files() == sorted(stored.keys)


def test_the_same_upload_twice_gets_two_different_keys(db):
    data = image_bytes()
    first = image_store(upload=upload(data), prefix="avatars")
    second = image_store(upload=upload(data), prefix="avatars")
    assert first.key != second.key
    assert default_storage.exists(first.key) and default_storage.exists(second.key)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"Bonjour, je ne suis pas une image.\n" * 20, "photo.jpg", "image/jpeg"),
        (SVG, "logo.svg", "image/svg+xml"),
        (SVG, "logo.png", "image/png"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "cv.jpg", "image/jpeg"),
    ],
    ids=["text-renamed-jpg", "svg", "svg-renamed-png", "pdf-renamed-jpg"],
)
def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(db, data, name, content_type, media_files):
    with pytest.raises(ValidationFailed) as refused:
        image_store(upload=upload(data, name=name, content_type=content_type), prefix="avatars", field="avatar")
    assert str(refused.value.message) == NOT_AN_IMAGE
    assert refused.value.errors == {"avatar": [NOT_AN_IMAGE]}
    assert media_files() == []


def test_a_gif_is_refused_even_though_pillow_reads_it(db, media_files):
    with pytest.raises(ValidationFailed) as refused:
        image_store(upload=upload(image_bytes(fmt="GIF"), name="anim.gif"), prefix="avatars")
    assert str(refused.value.message) == NOT_AN_IMAGE
    assert media_files() == []


def test_a_truncated_jpeg_is_refused(db, media_files):
    data = image_bytes(width=400, height=300)
    with pytest.raises(ValidationFailed) as refused:
        image_store(upload=upload(data[: len(data) // 2]), prefix="avatars")
    assert str(refused.value.message) == NOT_AN_IMAGE
    assert media_files() == []


@pytest.mark.parametrize(
    ("width", "height"), [(100_000, 100_000), (7_000, 7_000)], ids=["beyond-pillow", "beyond-ours"]
)
def test_a_png_declaring_huge_dimensions_is_refused_before_decoding(db, width, height, media_files):
    bomb = png_declaring(width=width, height=height)
    assert len(bomb) < 5_000  # A few bytes on disk, gigabytes once decoded.

    with pytest.raises(ValidationFailed) as refused:
        image_store(upload=upload(bomb, name="bombe.png", content_type="image/png"), prefix="portfolio")

    assert str(refused.value.message) == (
        "Cette image est trop grande : 40 mégapixels au maximum. Réduisez ses dimensions et essayez de nouveau."
    )
    assert media_files() == []


def test_the_pixel_limit_comes_from_settings(db, settings):
    settings.MAX_IMAGE_PIXELS = 10_000
    with pytest.raises(ValidationFailed) as refused:
        image_process(upload=upload(image_bytes(width=200, height=100)))
    assert "0.01 mégapixels au maximum" in str(refused.value.message)
    assert image_process(upload=upload(image_bytes(width=100, height=100))).width == 100


def test_an_oversized_upload_is_refused_without_being_read(db, settings, media_files):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = upload(b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024 + 1))

    with pytest.raises(ValidationFailed) as refused:
        image_store(upload=big, prefix="portfolio", field="images")

    assert refused.value.errors == {"images": ["Ce fichier est trop volumineux : 2 Mo au maximum."]}
    assert media_files() == []


def test_an_empty_file_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        image_process(upload=upload(b""))
    assert str(refused.value.message) == "Le fichier est vide."


def test_exif_gps_is_stripped_and_orientation_applied(db):
    original = Image.open(io.BytesIO(jpeg_with_gps_and_orientation(width=80, height=40)))
    assert original.getexif()[0x0112] == 6 and original.getexif().get_ifd(0x8825)  # The test image is what it claims.

    stored = image_store(upload=upload(jpeg_with_gps_and_orientation(width=80, height=40)), prefix="avatars")

    # Stored sideways 80×40 with "rotate 90° clockwise": upright it is 40×80.
    assert (stored.width, stored.height) == (40, 80)
    for key in stored.keys:
        image = _open(key)
        exif = image.getexif()
        assert len(exif) == 0, key
        assert not exif.get_ifd(0x8825), key
        assert "exif" not in image.info and "icc_profile" not in image.info
    clean = _open(stored.key)
    with default_storage.open(stored.key) as handle:
        raw = handle.read()
    assert b"TelephoneSecret" not in raw
    # The coloured half was on the left; after a clockwise quarter turn it is on top.
    top, bottom = clean.getpixel((20, 5)), clean.getpixel((20, 75))
    assert top[0] > 150 and top[1] < 100
    assert bottom == (255, 255, 255) or min(bottom) > 240


def test_private_images_go_to_the_storage_given(db, settings, tmp_path):
    from django.core.files.storage import storages

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    private = storages["private"]
    stored = image_store(upload=upload(image_bytes()), prefix="messaging", storage=private)
    assert all(private.exists(key) for key in stored.keys)
    assert not any(default_storage.exists(key) for key in stored.keys)
    assert str(tmp_path / "private") in private.path(stored.key)
