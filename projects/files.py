"""Files the project team uploads (solution sketches): checked to be an image, re-encoded, which
drops metadata such as a camera's location and anything hidden after the picture, then encrypted
at rest under a random name beside the datasets. Never served by URL: only the project team's
pages read them back.
"""

from __future__ import annotations

import uuid
from io import BytesIO
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from safety.encryption import encrypt_to_path, open_decrypted
from safety.storage import key, keys

MAX_SKETCH_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


class NotAnImage(ValueError):
    """Why the upload is refused, in words for the person who sent it."""


def clean_sketch(upload) -> tuple[bytes, str]:
    """The image re-encoded as PNG or JPEG, and which; raises NotAnImage saying what to fix."""
    if upload.size > MAX_SKETCH_BYTES:
        raise NotAnImage("The sketch must be smaller than 5 MB")
    data = upload.read(MAX_SKETCH_BYTES + 1)
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise NotAnImage("The sketch must be a PNG, JPEG, GIF or WebP image")
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAnImage("The sketch is too large: make it smaller than 40 megapixels")
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            photo = image.format == "JPEG"
            image = ImageOps.exif_transpose(image)  # upright, as the camera meant
            out = BytesIO()
            if photo:
                image.convert("RGB").save(out, "JPEG", quality=88)
            else:
                mode = "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
                image.convert(mode).save(out, "PNG", optimize=True)
    except NotAnImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise NotAnImage("The file is not an image we can read: upload a PNG or JPEG") from None
    return out.getvalue(), "jpeg" if photo else "png"


def path_for(name: str) -> Path:
    if not name.isalnum():  # our own random names only, never a path from outside
        raise ValueError("Bad stored name")
    return Path(settings.PRIVATE_STORAGE_ROOT) / "project-files" / name


def store(data: bytes) -> str:
    """Encrypt the bytes to a new file; returns its random name."""
    name = uuid.uuid4().hex
    encrypt_to_path(BytesIO(data), path_for(name), key())
    return name


def read(name: str) -> bytes:
    with open_decrypted(path_for(name), keys()) as source:
        return source.read()


def delete(name: str) -> None:
    if name:
        path_for(name).unlink(missing_ok=True)
