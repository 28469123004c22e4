"""The bad-upload corpus: every file is generated here, small, each with what the uploader sees.

A case with ``message`` is refused with that message (which names the line or column where there
is one); a case without is accepted, read correctly, and may carry a warning (``warning``). The
reader tests open every case (tests/scanning/test_reader.py); the upload tests send every case
through the upload page (tests/test_datasets.py). Big files are simulated by lowering the limit
(``max_bytes``) rather than written out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from openpyxl.comments import Comment

MB = 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROWS = "name,town\nZoë Brontë,Café £5\nTom Jones,Hull\n"


@dataclass(frozen=True)
class BadUpload:
    name: str
    filename: str
    make: Callable[[], bytes]
    message: str | None = None  # part of the error shown; None: the file is accepted
    warning: str | None = None  # part of a warning shown for an accepted file
    max_bytes: int | None = None  # a lowered size limit, to stand for a huge file
    rows: list[list[str]] | None = None  # what an accepted file reads as (after its header)


# --- Workbooks ---------------------------------------------------------------------------------


def workbook(
    *sheets: tuple[str, list[list], str],
    comments: dict[tuple[str, str], str] | None = None,
) -> bytes:
    """An .xlsx with sheets given as (title, rows, state); comments keyed by (sheet, cell)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    for (title, cell), text in (comments or {}).items():
        wb[title][cell].comment = Comment(text, "Case worker")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


VISITS = [["name", "amount"], ["Grace Smith", 5], ["Tom Jones", 7]]
CONTACTS = [
    ["full name", "email", "nhs number"],
    ["Grace Smith", "grace.smith@example.com", "943 476 5919"],
    ["Tom Jones", "tom.jones@example.org", "401 023 2137"],
    ["Amir Khan", "amir.khan@example.net", "485 777 3457"],
]


def simple_workbook() -> bytes:
    return workbook(("Visits", VISITS, "visible"))


def rewrite(data: bytes, changes: dict[str, Callable[[bytes], bytes] | bytes]) -> bytes:
    """A copy of a zip with members changed (a callable is given the old bytes) or added."""
    wanted = dict(changes)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info)
            change = wanted.pop(info.filename, None)
            if change is not None:
                body = change(body) if callable(change) else change
            new.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in wanted.items():
            new.writestr(name, body)
    return out.getvalue()


def with_member(data: bytes, name: str, body: bytes, **kw) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", **kw) as zf:
        zf.writestr(name, body)
    return buffer.getvalue()


def _sheet_xml(change: Callable[[bytes], bytes]) -> bytes:
    return rewrite(simple_workbook(), {"xl/worksheets/sheet1.xml": change})


def entity_bomb() -> bytes:
    entities = (
        b'<!ENTITY a "'
        + b"x" * 100
        + b'">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
            for i in range(8)
        )
    )
    return _sheet_xml(
        lambda xml: xml.replace(
            b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1
        ).replace(b"<v>5</v>", b"<v>&i;</v>")
    )


