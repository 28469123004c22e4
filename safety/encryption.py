"""Streaming encryption for sensitive files at rest.

Files can be hundreds of megabytes, so they are encrypted in 1 MiB chunks with AES-256-GCM (the
STREAM construction): each chunk's nonce is a random per-file prefix plus the chunk's number, and
the last chunk is marked, so chunks cannot be reordered, dropped or truncated without detection.
The AES key is derived from DATA_ENCRYPTION_KEY with HKDF, so one setting serves every purpose.
Several keys may be configured (DATA_ENCRYPTION_KEYS, newest first, during a rotation): files are
written under the newest and read under whichever opens their first chunk, as MultiFernet does.

File layout: MAGIC (8 bytes) | nonce prefix (7 bytes) | chunks, each a 4-byte big-endian length
followed by that many bytes of ciphertext (plaintext chunk + 16-byte tag).
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CIPENC01"
CHUNK_SIZE = 1024 * 1024
_PREFIX_SIZE = 7
_LENGTH = struct.Struct(">I")
_TAG_SIZE = 16


class DecryptionError(Exception):
    """The file was altered, truncated, or encrypted with another key."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str  # of the plaintext, to recognise the same upload twice
    size: int  # plaintext bytes


def derive_key(secret: str | bytes) -> bytes:
    material = secret.encode() if isinstance(secret, str) else secret
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cip file encryption v1")
    return hkdf.derive(material)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def encrypt_to_path(source: BinaryIO, destination: Path, key: bytes) -> StoredFile:
    """Encrypt `source` into `destination` atomically: a failure leaves no file behind."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    aead = AESGCM(key)
    prefix = os.urandom(_PREFIX_SIZE)
    digest = hashlib.sha256()
    size = 0
    fd, temp_name = tempfile.mkstemp(dir=destination.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + prefix)
            counter = 0
            chunk = source.read(CHUNK_SIZE)
            while True:
                following = source.read(CHUNK_SIZE) if chunk else b""
                last = not following
                digest.update(chunk)
                size += len(chunk)
                sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, None)
                out.write(_LENGTH.pack(len(sealed)) + sealed)
                if last:
                    break
                chunk, counter = following, counter + 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return StoredFile(sha256=digest.hexdigest(), size=size)


class EncryptingWriter(io.RawIOBase):
    """A write-only file object that encrypts what is written into ``destination``, in the
    layout ``encrypt_to_path`` writes, so a file can be encrypted as it is produced with no
    plaintext copy on disk. ``close()`` seals the last chunk and moves the file into place;
    ``discard()`` (or an error inside ``with``) leaves nothing behind. ``stored`` is set once
    closed."""

    def __init__(self, destination: Path, key: bytes) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        self._destination, self._aead = destination, AESGCM(key)
        self._prefix = os.urandom(_PREFIX_SIZE)
        self._digest, self._size, self._counter = hashlib.sha256(), 0, 0
        self._pending = bytearray()
        fd, self._temp = tempfile.mkstemp(dir=destination.parent, prefix=".incoming-")
        self._out = os.fdopen(fd, "wb")
        self._out.write(MAGIC + self._prefix)
        self.stored: StoredFile | None = None

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pending += data
        # Keep the newest full chunk back: only at close is it known whether it is the last.
        while len(self._pending) > CHUNK_SIZE:
            self._seal(bytes(self._pending[:CHUNK_SIZE]), last=False)
            del self._pending[:CHUNK_SIZE]
        return len(data)

    def _seal(self, chunk: bytes, last: bool) -> None:
        self._digest.update(chunk)
        self._size += len(chunk)
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), chunk, None)
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self.stored is None and not self._out.closed:
                self._seal(bytes(self._pending), last=True)
                self._out.flush()
                os.fsync(self._out.fileno())
                self._out.close()
                os.replace(self._temp, self._destination)
                self.stored = StoredFile(sha256=self._digest.hexdigest(), size=self._size)
        except BaseException:
            self.discard()
            raise
        finally:
            super().close()

    def discard(self) -> None:
        self._out.close()
        Path(self._temp).unlink(missing_ok=True)
        super().close()

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.discard()
        else:
            self.close()


Keys = bytes | Sequence[bytes]


def _open_first(keys: Keys, nonce: bytes, sealed: bytes) -> tuple[int, AESGCM, bytes]:
    """Which key opens the first chunk (its index), its cipher and the chunk's plaintext."""
    for index, key in enumerate([keys] if isinstance(keys, bytes) else keys):
        aead = AESGCM(key)
        try:
            return index, aead, aead.decrypt(nonce, sealed, None)
        except InvalidTag:
            continue
    raise DecryptionError("The file is damaged or the key is wrong")


