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
import tempfile


class Spill:
    """Append-only store of blobs addressed by a key (any hashable)."""

    def __init__(self, directory: str | None = None) -> None:
        self._fh = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed by close()
        self._fd = self._fh.fileno()
        self._end = 0
        self._index: dict = {}

    def put(self, key, value) -> None:
        """Store a tuple/list of strings (anything ``marshal`` takes) under ``key``."""
        data = memoryview(marshal.dumps(value))
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
        # Our own blobs from our own unnamed file, never outside input.
        return marshal.loads(parts[0] if len(parts) == 1 else b"".join(parts))  # noqa: S302  # nosec B302

    def __contains__(self, key) -> bool:
        return key in self._index

    @property
    def size(self) -> int:
        return self._end

    def close(self) -> None:
        self._index = {}
        self._fh.close()
