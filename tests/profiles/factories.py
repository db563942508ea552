"""Test data for the profiles tests: images built with Pillow, byte by byte when they must lie."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ReviewFactory  # noqa: F401  (re-exported for the tests' convenience)

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def image_bytes(*, width=64, height=48, fmt="JPEG", color=(200, 40, 40), exif=None) -> bytes:
    """A real image; the left half is coloured and the right half white, so orientation can be checked."""
    image = Image.new("RGB", (width, height), (255, 255, 255))
    image.paste(Image.new("RGB", (width // 2, height), color), (0, 0))
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def jpeg_with_gps_and_orientation(*, width=80, height=40) -> bytes:
    """A JPEG as a phone takes it: stored sideways with orientation 6 (rotate 90° clockwise), and a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "TelephoneSecret"  # Make
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: (47.0, 49.0, 43.0),  # Rivière-du-Loup
            3: "W",
            4: (69.0, 32.0, 12.0),
        }
    )
    return image_bytes(width=width, height=height, exif=exif)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(*, width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's signature, a few bytes long."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # A little real compressed data of zeros: decoding it in full would need width × height × 3 bytes.
    idat = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert("x")</script><rect width="10" height="10"/></svg>'
)
