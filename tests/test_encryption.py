"""Files at rest: encrypted in chunks, authenticated, written atomically."""

import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safety import encryption
from safety.encryption import (
    CHUNK_SIZE,
    DecryptionError,
    derive_key,
    encrypt_to_path,
    open_decrypted,
)

KEY = derive_key("ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=")


def _round_trip(tmp_path, data: bytes) -> tuple[bytes, encryption.StoredFile]:
    path = tmp_path / "stored.bin"
    stored = encrypt_to_path(io.BytesIO(data), path, KEY)
    with open_decrypted(path, KEY) as reader:
        return reader.read(), stored


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=5000))
def test_round_trip_returns_the_same_bytes(tmp_path_factory, data):
    plain, stored = _round_trip(tmp_path_factory.mktemp("enc"), data)
    assert plain == data
    assert stored.size == len(data)


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_round_trip_across_chunk_boundaries(tmp_path, size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    plain, stored = _round_trip(tmp_path, data)
    assert plain == data
    import hashlib

    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_the_stored_file_does_not_contain_the_plaintext(tmp_path):
    secret = b"Jane Smith, 10 Downing Street, NHS 943 476 5919\n" * 100
    path = tmp_path / "stored.bin"
    encrypt_to_path(io.BytesIO(secret), path, KEY)
    assert b"Jane Smith" not in path.read_bytes()


def test_a_wrong_key_is_refused(tmp_path):
    path = tmp_path / "stored.bin"
    encrypt_to_path(io.BytesIO(b"hello"), path, KEY)
    with pytest.raises(DecryptionError), open_decrypted(path, derive_key("another")) as reader:
        reader.read()


def test_a_flipped_byte_is_detected(tmp_path):
    path = tmp_path / "stored.bin"
    encrypt_to_path(io.BytesIO(b"hello world" * 1000), path, KEY)
    damaged = bytearray(path.read_bytes())
    damaged[40] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.raises(DecryptionError), open_decrypted(path, KEY) as reader:
        reader.read()


def test_dropping_the_last_chunk_is_detected(tmp_path):
    path = tmp_path / "stored.bin"
    encrypt_to_path(io.BytesIO(b"a" * (CHUNK_SIZE + 10)), path, KEY)
    raw = path.read_bytes()
    header = len(encryption.MAGIC) + 7
    (first_length,) = struct.unpack(">I", raw[header : header + 4])
    path.write_bytes(raw[: header + 4 + first_length])
    with pytest.raises(DecryptionError), open_decrypted(path, KEY) as reader:
        reader.read()


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    class Exploding(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("connection reset while uploading")

    with pytest.raises(OSError):
        encrypt_to_path(io.BufferedReader(Exploding()), tmp_path / "stored.bin", KEY)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_ours_is_refused(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"name,age\nJane,40\n")
    with pytest.raises(DecryptionError), open_decrypted(path, KEY) as reader:
        reader.read()


def test_a_file_cut_inside_a_chunk_header_is_reported_as_truncated(tmp_path):
    path = tmp_path / "stored.bin"
    encrypt_to_path(io.BytesIO(b"a" * (CHUNK_SIZE + 10)), path, KEY)
    raw = path.read_bytes()
    header = len(encryption.MAGIC) + 7
    (first_length,) = struct.unpack(">I", raw[header : header + 4])
    path.write_bytes(raw[: header + 4 + first_length + 2])  # half of the next length
    with pytest.raises(DecryptionError), open_decrypted(path, KEY) as reader:
        reader.read()


@pytest.mark.parametrize(
    "size",
    [0, 1, encryption.CHUNK_SIZE - 1, encryption.CHUNK_SIZE, encryption.CHUNK_SIZE + 1,
     3 * encryption.CHUNK_SIZE + 17],
)  # fmt: skip
def test_writing_through_the_encrypting_writer_equals_encrypting_a_file(tmp_path, size):
    key = encryption.derive_key("writer test")
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    whole = encryption.encrypt_to_path(io.BytesIO(data), tmp_path / "whole", key)
    with encryption.EncryptingWriter(tmp_path / "written", key) as writer:
        for start in range(0, size, 70_000):  # pieces that straddle the chunks
            writer.write(data[start : start + 70_000])
    assert writer.stored == whole
    assert (tmp_path / "written").stat().st_size == (tmp_path / "whole").stat().st_size
    assert b"".join(encryption.iter_decrypted(tmp_path / "written", key)) == data


def test_an_encrypting_writer_stopped_by_an_error_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), encryption.EncryptingWriter(tmp_path / "out", b"k" * 32) as w:
        w.write(b"x" * (encryption.CHUNK_SIZE + 5))
        raise RuntimeError("the redaction failed")
    assert list(tmp_path.iterdir()) == []
