"""Where dataset files live: encrypted, under PRIVATE_STORAGE_ROOT, named by a random token.

The engine reads a path, so a scan decrypts to a private temporary file that is deleted as soon as
the scan ends, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from safety.encryption import BlobCipher, derive_key, open_decrypted


def key() -> bytes:
    """The key new files are encrypted with: the newest."""
    return derive_key(settings.DATA_ENCRYPTION_KEYS[0])


def keys() -> list[bytes]:
    """Every configured key, newest first: a file is read under whichever opens it."""
    return [derive_key(secret) for secret in settings.DATA_ENCRYPTION_KEYS]


def path_for(stored_name: str) -> Path:
    if not stored_name.isalnum():  # generated hex names only: never a path from outside
        raise ValueError("Bad stored name")
    return Path(settings.PRIVATE_STORAGE_ROOT) / "datasets" / stored_name


def kept_scan_path(stored_name: str) -> Path:
    """Where a dataset's scan keeps what its redaction needs (encrypted blob by blob), in a
    folder of its own beside the datasets' files."""
    folder = path_for(stored_name).parent.parent / "scans"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / stored_name


def blob_cipher() -> BlobCipher:
    return BlobCipher(key())


def scratch_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "tmp"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@contextmanager
def plaintext_copy(stored_name: str, suffix: str = "") -> Iterator[str]:
    """A decrypted copy of a stored file, readable only by this process's user, then deleted."""
    fd, name = tempfile.mkstemp(dir=scratch_dir(), suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, open_decrypted(path_for(stored_name), keys()) as source:
            shutil.copyfileobj(source, out, 1024 * 1024)
        yield name
    finally:
        Path(name).unlink(missing_ok=True)


def stale_scratch_delete(older_than_seconds: float) -> int:
    """Delete decrypted scratch files a killed worker left behind (older than any task runs)."""
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "tmp"
    if not folder.exists():
        return 0
    cutoff = time.time() - older_than_seconds
    deleted = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


@contextmanager
def scratch_file(suffix: str = "") -> Iterator[str]:
    fd, name = tempfile.mkstemp(dir=scratch_dir(), suffix=suffix)
    os.close(fd)
    try:
        yield name
    finally:
        Path(name).unlink(missing_ok=True)