def _chunks(encrypted: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    """(nonce, sealed chunk) pairs of an open encrypted file, checking its framing."""
    header = encrypted.read(len(MAGIC) + _PREFIX_SIZE)
    if len(header) != len(MAGIC) + _PREFIX_SIZE or not header.startswith(MAGIC):
        raise DecryptionError("Not an encrypted Community Insights file")
    prefix = header[len(MAGIC) :]
    counter = 0
    length_bytes = encrypted.read(_LENGTH.size)
    while length_bytes:
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError("The encrypted file is truncated")
        sealed = _read_exactly(encrypted, _LENGTH.unpack(length_bytes)[0])
        length_bytes = encrypted.read(_LENGTH.size)
        yield _nonce(prefix, counter, not length_bytes), sealed
        counter += 1
    if counter == 0:
        raise DecryptionError("The encrypted file is truncated")


def iter_decrypted(path: Path, keys: Keys) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, raising DecryptionError on any tampering."""
    aead = None
    with open(path, "rb") as encrypted:
        for nonce, sealed in _chunks(encrypted):
            if aead is None:
                _, aead, plain = _open_first(keys, nonce, sealed)
            else:
                try:
                    plain = aead.decrypt(nonce, sealed, None)
                except InvalidTag as error:
                    raise DecryptionError("The file is damaged or the key is wrong") from error
            yield plain


def key_index(path: Path, keys: Sequence[bytes]) -> int:
    """Which of `keys` the file is encrypted under (0: the newest), reading its first chunk."""
    with open(path, "rb") as encrypted:
        nonce, sealed = next(_chunks(encrypted))
    return _open_first(keys, nonce, sealed)[0]


def reencrypt(path: Path, keys: Sequence[bytes]) -> bool:
    """Encrypt the file again under the newest key, replacing it atomically (a reader with the
    old file open keeps reading it). False if it was under the newest key already; a file
    deleted meanwhile (its retention date passed) stays deleted."""
    if key_index(path, keys) == 0:
        return False
    before = path.stat().st_ino
    rotated = path.with_name(f".rotating-{path.name}")
    try:
        with open_decrypted(path, keys) as plaintext:
            encrypt_to_path(plaintext, rotated, keys[0])
        if path.stat().st_ino != before:
            raise FileNotFoundError(path.name)
        os.replace(rotated, path)
    finally:
        rotated.unlink(missing_ok=True)
    return True


def _read_exactly(stream: BinaryIO, length: int) -> bytes:
    if length > CHUNK_SIZE + _TAG_SIZE:
        raise DecryptionError("The encrypted file is damaged")
    data = stream.read(length)
    if len(data) != length:
        raise DecryptionError("The encrypted file is truncated")
    return data


class DecryptingReader(io.RawIOBase):
    """A read-only file object over an encrypted file, for readers such as pandas and csv."""

    def __init__(self, path: Path, keys: Keys) -> None:
        self._chunks = iter_decrypted(path, keys)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._chunks.close()  # releases the underlying file
        super().close()

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def open_decrypted(path: Path, keys: Keys) -> io.BufferedReader:
    return io.BufferedReader(DecryptingReader(path, keys), buffer_size=CHUNK_SIZE)


class BlobCipher:
    """AES-256-GCM for blobs of one file read separately and in any order (the scan's kept
    columns, ``safety.scanning.spill``): each blob has a random nonce, and its label (where it
    belongs) is authenticated with it, so a blob moved to another place does not decrypt."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, data: bytes, label: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, label)

    def open(self, blob: bytes, label: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], label)
        except InvalidTag as error:
            raise DecryptionError("The file is damaged or the key is wrong") from error
