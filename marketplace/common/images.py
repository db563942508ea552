"""The one image pipeline: every uploaded image (avatars, portfolio, message attachments) goes through here.

An upload is judged by its content, never by its name or declared type: Pillow must recognise a JPEG,
PNG or WebP. Its dimensions are read from the header and checked before any pixel is decoded, so a
small file that declares a huge canvas (a decompression bomb) is refused without using memory. The
image is then turned upright (EXIF orientation), re-encoded without any metadata (GPS position,
camera serial, comments), resized to a sane maximum, and stored with thumbnails under random keys.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.common.errors import ValidationFailed
from marketplace.common.storage import random_key, stored_files_delete

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 2560  # Enough for any screen; bigger originals are scaled down when stored.
THUMBNAIL_SIZE = (480, 480)


@dataclass(frozen=True)
class ProcessedImage:
    """A clean, upright, metadata-free image ready to store."""

    content: bytes
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int
    thumbnail_webp: bytes
    thumbnail_jpeg: bytes

    @property
    def extension(self) -> str:
        return ALLOWED_FORMATS[self.format]

    @property
    def content_type(self) -> str:
        return f"image/{self.format.lower()}"


@dataclass(frozen=True)
class StoredImage:
    """Storage keys of a stored image and its thumbnails, with the image's size."""

    key: str
    thumbnail_key: str  # WebP
    thumbnail_jpeg_key: str
    width: int
    height: int
    total_bytes: int  # the three files together, as the storage quota counts them

    @property
    def keys(self) -> list[str]:
        return [self.key, self.thumbnail_key, self.thumbnail_jpeg_key]


def _max_size() -> str:
    """The byte limit as people say it: "10 Mo", or "500 Ko" below a megabyte."""
    limit = settings.MAX_UPLOAD_BYTES
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} Mo"
    return f"{limit / 1024:.0f} Ko"


def _read_bounded(upload, *, field: str) -> bytes:
    """The upload's bytes, refusing anything over `MAX_UPLOAD_BYTES` without reading it all."""
    limit = settings.MAX_UPLOAD_BYTES
    too_big = ValidationFailed(
        _("Ce fichier est trop volumineux : %(max)s au maximum.") % {"max": _max_size()}, field=field
    )
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_big
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationFailed(_("Le fichier est vide."), field=field)
    return data


def _too_many_pixels(field: str) -> ValidationFailed:
    megapixels = settings.MAX_IMAGE_PIXELS / 1_000_000
    return ValidationFailed(
        _("Cette image est trop grande : %(max)s mégapixels au maximum. Réduisez ses dimensions et essayez de nouveau.")
        % {"max": f"{megapixels:g}"},
        field=field,
    )


def _not_an_image(field: str) -> ValidationFailed:
    return ValidationFailed(
        _("Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP."), field=field
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Re-encode without metadata: no exif, icc_profile or text chunks are passed on."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = _flatten(image)
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=82, method=4)
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def image_process(*, upload, field: str = "image", crop_thumbnail: bool = False) -> ProcessedImage:
    """Check an upload by its content and return it upright, re-encoded, metadata-free, with thumbnails."""
    data = _read_bounded(upload, field=field)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; we want a refusal, never a decode.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data))
            fmt = source.format
            if fmt not in ALLOWED_FORMATS:
                raise _not_an_image(field)
            width, height = source.size
            # Checked from the header, before a single pixel is decoded.
            if width <= 0 or height <= 0 or width * height > settings.MAX_IMAGE_PIXELS:
                raise _too_many_pixels(field)
            source.load()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        # Unknown formats (text, SVG, PDF…) and truncated or corrupt images alike.
        raise _not_an_image(field) from None

    image = ImageOps.exif_transpose(source)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image holds pixels only: nothing of the source's metadata can leak through.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)

    if crop_thumbnail:
        thumb = ImageOps.fit(clean, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    else:
        thumb = clean.copy()
        thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return ProcessedImage(
        content=_encode(clean, fmt),
        format=fmt,
        width=clean.width,
        height=clean.height,
        thumbnail_webp=_encode(thumb, "WEBP"),
        thumbnail_jpeg=_encode(thumb, "JPEG"),
    )


def image_store(
    *, upload, prefix: str, field: str = "image", crop_thumbnail: bool = False, storage=None
) -> StoredImage:
    """Process an upload and save it with its thumbnails under fresh random keys (default storage unless given).

    Public images (avatars, portfolio) use the default storage; private ones (message attachments)
    pass the private storage.
    """
    storage = storage or default_storage
    processed = image_process(upload=upload, field=field, crop_thumbnail=crop_thumbnail)
    # Never the uploaded name: a random key can't collide, overwrite, or reveal anything.
    stem = random_key(prefix=prefix)
    saved: list[str] = []
    renditions = (
        (f".{processed.extension}", processed.content),
        ("_thumb.webp", processed.thumbnail_webp),
        ("_thumb.jpg", processed.thumbnail_jpeg),
    )
    try:
        for suffix, content in renditions:
            saved.append(storage.save(stem + suffix, ContentFile(content)))
    except Exception:
        image_delete(keys=saved, storage=storage)
        raise
    return StoredImage(
        key=saved[0],
        thumbnail_key=saved[1],
        thumbnail_jpeg_key=saved[2],
        width=processed.width,
        height=processed.height,
        total_bytes=sum(len(content) for _suffix, content in renditions),
    )


def image_delete(*, keys, storage=None) -> None:
    """Delete stored files; missing ones are fine (deleting twice must not fail)."""
    storage = storage or default_storage
    stored_files_delete((storage, key) for key in keys)
