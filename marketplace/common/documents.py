"""Private documents people share (message attachments, project documents): images or PDF, judged by their bytes.

Images go through the one image pipeline (`marketplace.common.images`); a PDF is accepted when its bytes say
so. The uploaded name is kept only as a cleaned display name; the storage key is always random.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import ValidationFailed
from marketplace.common.images import image_process
from marketplace.common.storage import clean_display_name

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"


@dataclass(frozen=True)
class CheckedDocument:
    """A document ready to store: what to write, and what to remember about it."""

    file: ContentFile
    name: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def _looks_like_image(head: bytes) -> bool:
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )


def document_check(*, upload, field: str = "attachments") -> CheckedDocument:
    """Accept a JPEG, PNG, WebP or PDF of at most 10 MB, judged by its bytes, never by its name or header."""
    too_big = ValidationFailed(_("Une pièce jointe dépasse 10 Mo."), field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise too_big
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_big
    if not data:
        raise ValidationFailed(_("Une pièce jointe est vide."), field=field)
    sha256 = hashlib.sha256(data).hexdigest()
    width = height = None
    stored = data
    if _looks_like_image(data[:16]):
        # Pixel limits before decoding, upright, metadata (GPS) stripped, anything appended dropped.
        processed = image_process(upload=data, field=field)
        stored, content_type = processed.content, processed.content_type
        width, height = processed.width, processed.height
    elif data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        content_type = PDF
    else:
        raise ValidationFailed(_("Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."), field=field)
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", PDF: "pdf"}[content_type]
    return CheckedDocument(
        # The sniffed format's extension, for the random key (RandomKey keeps only the extension).
        file=ContentFile(stored, name=f"document.{extension}"),
        name=clean_display_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=len(stored),
        sha256=sha256,
        width=width,
        height=height,
    )
