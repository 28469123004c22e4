"""Open a CSV or XLSX file decided by its content and hand out its rows in bounded chunks.

Every pass over the data calls ``Table.chunks()`` again, which re-reads the file from the start: the
whole file is never held in memory. Cells come back as strings ("" for empty); blank rows are
skipped. A file that cannot be read safely raises a ``DatasetError`` whose message says what to
fix, with the line or column where there is one; what the uploader should know about a file that
was read (links, formulas without results, cleaned column names) is in ``SourceInfo.warnings``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import itertools
import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.utils import column_index_from_string, get_column_letter

from .errors import (
    BlankHeaderError,
    CellTooLargeError,
    DatasetError,
    DuplicateHeaderError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    LineTooLongError,
    MacroWorkbookError,
    NoRowsError,
    NotASpreadsheetError,
    NulByteError,
    PasswordProtectedError,
    RaggedRowError,
    TooManyColumnsError,
    UnbalancedQuoteError,
    UnknownSheetError,
    XmlEntitiesError,
    ZipBombError,
)

MB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = [",", ";", "\t", "|"]
CP1252_UNDEFINED = [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"]
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
MARKUP = {
    "<?xml": "This file is XML, not a CSV or XLSX file (an Excel 2003 XML spreadsheet, perhaps): "
    "open it in Excel, save it as .xlsx or CSV and upload the new file.",
    "<html": "This file is a web page (HTML), not a spreadsheet: open it in Excel, save it as "
    ".xlsx or CSV and upload the new file.",
}
MARKUP["<!doctype html"] = MARKUP["<table"] = MARKUP["<html"]
# Lead bytes and continuations that are plainly UTF-8 when the file is otherwise Windows-1252:
# Windows-1252 text almost never puts "Â" or "Ã" before a symbol, or an accented capital before
# a letter-like symbol, or three or four such bytes in a row. (An accented capital before a
# curly quote, a dash or a no-break space is ordinary Windows-1252, so it does not count.)
UTF8_PLAIN = re.compile(
    rb"[\xc2\xc3][\x80-\xbf]|[\xc4-\xdf][\xa1-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3}"
)
SAVE_AS_UTF8 = "save it as ‘CSV UTF-8’ and upload the new file."
DAMAGED_WORKBOOK = (
    "This workbook could not be read; it may be damaged: open it in Excel, save it again as "
    ".xlsx and upload the new file."
)
ENTITIES = (
    "This workbook declares XML entities, which Excel never writes (a file made this way can "
    "attack the service): open it in Excel, save it again as .xlsx and upload the new file."
)
# Parts of a workbook that hold macros: VBA, and Excel 4.0 macro and dialog sheets.
VBA_PROJECT = "vbaproject.bin"
MACRO_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/")
EXTERNAL_LINK = re.compile(r"xl/externalLinks/[^/]+\.xml")
# A cell holding a formula and no saved value: <c r="B2"><f>SUM(A1:A9)</f></c>, or with an
# empty <v/> (any namespace prefix). An empty value is a saved result only for a text formula
# (t="str"), whose result may be "".
FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?c\b([^>]*[^/>])?>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
TEXT_RESULT = re.compile(rb'\bt="str"')
CELL_COLUMN = re.compile(rb'\br="\$?([A-Z]{1,3})\$?\d')


@dataclass(frozen=True)
class Limits:
    """Upload limits; the defaults suit the product (500 MB files)."""

    max_bytes: int = 500 * MB
    max_columns: int = 500
    max_uncompressed_bytes: int = 4 * 1024 * MB
    max_compression_ratio: float = 200.0
    ratio_applies_above: int = 20 * MB  # small members compress well legitimately
    max_zip_members: int = 10_000
    max_cell_chars: int = 1_000_000
    # A physical line is read into memory whole before its cells are split, so bound it
    # (4 MB at least: lines are measured across the 4 MB blocks the file is read in).
    max_line_chars: int = 128 * MB


@dataclass
class SourceInfo:
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[dict] = field(default_factory=list)
    # Things the uploader should know although the file could be read: {"code", "message"}.
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "warnings": self.warnings,
        }


class Table:
    """An opened dataset: its header, how it was read, and a way to stream its rows."""

    def __init__(self, path: str, header: list[str], info: SourceInfo, limits: Limits):
        self.path = path
        self.header = header
        self.info = info
        self.limits = limits

    def chunks(self, size: int = 50_000) -> Iterator[list[list[str]]]:
        if self.info.format == "csv":
            yield from _csv_chunks(self, size)
        else:
            yield from _xlsx_chunks(self, size)


def file_size(size: int) -> str:
    """'500 MB', '1.5 MB', '2 KB': how big a file is, for a message."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _head(path: str, limits: Limits) -> bytes:
    """The first 64 KB of a file whose size is within the limits."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise NotASpreadsheetError("The file could not be opened: check the path.") from exc
    if size == 0:
        raise EmptyFileError("The file is empty: export the data again and upload the new file.")
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {file_size(size)}, larger than the limit of "
            f"{file_size(limits.max_bytes)}: remove columns or rows you do not need, or split it "
            "into smaller files."
        )
    with open(path, "rb") as fh:
        return fh.read(64 * 1024)


def inspect_workbook(path: str, *, limits: Limits | None = None) -> SourceInfo | None:
    """A workbook's sheets and warnings, before any sheet is read; None if not a workbook.

    For a workbook with several sheets, where the uploader chooses one before it is read.
    Raises a ``DatasetError`` when the file is refused as a whole.
    """
    limits = limits or Limits()
    if not _head(path, limits).startswith(ZIP_MAGIC):
        return None
    warnings = _check_zip(path, limits)
    wb = _load_workbook(path)
    try:
        sheets = [{"name": s.title, "state": s.sheet_state} for s in wb.worksheets]
    finally:
        wb.close()
    return SourceInfo(format="xlsx", sheets=sheets, warnings=warnings)


def open_table(path: str, *, sheet: str | int | None = None, limits: Limits | None = None) -> Table:
    """Check the file and read its header. Raises a ``DatasetError`` subclass on a bad file."""
    limits = limits or Limits()
    head = _head(path, limits)
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path, sheet, limits)
    if head.startswith(OLE2_MAGIC):
        _reject_ole2(path)
    for magic, what in BINARY_SIGNATURES.items():
        if head.startswith(magic):
            raise NotASpreadsheetError(
                f"This file is {what}, not a spreadsheet: upload a CSV or XLSX file."
            )
    return _open_csv(path, head, limits)


# ---------------------------------------------------------------------------------------------
# The header row (CSV and XLSX)


def _columns(indices: list[int], word: str = "Column") -> str:
    """'Column 3 (C)', 'Columns 3 (C) and 7 (G)': as a spreadsheet shows them."""
    named = [f"{i + 1} ({get_column_letter(i + 1)})" for i in indices[:5]]
    if len(indices) > 5:
        named.append(f"{len(indices) - 5} more")
    if len(named) == 1:
        return f"{word} {named[0]}"
    return f"{word}s {', '.join(named[:-1])} and {named[-1]}"


def _clean_name(name: str) -> tuple[str, bool]:
    """A header name without invisible characters and runs of blanks; True if any was removed.

    Zero-width spaces and right-to-left overrides cannot be seen, so "name" and "na\u200bme"
    would look the same in the report while being different columns to the engine.
    """
    if name.isascii() and name.isprintable():
        return " ".join(name.split()), False
    kept, removed = [], False
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cf" or (category == "Cc" and not ch.isspace()):
            removed = True
            continue
        kept.append(ch)
    return " ".join("".join(kept).split()), removed


def _clean_header(header: list[str], limits: Limits, what: str) -> tuple[list[str], list[dict]]:
    """Check the header row and return it cleaned, with a warning if names were changed."""
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]
    if len(header) > limits.max_columns:
        raise TooManyColumnsError(
            f"The {what} has {len(header)} columns but the limit is {limits.max_columns}: "
            "remove the columns you do not need."
        )
    cleaned, changed = [], []
    for i, name in enumerate(header):
        name, removed = _clean_name(name)
        cleaned.append(name)
        if removed:
            changed.append(i)
    blank = [i for i, name in enumerate(cleaned) if not name]
    if blank:
        verb = "has" if len(blank) == 1 else "have"
        raise BlankHeaderError(
            f"{_columns(blank)} {verb} no name in the header row: give every column a name, "
            "then upload the file again."
        )
    first: dict[str, int] = {}
    for i, name in enumerate(cleaned):
        j = first.setdefault(name.casefold(), i)
        if j != i:
            raise DuplicateHeaderError(
                f"{_columns([j, i])} have the same name: give every column a different name, "
                "then upload the file again."
            )
    warnings = []
    if changed:
        warnings.append(
            {
                "code": "header_characters",
                "message": "Invisible characters (such as zero-width spaces or right-to-left "
                f"marks) were removed from the name of {_columns(changed, 'column')}.",
            }
        )
    return cleaned, warnings


# ---------------------------------------------------------------------------------------------
# CSV


@dataclass
class _Bytes:
    """Where one pass over an 8-bit text file found each first problem (byte offsets)."""

    not_utf8: int | None = None
    nul: int | None = None
    undefined: int | None = None  # bytes Windows-1252 leaves undefined
    long_line: int | None = None  # where a line longer than the limit starts


class _LineLength:
    """Finds a line longer than ``limit`` from where line breaks fall in each block: a line
    inside one block is shorter than the block, so only runs across blocks need counting."""

    def __init__(self, limit: int) -> None:
        self.limit, self.start, self.long_start = limit, 0, None

    def add(self, block, at: int, newline) -> None:
        """``block`` starts at position ``at`` of the stream."""
        if self.long_start is not None:
            return
        first = block.find(newline)
        if first >= 0 and at + first - self.start > self.limit:
            self.long_start = self.start
        elif first >= 0:
            self.start = at + block.rfind(newline) + 1
        if self.long_start is None and at + len(block) - self.start > self.limit:
            self.long_start = self.start


def _read_bytes(path: str, limits: Limits) -> _Bytes:
    """One pass, at the speed of reading: only byte searches, and a UTF-8 check per block."""
    found = _Bytes()
    at, carry = 0, b""
    lengths = _LineLength(limits.max_line_chars)
    with open(path, "rb") as fh:
        while block := fh.read(4 * MB):
            lengths.add(block, at, b"\n")
            if found.nul is None and (nul := block.find(b"\x00")) >= 0:
                found.nul = at + nul
            if found.undefined is None:
                hits = [i for byte in CP1252_UNDEFINED if (i := block.find(byte)) >= 0]
                found.undefined = at + min(hits) if hits else None
            if found.not_utf8 is None:
                data, carry = carry + block, b""  # carry: a character cut by the block's end
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if exc.end == len(data) and exc.reason == "unexpected end of data":
                        carry = data[exc.start :]
                    else:
                        found.not_utf8 = at - (len(data) - len(block)) + exc.start
            at += len(block)
            if found.not_utf8 is not None and found.nul is not None and found.undefined is not None:
                break
    if carry and found.not_utf8 is None:
        found.not_utf8 = at - len(carry)
    found.long_line = lengths.long_start
    return found


def _lines_at(path: str, offsets: list[int]) -> dict[int, int]:
    """The line each byte offset falls on (counted only when a problem needs its line)."""
    lines, line, at = {}, 1, 0
    wanted = sorted(set(offsets))
    with open(path, "rb") as fh:
        while wanted and (block := fh.read(4 * MB)):
            while wanted and wanted[0] < at + len(block):
                offset = wanted.pop(0)
                lines[offset] = line + block.count(b"\n", 0, offset - at)
            line += block.count(b"\n")
            at += len(block)
    for offset in wanted:
        lines[offset] = line
    return lines


def _first_plain_utf8(path: str) -> int | None:
    """The offset of the first bytes that can only be UTF-8 (a second pass, for files that
    are not UTF-8 throughout). Blocks where no valid UTF-8 sequence is left once the invalid
    bytes are dropped are skipped without the slower search."""
    at, tail = 0, b""
    with open(path, "rb") as fh:
        while block := fh.read(4 * MB):
            data = tail + block
            found = not data.decode("utf-8", "ignore").isascii() and UTF8_PLAIN.search(data)
            if found:
                return at - len(tail) + found.start()
            at += len(block)
            tail = block[-3:]
    return None


def _check_utf16(path: str, encoding: str, limits: Limits) -> DatasetError | None:
    """Decode a UTF-16 file once; the first damaged character, NUL or long line, by line."""
    codec = "utf-16-be" if encoding == "utf-16-be" else "utf-16-le"
    line, carry, first, at = 1, b"", True, 0
    lengths = _LineLength(limits.max_line_chars)
    long_line = None
    with open(path, "rb") as fh:
        while block := fh.read(4 * MB):
            if first:
                first = False
                if block.startswith(codecs.BOM_UTF16_BE):
                    codec, block = "utf-16-be", block[2:]
                elif block.startswith(codecs.BOM_UTF16_LE):
                    block = block[2:]
            data, carry = carry + block, b""
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                if exc.end == len(data) and exc.reason in (
                    "truncated data",
                    "unexpected end of data",
                ):
                    carry, text = data[exc.start :], data[: exc.start].decode(codec)
                else:
                    line += data[: exc.start].decode(codec).count("\n")
                    return EncodingError(
                        f"Line {line} is not valid UTF-16 text: the file may be damaged. Export "
                        "the data again, or " + SAVE_AS_UTF8,
                        line,
                    )
            if (nul := text.find("\x00")) >= 0:
                return NulByteError(line + text.count("\n", 0, nul))
            lengths.add(text, at, "\n")
            if long_line is None and lengths.long_start is not None:
                # The long line started in this block or the one before: count back from here.
                long_line = line + text.count("\n", 0, max(0, lengths.long_start - at))
            line += text.count("\n")
            at += len(text)
    if long_line is not None:
        return LineTooLongError(long_line, file_size(lengths.limit))
    if carry:
        return EncodingError(
            f"The file ends in the middle of a character on line {line}: it may have been cut "
            "off. Export the data again and upload the new file.",
            line,
        )
    return None


def _encoding(path: str, head: bytes, limits: Limits) -> tuple[str, DatasetError | None]:
    """How the file's text is encoded, decided by reading all of it once (twice if it mixes
    encodings), and the first problem found, to raise once the file is known to be text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _check_utf16(path, "utf-16", limits)
    if b"\x00" in head and not head.startswith(codecs.BOM_UTF8):
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) // 2
        if odd > 0.3 * half and even <= max(2, 0.05 * half):
            return "utf-16-le", _check_utf16(path, "utf-16-le", limits)
        if even > 0.3 * half and odd <= max(2, 0.05 * half):
            return "utf-16-be", _check_utf16(path, "utf-16-be", limits)
    found = _read_bytes(path, limits)
    plain_utf8 = None
    if found.not_utf8 is not None and not head.startswith(codecs.BOM_UTF8):
        plain_utf8 = _first_plain_utf8(path)
    offsets = [found.nul, found.long_line, found.not_utf8, found.undefined, plain_utf8]
    lines = _lines_at(path, [o for o in offsets if o is not None])
    problem = None
    if found.nul is not None:
        problem = NulByteError(lines[found.nul])
    elif found.long_line is not None:
        problem = LineTooLongError(lines[found.long_line], file_size(limits.max_line_chars))
    if head.startswith(codecs.BOM_UTF8):
        if found.not_utf8 is None:
            return "utf-8-sig", problem
        line = lines[found.not_utf8]
        return "utf-8-sig", problem or EncodingError(
            f"Line {line} is not valid UTF-8 text, although the file starts with the UTF-8 "
            "marker: the file may be damaged or mix encodings. Open it, " + SAVE_AS_UTF8,
            line,
        )
    if found.not_utf8 is None:
        return "utf-8", problem
    if plain_utf8 is not None:
        line = max(lines[plain_utf8], lines[found.not_utf8])
        return "cp1252", problem or EncodingError(
            f"Line {line} uses a different character encoding from the lines before it (some "
            "lines are UTF-8, some are not), so accented letters and symbols would be read "
            "wrongly: open the file, " + SAVE_AS_UTF8,
            line,
        )
    if found.undefined is not None:
        line = lines[found.undefined]
        return "cp1252", problem or EncodingError(
            f"Line {line} holds bytes that are not text in UTF-8 or Windows-1252: the file may "
            "be damaged or in another encoding. Open it, " + SAVE_AS_UTF8,
            line,
        )
    return "cp1252", problem


