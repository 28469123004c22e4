"""Open a CSV or XLSX file decided by its content and hand out its rows in bounded chunks.

Every pass over the data calls ``Table.chunks()`` again, which re-reads the file from the start: the
whole file is never held in memory. Cells come back as strings ("" for empty); blank rows are
skipped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import (
    EmptyFileError,
    FileTooLargeError,
    MacroWorkbookError,
    NotASpreadsheetError,
    PasswordProtectedError,
    RaggedRowError,
    TooManyColumnsError,
    UnbalancedQuoteError,
    UnknownSheetError,
    ZipBombError,
)

MB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = [",", ";", "\t", "|"]
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


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


@dataclass
class SourceInfo:
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "sheets": self.sheets,
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


def open_table(path: str, *, sheet: str | int | None = None, limits: Limits | None = None) -> Table:
    """Check the file and read its header. Raises a ``DatasetError`` subclass on a bad file."""
    limits = limits or Limits()
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise NotASpreadsheetError("The file could not be opened: check the path.") from exc
    if size == 0:
        raise EmptyFileError("The file is empty: export the data again and upload the new file.")
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {size / MB:.0f} MB but the limit is {limits.max_bytes / MB:.0f} MB: "
            "remove columns or rows you do not need, or split it into smaller files."
        )
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
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
# CSV


def _detect_encoding(path: str, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
        raise NotASpreadsheetError(
            "This file holds binary data, not text: upload a CSV or XLSX file."
        )
    # One streaming pass: is the whole file valid UTF-8, and if not, is it cp1252?
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, cp1252_ok = True, True
    with open(path, "rb") as fh:
        while block := fh.read(4 * MB):
            if utf8_ok:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if cp1252_ok and CP1252_UNDEFINED.search(block):
                cp1252_ok = False
            if not utf8_ok and not cp1252_ok:
                break
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return "cp1252" if cp1252_ok else "latin-1"


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
    encoding = _detect_encoding(path, head)
    text = head.decode(encoding, errors="ignore")
    if not text.strip().strip("\ufeff"):
        raise EmptyFileError("The file is empty: export the data again and upload the new file.")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(2, len(text[:8192]) // 100):
        raise NotASpreadsheetError(
            "This file holds binary data, not text: upload a CSV or XLSX file."
        )
    info = SourceInfo(format="csv", encoding=encoding, delimiter=_sniff_delimiter(text))
    table = Table(path, [], info, limits)
    with _csv_file(table) as fh:
        reader = _csv_reader(fh, info.delimiter)
        header = None
        try:
            for row in reader:
                if row and any(cell.strip() for cell in row):
                    header = row
                    break
        except csv.Error as exc:
            raise UnbalancedQuoteError(1) from exc
    if header is None:
        raise EmptyFileError("The file has no header row: add a first row naming the columns.")
    while len(header) > 1 and header[-1] == "":
        header = header[:-1]
    if len(header) > limits.max_columns:
        raise TooManyColumnsError(
            f"The file has {len(header)} columns but the limit is {limits.max_columns}: "
            "remove the columns you do not need."
        )
    table.header = header
    return table


def _csv_file(table: Table):
    return open(table.path, encoding=table.info.encoding, newline="", errors="strict")


def _csv_reader(fh, delimiter: str):
    return csv.reader(fh, delimiter=delimiter, strict=True)


def _csv_chunks(table: Table, size: int) -> Iterator[list[list[str]]]:
    csv.field_size_limit(table.limits.max_cell_chars)
    ncols = len(table.header)
    with _csv_file(table) as fh:
        reader = _csv_reader(fh, table.info.delimiter)
        last_line = 0
        seen_header = False
        while True:
            try:
                rows = list(itertools.islice(reader, size))
            except csv.Error as exc:
                message = str(exc)
                if "expected after" in message:
                    raise UnbalancedQuoteError(reader.line_num) from exc
                raise UnbalancedQuoteError(_line_after(table, last_line)) from exc
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
        reader = _csv_reader(fh, table.info.delimiter)
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
        reader = _csv_reader(fh, table.info.delimiter)
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


def _check_zip(path: str, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            content_types = ""
            if "[Content_Types].xml" in names:
                content_types = zf.read("[Content_Types].xml")[:200_000].decode("utf-8", "ignore")
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotASpreadsheetError(
            "This file looks like a zip archive but is damaged: export it again as XLSX or CSV."
        ) from exc
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        "macroenabled" in content_types.lower()
    ):
        raise MacroWorkbookError(
            "This workbook contains macros: save it as a plain Excel workbook (.xlsx) or CSV "
            "and upload it again."
        )
    if "xl/workbook.xml" not in names:
        raise NotASpreadsheetError(
            "This zip file is not an Excel workbook: upload a CSV or XLSX file."
        )
    total = sum(i.file_size for i in infos)
    if len(infos) > limits.max_zip_members or total > limits.max_uncompressed_bytes:
        raise ZipBombError(
            "This workbook would expand to far more data than it holds (a possible zip bomb): "
            "export the data again as CSV."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_applies_above and ratio > limits.max_compression_ratio:
            raise ZipBombError(
                "This workbook would expand to far more data than it holds (a possible zip "
                "bomb): export the data again as CSV."
            )


def _load_workbook(path: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise NotASpreadsheetError(
            "This workbook could not be opened; it may be damaged: open it in Excel, save it "
            "again as .xlsx and upload the new file."
        ) from exc


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


def _open_xlsx(path: str, sheet: str | int | None, limits: Limits) -> Table:
    _check_zip(path, limits)
    wb = _load_workbook(path)
    try:
        ws = _choose_sheet(wb, sheet)
        info = SourceInfo(
            format="xlsx",
            sheet=ws.title,
            sheets=[{"name": s.title, "state": s.sheet_state} for s in wb.worksheets],
        )
        header = None
        for row in ws.iter_rows(values_only=True):
            if row and any(v is not None and str(v).strip() for v in row):
                header = [_cell_text(v) for v in row]
                break
    finally:
        wb.close()
    if header is None:
        raise EmptyFileError(f"The sheet {ws.title!r} is empty: choose the sheet with the data.")
    while len(header) > 1 and header[-1] == "":
        header = header[:-1]
    if len(header) > limits.max_columns:
        raise TooManyColumnsError(
            f"The sheet has {len(header)} columns but the limit is {limits.max_columns}: "
            "remove the columns you do not need."
        )
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
        rows: list[list[str]] = []
        seen_header = False
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if not values or all(
                v is None or (isinstance(v, str) and not v.strip()) for v in values
            ):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(values) > ncols and any(v is not None for v in values[ncols:]):
                found = max(i for i, v in enumerate(values) if v is not None) + 1
                raise RaggedRowError(number, found, ncols)
            row = [_cell_text(v) for v in values[:ncols]]
            if len(row) < ncols:
                row.extend([""] * (ncols - len(row)))
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
        if rows:
            yield rows
    finally:
        wb.close()
