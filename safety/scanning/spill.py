"""A scratch file of column chunks, so the file is parsed once and each cell is processed once.

The scan stores the columns the redaction will need (and the raw free text, which is scrubbed once
the whole file's names are known) as ``marshal`` blobs in an anonymous temporary file: it has no
name on disk, is deleted when closed, and holds no more than the input already does. Reading a
blob back is many times faster than parsing the CSV again, and memory stays bounded (one chunk at
a time). Reads use ``os.pread``, so forked worker processes can read the same file at once.
"""

from __future__ import annotations

import marshal
import os
import struct
import tempfile

INDEX = ("index",)
FOOTER = struct.Struct(">QQ")  # where the index blob starts, and its length


class Spill:
    """Append-only store of blobs addressed by a key (any hashable)."""

    def __init__(self, directory: str | None = None, *, path: str | None = None, codec=None):
        """An anonymous scratch file, or with ``path`` a named one kept after ``close()`` (so
        a later process can ``Spill.reopen`` it once ``finish()`` has written its index).

        ``codec`` (an object with ``seal(data, label)`` and ``open(blob, label)``, such as an
        authenticated cipher) turns each blob into what is written and back, its key the label.
        """
        if path is None:
            self._fh = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed by close()
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            self._fh = os.fdopen(fd, "r+b")
        self._fd = self._fh.fileno()
        self._codec = codec
        self._end = 0
        self._index: dict = {}

    @classmethod
    def reopen(cls, path: str, codec=None) -> Spill:
        """Open a named spill written and ``finish()``-ed earlier, for reading."""
        spill = cls.__new__(cls)
        spill._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        spill._fd, spill._codec = spill._fh.fileno(), codec
        spill._end = os.fstat(spill._fd).st_size - FOOTER.size
        spill._index = {INDEX: FOOTER.unpack(os.pread(spill._fd, FOOTER.size, spill._end))}
        spill._index = dict(spill.get(INDEX))
        return spill

    def finish(self) -> None:
        """Write the index and a footer locating it, so ``reopen`` can read the blobs back."""
        self.put(INDEX, list(self._index.items()))
        os.pwrite(self._fd, FOOTER.pack(*self._index[INDEX]), self._end)
        os.fsync(self._fd)

    def put(self, key, value) -> None:
        """Store a tuple/list of strings (anything ``marshal`` takes) under ``key``."""
        data = marshal.dumps(value)
        if self._codec is not None:
            data = self._codec.seal(data, repr(key).encode())
        data = memoryview(data)
        start = written = self._end
        while written < start + len(data):
            written += os.pwrite(self._fd, data[written - start :], written)
        self._index[key] = (start, len(data))
        self._end = written

    def get(self, key):
        offset, length = self._index[key]
        parts = []
        while length > 0:
            block = os.pread(self._fd, length, offset)
            if not block:
                raise OSError("The scratch file ended early.")
            parts.append(block)
            offset += len(block)
            length -= len(block)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        if self._codec is not None:
            data = self._codec.open(data, repr(key).encode())  # authenticated: ours, unaltered
        # Our own blobs from our own file, never outside input.
        return marshal.loads(data)  # noqa: S302  # nosec B302

    def __contains__(self, key) -> bool:
        return key in self._index

    @property
    def size(self) -> int:
        return self._end

    def close(self) -> None:
        self._index = {}
        self._fh.close()
