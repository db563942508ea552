"""Where uploaded files live: public media (avatars, portfolio) apart from private files (attachments).

- Public media is readable by anyone who has its URL; on S3 it sits under `public/`, which the bucket
  policy (never an object ACL) opens for anonymous GET only, never for listing.
- Private files sit under `private/` (S3) or PRIVATE_MEDIA_ROOT (local, outside MEDIA_ROOT so no URL
  serves it). They are reached only through a permission-checked view that calls
  `private_file_response`: a redirect to a short-lived signed URL on S3, the file streamed locally.
- Keys are random (`random_key`), never the uploaded name, and no upload overwrites another
  (`file_overwrite` off: a clash, however unlikely, gets a new name instead of replacing a file).

Models pick the storage with a callable so migrations stay stable whichever backend runs:
`models.FileField(upload_to=RandomKey("messaging"), storage=get_private_storage)`.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage

PUBLIC_ALIAS = "public"
PRIVATE_ALIAS = "private"
_EXTENSION_RE = re.compile(r"^[a-z0-9]{1,8}$")
DISPLAY_NAME_MAX_LENGTH = 120


# --- Backends ---------------------------------------------------------------------------------


class PublicS3Storage(S3Storage):
    """Avatars and portfolio images: unsigned URLs so browsers and CDNs can cache them."""

    def get_default_settings(self):
        values = super().get_default_settings()
        values.update(location="public", querystring_auth=False, file_overwrite=False, default_acl=None)
        return values


class PrivateS3Storage(S3Storage):
    """Attachments: never public; every URL is signed and short-lived."""

    def get_default_settings(self):
        values = super().get_default_settings()
        values.update(
            location="private",
            querystring_auth=True,
            querystring_expire=settings.PRIVATE_MEDIA_URL_EXPIRY,
            file_overwrite=False,
            default_acl="private",
            # A custom (CDN) domain would serve unsigned URLs: private files always go through the endpoint.
            custom_domain=None,
        )
        return values


class PublicFileSystemStorage(FileSystemStorage):
    """Public media on the local disk (`make run`), served under MEDIA_URL."""


class PrivateFileSystemStorage(FileSystemStorage):
    """Private files on the local disk, in PRIVATE_MEDIA_ROOT: outside MEDIA_ROOT, so no URL serves them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(
            "Private files have no public URL: serve them with marketplace.common.storage.private_file_response."
        )


# --- Access from models and services ------------------------------------------------------------


class _AliasStorage(LazyObject):
    """The storage configured under one STORAGES alias, resolved on first use (like default_storage)."""

    def __init__(self, alias: str):
        self.__dict__["_alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


public_storage = _AliasStorage(PUBLIC_ALIAS)
private_storage = _AliasStorage(PRIVATE_ALIAS)


@receiver(setting_changed)
def _reset_alias_storages(*, setting, **kwargs):
    # Tests override STORAGES (e.g. to point at the S3 server); Django resets its own handler, we follow.
    if setting == "STORAGES":
        for lazy in (public_storage, private_storage):
            lazy._wrapped = empty


def get_public_storage():
    """The public media storage, for `FileField(storage=get_public_storage)`."""
    return public_storage


def get_private_storage():
    """The private file storage, for `FileField(storage=get_private_storage)`."""
    return private_storage


def storage_is_s3(storage) -> bool:
    """Whether the (possibly lazy) storage talks to S3."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        storage = storage._wrapped
    return isinstance(storage, S3Storage)


def stored_files_delete(files) -> None:
    """Delete `(storage, name)` pairs; a missing file or empty name is fine, so deleting twice never fails."""
    for storage, name in files:
        if name:
            with contextlib.suppress(FileNotFoundError):
                storage.delete(name)


# --- Keys and names -------------------------------------------------------------------------------


def random_key(*, prefix: str, extension: str = "") -> str:
    """A storage key nobody can guess: `<prefix>/<2 hex>/<32 hex>[.ext]`, never from the user's file name."""
    token = uuid.uuid4().hex
    extension = extension.lower().lstrip(".")
    suffix = f".{extension}" if _EXTENSION_RE.match(extension) else ""
    return f"{prefix.strip('/')}/{token[:2]}/{token}{suffix}"


@deconstructible
class RandomKey:
    """An `upload_to` that ignores the uploaded name: `FileField(upload_to=RandomKey("avatars"))`.

    The extension is kept only if it is short and alphanumeric; the image pipeline should pass the
    extension of the format it sniffed and re-encoded, not trust the upload's.
    """

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        return random_key(prefix=self.prefix, extension=PurePosixPath(filename or "").suffix)

    def __eq__(self, other):
        return isinstance(other, RandomKey) and other.prefix == self.prefix


def clean_display_name(filename: str, *, default: str = "fichier") -> str:
    """The uploaded name made safe to show and to offer for download: no path, no control characters, bounded."""
    name = unicodedata.normalize("NFC", filename or "")
    # Both separators: a Windows browser may send "C:\\Users\\x\\doc.pdf"; keep only the last part.
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C"} and ch not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return default
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = f"{stem[: DISPLAY_NAME_MAX_LENGTH - len(ext) - 1].rstrip()}.{ext}"
        else:
            name = name[:DISPLAY_NAME_MAX_LENGTH].rstrip()
    return name


# --- Serving private files -------------------------------------------------------------------------


def private_file_url(*, name: str, download_name: str, content_type: str, as_attachment: bool = True) -> str:
    """A signed S3 URL valid PRIVATE_MEDIA_URL_EXPIRY seconds, with the download headers S3 must send."""
    disposition = "attachment" if as_attachment else "inline"
    return private_storage.url(
        name,
        parameters={
            "ResponseContentDisposition": _content_disposition(disposition, download_name),
            "ResponseContentType": content_type,
        },
        expire=settings.PRIVATE_MEDIA_URL_EXPIRY,
    )


def private_file_response(
    *, name: str, download_name: str, content_type: str, as_attachment: bool = True
) -> HttpResponse:
    """Serve a private file once the caller has checked access: signed-URL redirect (S3) or a stream (local)."""
    if storage_is_s3(private_storage):
        response = HttpResponseRedirect(
            private_file_url(
                name=name, download_name=download_name, content_type=content_type, as_attachment=as_attachment
            )
        )
        # The signed URL is a secret for a few minutes: neither the browser nor a proxy keeps it.
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    response = FileResponse(
        private_storage.open(name, "rb"),
        as_attachment=as_attachment,
        filename=clean_display_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser rendered it, an uploaded file runs no script and reaches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _content_disposition(disposition: str, filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(disposition == "attachment", clean_display_name(filename))
