"""What a workbook holds besides the sheet being scanned: its other sheets, hidden or not, and
its comments and notes.

The redacted copy is a CSV of the chosen sheet, so none of this reaches analysts; but the stored
raw file holds it, so the report says what is there: the personal-data types found and how many
cells or comments hold each, never a value.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections import Counter
from typing import TYPE_CHECKING

from .errors import DatasetError, EmptyFileError, NoRowsError
from .freetext import TextScrubber
from .names import NameIndex
from .patterns import PII_TYPES
from .reader import Table, _cell_text, _load_workbook, _xml_elements, sheet_rows

if TYPE_CHECKING:
    from .engine import ColumnState, ScanOptions

# Comment parts by content type, and the element holding one comment's text in each.
COMMENT_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml": "comment",
    "application/vnd.ms-excel.threadedcomments+xml": "threadedComment",
}
BATCH = 10_000


def scan_other_parts(path: str, table: Table, options: ScanOptions, names: NameIndex) -> dict:
    """Personal data in a workbook's other sheets and in its comments (nothing for a CSV).

    Each other sheet is scanned as a table with the same engine; a sheet that is not laid out
    as one (no single header, ragged rows) has every cell read as free text instead. ``names``
    are the names learned from the chosen sheet, so a resident named there is found in a note.
    """
    if table.info.format != "xlsx":
        return {}
    sheets = [
        _other_sheet(path, sheet, options)
        for sheet in table.info.sheets
        if sheet["name"] != table.info.sheet
    ]
    return {"sheets": sheets, "comments": _comments(path, names)}


def _ordered(counts: Counter) -> dict[str, int]:
    return {t: counts[t] for t in PII_TYPES if counts.get(t)}


def _types_of(columns: list[ColumnState]) -> Counter:
    counts: Counter = Counter()
    for column in columns:
        if column.profile.kind in PII_TYPES:
            counts[column.profile.kind] += column.matches
        else:
            counts.update(column.type_counts)  # free text and mixed columns, per span found
    return counts


def _other_sheet(path: str, sheet: dict, options: ScanOptions) -> dict:
    from .engine import scan  # noqa: PLC0415 (the engine calls this module)

    entry = {"name": sheet["name"], "state": sheet["state"], "rows": 0, "types": {}}
    inner = dataclasses.replace(
        options,
        sheet=sheet["name"],
        other_parts=False,
        prepare_redact=False,
        quasi_identifiers=[],
        households_path=None,
        workers=1,
        progress=None,
    )
    try:
        result = scan(path, inner)
    except (EmptyFileError, NoRowsError):
        return entry
    except DatasetError:
        rows, counts = _cells(path, sheet["name"])
        entry.update(rows=rows, types=_ordered(counts), read_as="cells")
        return entry
    result.close()
    entry.update(rows=result.report["rows"], types=_ordered(_types_of(result.columns)))
    return entry


def _cells(path: str, title: str) -> tuple[int, Counter]:
    """Every cell of a sheet read as free text: for sheets that are not one table."""
    scrubber = TextScrubber(NameIndex(), find_names=True)
    rows, batch = 0, []
    wb = _load_workbook(path)
    try:
        for _, values in sheet_rows(wb[title]):
            rows += 1
            batch.extend(text for v in values if v is not None and (text := _cell_text(v)))
            if len(batch) >= BATCH:
                scrubber.scrub(batch)
                batch = []
        scrubber.scrub(batch)
    finally:
        wb.close()
    return rows, scrubber.counts


def _comment_texts(path: str) -> list[str]:
    texts = []
    with zipfile.ZipFile(path) as zf:
        parts = {
            override.get("PartName", "").lstrip("/"): COMMENT_PARTS[override.get("ContentType")]
            for override in _xml_elements(zf, "[Content_Types].xml", "Override")
            if override.get("ContentType") in COMMENT_PARTS
        }
        for part, element in parts.items():
            for comment in _xml_elements(zf, part, element):
                text = "".join(
                    node.text or ""
                    for node in comment.iter()
                    if node.tag.rpartition("}")[2] in ("t", "text") and node is not comment
                )
                if text.strip():
                    texts.append(text)
                comment.clear()
    return texts


def _comments(path: str, names: NameIndex) -> dict:
    try:
        texts = _comment_texts(path)
    except Exception:  # damaged comment parts: the sheet itself was readable, so say so
        return {"count": 0, "types": {}, "unreadable": True}
    scrubber = TextScrubber(names, find_names=True)
    scrubbed = scrubber.scrub(texts)
    holding = sum(1 for a, b in zip(texts, scrubbed, strict=True) if a != b)
    return {"count": len(texts), "with_personal_data": holding, "types": _ordered(scrubber.counts)}
