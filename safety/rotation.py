"""Key rotation: re-encrypt everything stored under the newest data encryption key.

Run `manage.py rotate_encryption_key` once every process has the new key first in
DATA_ENCRYPTION_KEYS (and the old ones after it). Each file is written to a temporary file and
moved over the old one, so an interrupted run leaves every file whole, under the old key or the
new; a second run skips what is already under the new key. Each run is a KeyRotation row in the
audit log, with its counts (updated as it goes, so an interrupted run shows how far it got).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from pathlib import Path

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils import timezone

from cip.keys import fernet, newest_fernet
from safety import storage
from safety.encryption import DecryptionError, reencrypt
from safety.models import KeyRotation, ProjectSecret

logger = logging.getLogger(__name__)

# The folder of decrypted scratch copies: plaintext, short-lived, never rotated.
SCRATCH = "tmp"
# What a scan keeps for its redaction (safety.storage.kept_scan_path): a cache, encrypted blob by
# blob, deleted at rotation rather than re-encrypted (a redaction after it scans again).
KEPT_SCANS = "scans"
PROGRESS_EVERY = 250
# Fields of allauth's authenticators holding Fernet tokens (teams.adapters.MFAAdapter): the
# TOTP secret, the recovery codes' seed, and codes migrated from elsewhere (a list).
AUTHENTICATOR_SECRETS = ("secret", "seed", "migrated_codes")
COUNTS = [
    "files_rotated",
    "files_current",
    "files_unreadable",
    "secrets_rotated",
    "secrets_current",
    "secrets_unreadable",
]


def key_fingerprint(secret: str) -> str:
    """Names a key in the log without revealing anything about it."""
    return hmac.new(secret.encode(), b"cip key fingerprint", hashlib.sha256).hexdigest()[:16]


def stored_files() -> Iterator[Path]:
    """Every encrypted file under PRIVATE_STORAGE_ROOT: datasets, redacted copies, agreement
    documents, sketches. Names starting with a dot are writes in progress."""
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    if not root.exists():
        return
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and folder.name not in (SCRATCH, KEPT_SCANS):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    yield path


def encryption_keys_rotate() -> KeyRotation:
    """Re-encrypt every stored file and every secret in the database under the newest key."""
    run = KeyRotation.objects.create(key_fingerprint=key_fingerprint(settings.DATA_ENCRYPTION_KEY))
    keys = storage.keys()
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    for leftover in root.rglob(".rotating-*") if root.exists() else ():
        leftover.unlink(missing_ok=True)  # an earlier run was killed mid-file
    for kept in (root / KEPT_SCANS).glob("*") if (root / KEPT_SCANS).exists() else ():
        kept.unlink(missing_ok=True)  # may be under an old key: nothing stays under one
    for number, path in enumerate(stored_files(), 1):
        try:
            rotated = reencrypt(path, keys)
        except FileNotFoundError:
            continue  # deleted meanwhile (its retention date passed)
        except DecryptionError:
            run.files_unreadable += 1
            logger.error("Key rotation: %s opens under none of the keys", path.name)
        else:
            run.files_rotated += rotated
            run.files_current += not rotated
        if number % PROGRESS_EVERY == 0:
            run.save(update_fields=COUNTS)
            logger.info("Key rotation: %s files so far", number)
    for outcome in _rotate_secrets():
        setattr(run, f"secrets_{outcome}", getattr(run, f"secrets_{outcome}") + 1)
    run.finished_at = timezone.now()
    run.save()
    return run


def _rotated_token(token: bytes) -> tuple[str, bytes | None]:
    """("current", None), ("rotated", the new token) or ("unreadable", None)."""
    try:
        newest_fernet().decrypt(token)
    except InvalidToken:
        pass
    else:
        return "current", None
    try:
        return "rotated", fernet().rotate(token)
    except InvalidToken:
        return "unreadable", None


def _rotate_secrets() -> Iterator[str]:
    """Pseudonym keys and second-factor secrets, each updated on its own (so resumable)."""
    for pk, token in ProjectSecret.objects.values_list("pk", "encrypted_key").iterator():
        outcome, new = _rotated_token(bytes(token))
        if new is not None:
            ProjectSecret.objects.filter(pk=pk, encrypted_key=token).update(encrypted_key=new)
        yield outcome
    for authenticator in Authenticator.objects.only("pk", "data").iterator():
        data = dict(authenticator.data)
        for field in AUTHENTICATOR_SECRETS:
            value = data.get(field)
            tokens = [value] if isinstance(value, str) else value
            if not isinstance(tokens, list):
                continue
            rotated = []
            for token in tokens:
                outcome, new = _rotated_token(token.encode())
                rotated.append(token if new is None else new.decode())
                yield outcome
            data[field] = rotated[0] if isinstance(value, str) else rotated
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
