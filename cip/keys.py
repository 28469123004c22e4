"""The data encryption keys (settings.DATA_ENCRYPTION_KEYS, newest first) for small secrets kept
in the database: second-factor secrets and pseudonym keys. Files use the same keys through
safety.storage."""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def fernet() -> MultiFernet:
    """Encrypts with the newest key and decrypts with any of them."""
    return MultiFernet([Fernet(key) for key in settings.DATA_ENCRYPTION_KEYS])


def newest_fernet() -> Fernet:
    return Fernet(settings.DATA_ENCRYPTION_KEYS[0])