def padded_external_entity() -> bytes:
    """An external entity declared after 8 KB of comments: past the quick look at each part."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    padding = b"<!--" + b" " * 8192 + b"-->"
    return _sheet_xml(lambda xml: xml.replace(b"<worksheet", padding + doctype + b"<worksheet", 1))


def huge_dimension() -> bytes:
    return _sheet_xml(
        lambda xml: xml.replace(b'<dimension ref="A1:B3"/>', b'<dimension ref="A1:XFD1048576"/>')
    )


def external_links() -> bytes:
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships" r:id="rId1"/></externalLink>'
    )
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="file:///C:/Finance/budget.xlsx" '
        b'TargetMode="External"/></Relationships>'
    )
    return rewrite(
        simple_workbook(),
        {
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )


def formulas_without_values() -> bytes:
    rows = [["name", "amount", "total"], ["Grace Smith", 5, "=B2*2"], ["Tom Jones", 7, "=B3*2"]]
    return workbook(("Visits", rows, "visible"))


def macro_content_type() -> bytes:
    """An .xlsm (macro-enabled) renamed .xlsx, its macros already removed."""
    return rewrite(
        simple_workbook(),
        {
            "[Content_Types].xml": lambda x: x.replace(
                b"sheet.main+xml", b"sheet.macroEnabled.main+xml"
            )
        },
    )


def macro_workbook() -> bytes:
    return with_member(simple_workbook(), "xl/vbaProject.bin", b"macro")


def macro_sheet() -> bytes:
    """An Excel 4.0 macro sheet: macros without a VBA project."""
    return with_member(simple_workbook(), "xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>")


def xlsb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buffer.getvalue()


def ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bomb() -> bytes:
    return with_member(
        simple_workbook(),
        "xl/media/pad.bin",
        b"\x00" * (60 * MB),
        compression=zipfile.ZIP_DEFLATED,
    )


def encrypted_zip_member() -> bytes:
    data = bytearray(simple_workbook())
    # Set the "encrypted" flag of every member, as a zip password would.
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8] |= 0x1
        at += 4
    return bytes(data)


def cut_off_workbook() -> bytes:
    data = simple_workbook()
    return data[: len(data) * 2 // 3]


def ragged_workbook() -> bytes:
    rows = [["name", "amount"], ["Grace Smith", 5], ["Tom Jones", 7, None, "stray"]]
    return workbook(("Visits", rows, "visible"))


# --- Text files --------------------------------------------------------------------------------


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def pdf() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20


def random_bytes() -> bytes:
    """Binary noise with no NUL and no line break: read naively, one column of no rows."""
    seed, out = 12345, bytearray()
    for _ in range(4096):
        seed = (seed * 1103515245 + 12345) % 2**31
        out.append(128 + seed % 128)
    return bytes(out)


def mixed_encodings() -> bytes:
    return "name,town\nZoë,Café\n".encode("cp1252") + "Renée,Zürich €\n".encode()


def invalid_bytes_mid_file() -> bytes:
    good = "name,town\n" + "Zoë Brontë,Café\n" * 200
    return good.encode() + b"Tom \x81Jones,Hull\n" + b"Ann Lee,York\n" * 5


def nul_bytes() -> bytes:
    return b"name,town\nGrace Smith,Hull\nTom\x00Jones,York\nAnn Lee,Leeds\n"


def columns(n: int) -> bytes:
    return (",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n").encode()


def big_cell() -> bytes:
    return b"name,note\nGrace Smith," + b"x" * (2 * MB) + b"\nTom Jones,short\n"


def refused(name: str, filename: str, make: Callable[[], bytes], message: str, **kw) -> BadUpload:
    return BadUpload(name, filename, make, message=message, **kw)


def accepted(name: str, filename: str, make: Callable[[], bytes], rows, **kw) -> BadUpload:
    return BadUpload(name, filename, make, rows=rows, **kw)


def encoded(codec: str, prefix: bytes = b"") -> Callable[[], bytes]:
    return lambda: prefix + ROWS.encode(codec)


def utf16_lone_surrogate() -> bytes:
    return ROWS.encode("utf-16-le") + b"\x00\xdc" + "Ann,York\n".encode("utf-16-le")


def web_page() -> bytes:
    return b"<!DOCTYPE html><html><table><tr><td>name</td></tr></table></html>"


def xml_spreadsheet() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    )


def invisible_header_characters() -> bytes:
    return "na\u200bme,\u202etown\nGrace Smith,Hull\n".encode()


def right_to_left_headers() -> bytes:
    return "الاسم,עיר\nGrace Smith,Hull\n".encode()


def password_protected() -> bytes:
    return OLE2 + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")


def old_xls() -> bytes:
    return OLE2 + b"\x00" * 500 + "Workbook".encode("utf-16-le")


def hidden_sheet(state: str) -> Callable[[], bytes]:
    return lambda: workbook(("Visits", VISITS, "visible"), ("Contacts", CONTACTS, state))


def commented() -> bytes:
    note = "Grace Smith rang from 07700 900123 about this"
    return workbook(("Visits", VISITS, "visible"), comments={("Visits", "B2"): note})


def wide_sheet() -> bytes:
    return workbook(("Visits", [[f"c{i}" for i in range(10_000)], [1] * 10_000], "visible"))


READ = [["Zoë Brontë", "Café £5"], ["Tom Jones", "Hull"]]
READ_BOOK = [["Grace Smith", "5"], ["Tom Jones", "7"]]
MIXED = "uses a different character encoding"

CORPUS = [
    # Encodings: read correctly when they can be, refused with the line when they cannot.
    accepted("cp1252", "visits.csv", encoded("cp1252"), READ),
    accepted("UTF-8 with BOM", "visits.csv", encoded("utf-8-sig"), READ),
    accepted("UTF-16 LE with BOM", "visits.csv", encoded("utf-16"), READ),
    accepted("UTF-16 BE with BOM", "visits.csv", encoded("utf-16-be", b"\xfe\xff"), READ),
    accepted("UTF-16 LE without BOM", "visits.csv", encoded("utf-16-le"), READ),
    accepted("UTF-16 BE without BOM", "visits.csv", encoded("utf-16-be"), READ),
    refused("mixed UTF-8 and Windows-1252", "visits.csv", mixed_encodings, f"Line 3 {MIXED}"),
    refused("invalid bytes mid-file", "visits.csv", invalid_bytes_mid_file, f"Line 202 {MIXED}"),
    refused(
        "bytes no encoding holds",
        "visits.csv",
        lambda: b"name,town\nTom,Hull\nAnn \x81\x8d,York\n",
        "Line 3 holds bytes that are not text",
    ),
    refused(
        "UTF-8 BOM with invalid bytes",
        "visits.csv",
        lambda: b"\xef\xbb\xbfname,town\nTom,Hull\nAnn \xe9,York\n",
        "Line 3 is not valid UTF-8 text",
    ),
    refused(
        "UTF-16 cut mid-character",
        "visits.csv",
        lambda: ROWS.encode("utf-16") + b"\x41",
        "ends in the middle of a character on line 4",
    ),
    refused(
        "UTF-16 lone surrogate", "visits.csv", utf16_lone_surrogate, "Line 4 is not valid UTF-16"
    ),
    refused("NUL bytes", "visits.csv", nul_bytes, "Line 3 holds a NUL character"),
    # Not spreadsheets at all.
    refused("PNG renamed .csv", "visits.csv", png, "This file is a PNG image, not a spreadsheet"),
    refused("PDF renamed .csv", "visits.csv", pdf, "This file is a PDF document, not a"),
    refused("random binary", "visits.csv", random_bytes, "binary data, not text: it is not a"),
    refused("web page named .xls", "visits.xls", web_page, "This file is a web page (HTML)"),
    refused("XML spreadsheet", "visits.xml", xml_spreadsheet, "This file is XML"),
    # Empty, header only, headers.
    refused("empty file", "visits.csv", lambda: b"", "The file is empty"),
    refused("blank lines only", "visits.csv", lambda: b"  \r\n\r\n\t\n", "The file is empty"),
    refused("header only", "visits.csv", lambda: b"name,town\r\n", "header row but no rows"),
    refused(
        "duplicate headers",
        "visits.csv",
        lambda: b"name,town,Name\nA,B,C\n",
        "Columns 1 (A) and 3 (C) have the same name",
    ),
    refused(
        "blank header",
        "visits.csv",
        lambda: b"name,,town\nA,B,C\n",
        "Column 2 (B) has no name in the header row",
    ),
    accepted(
        "zero-width and right-to-left marks in headers",
        "visits.csv",
        invisible_header_characters,
        [["Grace Smith", "Hull"]],
        warning="were removed from the name of columns 1 (A) and 2 (B)",
    ),
    accepted(
        "right-to-left headers", "visits.csv", right_to_left_headers, [["Grace Smith", "Hull"]]
    ),
    # Broken structure, and too much of it.
    refused(
        "ragged rows",
        "visits.csv",
        lambda: b"a,b,c\n1,2,3\n4,5\n6,7,8\n",
        "Row 3 has 2 values but the header has 3",
    ),
    refused(
        "unbalanced quotes",
        "visits.csv",
        lambda: b'a,b\n1,2\n3,"oops\n5,6\n',
        "A quote opened at line 3 is never closed",
    ),
    refused("a huge cell", "visits.csv", big_cell, "Line 2 holds a cell longer than 1,000,000"),
    refused("10,000 columns", "visits.csv", lambda: columns(10_000), "has 10000 columns but"),
    refused(
        "oversized file",
        "visits.csv",
        lambda: b"a,b\n" + b"1,2\n" * 600,
        "larger than the limit of 2 KB",
        max_bytes=2048,
    ),
    # Workbooks.
    refused("XLSX zip bomb", "visits.xlsx", zip_bomb, "a possible zip bomb"),
    refused("XML entity expansion", "visits.xlsx", entity_bomb, "declares XML entities"),
    refused("external entity", "visits.xlsx", padded_external_entity, "declares XML entities"),
    refused("macro workbook", "visits.xlsx", macro_workbook, "contains macros"),
    refused(".xlsm renamed .xlsx", "visits.xlsx", macro_content_type, "contains macros"),
    refused("Excel 4 macro sheet", "visits.xlsx", macro_sheet, "contains macros"),
    refused("password-protected", "visits.xlsx", password_protected, "protected with a password"),
    refused("zip with a password", "visits.xlsx", encrypted_zip_member, "with a password"),
    refused(".xls renamed .xlsx", "visits.xlsx", old_xls, "old-format Excel (.xls)"),
    refused(".xlsb renamed .xlsx", "visits.xlsx", xlsb, "binary Excel workbook (.xlsb)"),
    refused(".ods renamed .xlsx", "visits.xlsx", ods, "OpenDocument spreadsheet (.ods)"),
    refused(".docx renamed .xlsx", "visits.xlsx", docx, "This zip file is not an Excel workbook"),
    refused("workbook cut off", "visits.xlsx", cut_off_workbook, "zip archive but is damaged"),
    accepted("huge declared sheet dimension", "visits.xlsx", huge_dimension, READ_BOOK),
    refused("ragged workbook row", "visits.xlsx", ragged_workbook, "Row 3 has 4 values but"),
    refused(
        "header-only sheet",
        "visits.xlsx",
        lambda: workbook(("Visits", [["name", "town"]], "visible")),
        "header row but no rows",
    ),
    refused(
        "empty sheet",
        "visits.xlsx",
        lambda: workbook(("Visits", [], "visible")),
        "The sheet 'Visits' is empty",
    ),
    refused("10,000 columns in a sheet", "visits.xlsx", wide_sheet, "The sheet has 10000 columns"),
    accepted("hidden sheet", "visits.xlsx", hidden_sheet("hidden"), READ_BOOK),
    accepted("very hidden sheet", "visits.xlsx", hidden_sheet("veryHidden"), READ_BOOK),
    accepted("comments holding names", "visits.xlsx", commented, READ_BOOK),
    accepted(
        "external links",
        "visits.xlsx",
        external_links,
        READ_BOOK,
        warning="This workbook has links to 1 other workbook",
    ),
    accepted(
        "formulas without saved values",
        "visits.xlsx",
        formulas_without_values,
        [["Grace Smith", "5", ""], ["Tom Jones", "7", ""]],
        warning="2 cells in column C are formulas with no saved result",
    ),
]