def _looks_binary(text: str, encoding: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(2, len(sample) // 100):
        return True
    if encoding == "cp1252":  # random bytes decode as a run of accented letters and symbols
        high = sum(1 for ch in sample if ord(ch) > 127)
        return high >= 4 and high > 0.5 * len(sample)
    return False


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:60]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut short
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistency = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (consistency, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: str, head: bytes, limits: Limits) -> Table:
    encoding, problem = _encoding(path, head, limits)
    text = head.decode(encoding, errors="replace")
    if not text.strip().strip("\ufeff"):
        raise EmptyFileError("The file is empty: export the data again and upload the new file.")
    if _looks_binary(text, encoding):
        raise NotASpreadsheetError(
            "This file holds binary data, not text: it is not a spreadsheet. Upload a CSV or "
            "XLSX file."
        )
    start = text.lstrip("\ufeff \t\r\n")[:16].lower()
    for markup, message in MARKUP.items():
        if start.startswith(markup):
            raise NotASpreadsheetError(message)
    if problem is not None:
        raise problem
    info = SourceInfo(format="csv", encoding=encoding, delimiter=_sniff_delimiter(text))
    table = Table(path, [], info, limits)
    with _csv_file(table) as fh:
        reader = _csv_reader(table, fh)
        header = _next_filled(table, reader)
        if header is None:
            raise EmptyFileError("The file has no values in it: export the data again.")
        header, info.warnings = _clean_header(header, limits, "file")
        if _next_filled(table, reader) is None:
            raise NoRowsError(
                "The file has a header row but no rows of data under it: export the data "
                "again with its rows, then upload the new file."
            )
    table.header = header
    return table


def _next_filled(table: Table, reader) -> list[str] | None:
    """The next row with a value in it, or None at the end of the file."""
    last_line = reader.line_num
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                return row
            last_line = reader.line_num
    except csv.Error as exc:
        raise _csv_error(exc, table, reader, last_line) from exc
    except UnicodeDecodeError as exc:
        raise _decoding_error(reader.line_num + 1) from exc
    return None


def _csv_file(table: Table):
    return open(table.path, encoding=table.info.encoding, newline="", errors="strict")


def _csv_reader(table: Table, fh):
    csv.field_size_limit(table.limits.max_cell_chars)
    return csv.reader(fh, delimiter=table.info.delimiter, strict=True)


def _csv_error(exc: csv.Error, table: Table, reader, last_line: int) -> DatasetError:
    message = str(exc)
    if "field larger than field limit" in message:
        return CellTooLargeError(f"Line {reader.line_num}", table.limits.max_cell_chars)
    if "expected after" in message:
        return UnbalancedQuoteError(reader.line_num)
    return UnbalancedQuoteError(_line_after(table, last_line))


def _decoding_error(line: int) -> EncodingError:
    # The whole file was decoded when it was opened, so it changed since: ask for it again.
    return EncodingError(f"Line {line} could not be read as text: upload the file again.", line)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Parsing makes a list per row, none in a reference cycle, and the cycle collector, set off
    again and again by so many new lists, would add half as much again to the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _csv_chunks(table: Table, size: int) -> Iterator[list[list[str]]]:
    ncols = len(table.header)
    with _csv_file(table) as fh:
        reader = _csv_reader(table, fh)
        last_line = 0
        seen_header = False
        while True:
            try:
                with _cycle_collector_paused():
                    rows = list(itertools.islice(reader, size))
            except csv.Error as exc:
                raise _csv_error(exc, table, reader, last_line) from exc
            except UnicodeDecodeError as exc:
                raise _decoding_error(reader.line_num + 1) from exc
            if not rows:
                return
            if not seen_header:
                # Drop everything up to and including the header row (leading blank lines too).
                for i, row in enumerate(rows):
                    if row and any(cell.strip() for cell in row):
                        rows = rows[i + 1 :]
                        break
                seen_header = True
            bad = [i for i, row in enumerate(rows) if len(row) != ncols]
            if bad:
                kept = []
                for row in rows:
                    if len(row) == ncols:
                        kept.append(row)
                    elif not row or not any(row):
                        continue  # blank line
                    elif len(row) > ncols and not any(row[ncols:]):
                        kept.append(row[:ncols])  # trailing empty delimiters
                    else:
                        raise RaggedRowError(_row_line(table, row), len(row), ncols)
                rows = kept
            last_line = reader.line_num
            if rows:
                yield rows


def _line_after(table: Table, last_line: int) -> int:
    """The line where the row after ``last_line`` starts: where an unclosed quote was opened."""
    with _csv_file(table) as fh:
        reader = _csv_reader(table, fh)
        start = last_line + 1
        try:
            while True:
                start = reader.line_num + 1
                next(reader)
        except (csv.Error, StopIteration):
            return start


def _row_line(table: Table, target: list[str]) -> int:
    """Find the line of a ragged row by re-reading (only on the error path)."""
    ncols = len(table.header)
    with _csv_file(table) as fh:
        reader = _csv_reader(table, fh)
        for row in reader:
            if row is not None and row == target and len(row) != ncols:
                return reader.line_num
    return 0


# ---------------------------------------------------------------------------------------------
# XLSX


def _reject_ole2(path: str) -> None:
    markers = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
    with open(path, "rb") as fh:
        tail = b""
        while block := fh.read(4 * MB):
            window = tail + block
            if any(m in window for m in markers):
                raise PasswordProtectedError(
                    "This workbook is protected with a password: open it in Excel, remove the "
                    "password (File > Info > Protect Workbook), save it and upload it again."
                )
            tail = block[-64:]
    raise NotASpreadsheetError(
        "This is an old-format Excel (.xls) or other Office file: save it as .xlsx or CSV "
        "and upload it again."
    )


def _check_zip(path: str, limits: Limits) -> list[dict]:
    """Refuse what is not a plain workbook before any XML is parsed; return the warnings."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(infos, limits)
            if any(i.flag_bits & 0x1 for i in infos):
                raise PasswordProtectedError(
                    "This workbook is in a zip file protected with a password: save it as a "
                    "plain .xlsx without a password and upload it again."
                )
            names = {i.filename for i in infos}
            _check_kind(zf, names)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        start = fh.read(4096).upper()
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        raise XmlEntitiesError(ENTITIES)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise NotASpreadsheetError(
            "This file looks like a zip archive but is damaged: export it again as XLSX or CSV."
        ) from exc
    return _link_warnings(names)


def _link_warnings(names: set[str]) -> list[dict]:
    links = sum(1 for n in names if EXTERNAL_LINK.fullmatch(n))
    if links:
        what = f"links to {links} other workbook" + ("s" if links > 1 else "")
    elif "xl/connections.xml" in names:
        what = "connections to outside data"
    else:
        return []
    message = (
        f"This workbook has {what}. The links were not followed: the values read are the ones "
        "last saved in the file, which may be out of date. Check them, or paste the values in "
        "place of the links and upload the file again."
    )
    return [{"code": "external_links", "message": message}]


def _check_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    too_big = len(infos) > limits.max_zip_members or total > limits.max_uncompressed_bytes
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_applies_above and ratio > limits.max_compression_ratio:
            too_big = True
    if too_big:
        raise ZipBombError(
            "This workbook would expand to far more data than it holds (a possible zip bomb): "
            "export the data again as CSV."
        )


def _check_kind(zf: zipfile.ZipFile, names: set[str]) -> None:
    lower = [n.lower() for n in names]
    content_types = ""
    if "[Content_Types].xml" in names:
        with zf.open("[Content_Types].xml") as fh:
            content_types = fh.read(200_000).decode("utf-8", "ignore").lower()
    if any(n.endswith(VBA_PROJECT) or n.startswith(MACRO_FOLDERS) for n in lower) or (
        "macroenabled" in content_types
    ):
        raise MacroWorkbookError(
            "This workbook contains macros: save it as a plain Excel workbook (.xlsx) or CSV "
            "and upload it again."
        )
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        message = "This is a binary Excel workbook (.xlsb)"
    elif "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
        message = "This is an OpenDocument spreadsheet (.ods)"
    else:
        raise NotASpreadsheetError(
            "This zip file is not an Excel workbook: upload a CSV or XLSX file."
        )
    raise NotASpreadsheetError(f"{message}: save it as .xlsx or CSV and upload it again.")


def _xml_elements(zf: zipfile.ZipFile, member: str, local_name: str) -> Iterator:
    """The elements called ``local_name`` (any namespace) of one XML part, parsed safely."""
    if member not in zf.NameToInfo:
        return
    with zf.open(member) as fh:
        for _, element in iterparse(fh):
            if element.tag.rpartition("}")[2] == local_name:
                yield element


def _part_target(source: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name and the zip member holding its cells."""
    targets = {
        rel.get("Id"): _part_target("xl/workbook.xml", rel.get("Target", ""))
        for rel in _xml_elements(zf, "xl/_rels/workbook.xml.rels", "Relationship")
    }
    parts = {}
    for sheet in _xml_elements(zf, "xl/workbook.xml", "sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        if rid in targets:
            parts[sheet.get("name")] = targets[rid]
    return parts


def _formulas_without_values(path: str, title: str) -> Counter:
    """Formula cells with no saved result on one sheet, by column letter.

    openpyxl reads the saved results only, so these come out blank. A byte search over the
    sheet's XML finds them without parsing it; sheets without formulas cost one decompression.
    """
    counts: Counter = Counter()

    def count(part: bytes) -> None:
        if b"<f" in part or b":f" in part:
            for match in FORMULA_WITHOUT_VALUE.finditer(part):
                attributes = match.group(1) or b""
                if match.group(2) and TEXT_RESULT.search(attributes):
                    continue
                column = CELL_COLUMN.search(attributes)
                counts[column.group(1).decode() if column else "?"] += 1

    with zipfile.ZipFile(path) as zf:
        member = sheet_parts(zf).get(title)
        if member is None or member not in zf.NameToInfo:
            return counts
        with zf.open(member) as fh:
            carry = b""
            while block := fh.read(4 * MB):
                data = carry + block
                cut = data.rfind(b"row>") + 4  # whole rows only, so no cell is cut in two
                if cut < 4 and len(data) < 64 * MB:
                    carry = data
                    continue
                part, carry = (data[:cut], data[cut:]) if cut >= 4 else (data, b"")
                count(part)
            count(carry)
    return counts


def _formula_warnings(path: str, title: str) -> list[dict]:
    counts = _formulas_without_values(path, title)
    if not counts:
        return []
    total = sum(counts.values())
    letters = sorted((c for c in counts if c != "?"), key=column_index_from_string)
    where = f" in column{'s' if len(letters) > 1 else ''} {', '.join(letters)}" if letters else ""
    cells = "1 cell" if total == 1 else f"{total} cells"
    verb = "is a formula" if total == 1 else "are formulas"
    return [
        {
            "code": "formulas_without_values",
            "message": f"{cells}{where} {verb} with no saved result, so they are blank in the "
            "scan and in the redacted copy. Open the workbook in Excel, let it calculate, save "
            "it and upload it again.",
        }
    ]


def _unreadable(exc: Exception) -> DatasetError:
    """The error to show for an exception openpyxl raised (it wraps the parser's own)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return XmlEntitiesError(ENTITIES)
        cause = cause.__cause__ or cause.__context__
    return NotASpreadsheetError(DAMAGED_WORKBOOK)


def _load_workbook(path: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise _unreadable(exc) from exc


def _choose_sheet(wb, sheet: str | int | None):
    sheets = wb.worksheets
    if not sheets:
        raise EmptyFileError("The workbook has no worksheets: add the data to a sheet.")
    if sheet is None:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        return (visible or sheets)[0]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
        index = int(sheet)
        if 0 <= index < len(sheets):
            return sheets[index]
    else:
        for ws in sheets:
            if ws.title == sheet:
                return ws
    raise UnknownSheetError(
        "The workbook has no sheet by that name: choose one of "
        + ", ".join(repr(ws.title) for ws in sheets)
        + "."
    )


def _blank(values: tuple) -> bool:
    if values.count(None) == len(values):
        return True
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def sheet_rows(ws) -> Iterator[tuple[int, tuple]]:
    """A worksheet's rows that hold a value, with their row numbers.

    The size the sheet declares is ignored (a crafted ``A1:XFD1048576`` would pad every row to
    16,384 cells and add a million empty rows), and damaged XML becomes a ``DatasetError``.
    """
    ws.reset_dimensions()
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if values and not _blank(values):
                yield number, values
    except Exception as exc:  # a parser error, a bad zip member, an impossible value
        raise _unreadable(exc) from exc


def _open_xlsx(path: str, sheet: str | int | None, limits: Limits) -> Table:
    warnings = _check_zip(path, limits)
    wb = _load_workbook(path)
    try:
        ws = _choose_sheet(wb, sheet)
        info = SourceInfo(
            format="xlsx",
            sheet=ws.title,
            sheets=[{"name": s.title, "state": s.sheet_state} for s in wb.worksheets],
        )
        header, has_rows = None, False
        for _, values in sheet_rows(ws):
            if header is not None:
                has_rows = True
                break
            header = [_cell_text(v) for v in values]
    finally:
        wb.close()
    if header is None:
        raise EmptyFileError(f"The sheet {ws.title!r} is empty: choose the sheet with the data.")
    header, header_warnings = _clean_header(header, limits, "sheet")
    if not has_rows:
        raise NoRowsError(
            f"The sheet {ws.title!r} has a header row but no rows of data under it: choose the "
            "sheet with the data, or add its rows and upload the file again."
        )
    try:
        formulas = _formula_warnings(path, ws.title)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise NotASpreadsheetError(DAMAGED_WORKBOOK) from exc
    info.warnings = warnings + header_warnings + formulas
    return Table(path, header, info, limits)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_chunks(table: Table, size: int) -> Iterator[list[list[str]]]:
    wb = _load_workbook(table.path)
    try:
        ws = _choose_sheet(wb, table.info.sheet)
        ncols = len(table.header)
        limit = table.limits.max_cell_chars
        rows: list[list[str]] = []
        seen_header = False
        for number, values in sheet_rows(ws):
            if not seen_header:
                seen_header = True
                continue
            if len(values) > ncols and values[ncols:].count(None) != len(values) - ncols:
                found = max(i for i, v in enumerate(values) if v is not None) + 1
                raise RaggedRowError(number, found, ncols)
            row = [_cell_text(v) for v in values[:ncols]]
            if len(row) < ncols:
                row.extend([""] * (ncols - len(row)))
            if max(map(len, row)) > limit:
                raise CellTooLargeError(f"Row {number}", limit)
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
        if rows:
            yield rows
    finally:
        wb.close()
