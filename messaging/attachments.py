"""Checks on message attachments: images (through marketplace.images) and PDF, judged by their bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from marketplace.errors import ValidationFailed
from marketplace.images import image_process

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"


@dataclass
class CheckedAttachment:
    file: ContentFile
    name: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def _sniff_image_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _clean_name(name: str) -> str:
    name = (name or "fichier").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name[:150] or "fichier"


def attachment_check(*, upload) -> CheckedAttachment:
    """Accept a JPEG, PNG, WebP or PDF of at most 10 MB, judged by its bytes, never by its name or header."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(_("Une pièce jointe dépasse 10 Mo."), field="attachments")
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(_("Une pièce jointe dépasse 10 Mo."), field="attachments")
    if not data:
        raise ValidationFailed(_("Une pièce jointe est vide."), field="attachments")
    name = _clean_name(getattr(upload, "name", ""))
    sha256 = hashlib.sha256(data).hexdigest()
    width = height = None
    stored = data
    if _sniff_image_type(data[:16]) is not None:
        # The project's one image pipeline: pixel limits before decoding, upright, metadata (GPS) stripped.
        processed = image_process(upload=data, field="attachments")
        stored, content_type = processed.content, processed.content_type
        width, height = processed.width, processed.height
    elif data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        content_type = PDF
    else:
        raise ValidationFailed(_("Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."), field="attachments")
    return CheckedAttachment(
        file=ContentFile(stored, name="upload"),
        name=name,
        content_type=content_type,
        size=len(stored),
        sha256=sha256,
        width=width,
        height=height,
    )
