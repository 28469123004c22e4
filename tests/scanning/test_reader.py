"""The reader on good and bad files: each bad file gives its own clear error.

The corpus of bad uploads lives in tests/bad_inputs.py (the upload tests send it through the
upload page too); the tests below it cover what the corpus does not show on its own.
"""

import codecs
import io
import time
import zipfile

import openpyxl
import pytest

from safety.scanning import DatasetError, Limits, open_table
from safety.scanning import errors as e
from tests.bad_inputs import CORPUS, MB, BadUpload

ROWS = "name,amount\nGrace Smith,-5\nTom Jones,250\n"


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _rows(path, **kw):
    table = open_table(path, **kw)
    return table.header, [row for chunk in table.chunks(2) for row in chunk]


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_the_bad_upload_corpus(tmp_path, case: BadUpload):
    path = _write(tmp_path, case.filename, case.make())
    limits = Limits(max_bytes=case.max_bytes) if case.max_bytes else Limits()
    if case.message:
        with pytest.raises(DatasetError) as raised:
            _rows(path, limits=limits)
        assert case.message in raised.value.message
        assert "\n" not in raised.value.message
        return
    table = open_table(path, limits=limits)
    rows = [row for chunk in table.chunks(2) for row in chunk]
    assert case.rows is None or rows == case.rows
    warnings = " ".join(w["message"] for w in table.info.warnings)
    assert (case.warning in warnings) if case.warning else not warnings


def test_the_corpus_covers_the_issue():
    assert len(CORPUS) >= 40
    assert len({case.name for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("utf-16", b"")],
)
def test_encodings_decided_by_content(tmp_path, encoding, prefix):
    text = "name,town\nZoë Brontë,Café £5\nA,B\n"
    path = _write(tmp_path, "x.txt", prefix + text.encode(encoding))
    header, rows = _rows(path)
    assert header == ["name", "town"]
    assert rows[0] == ["Zoë Brontë", "Café £5"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed(tmp_path, delimiter):
    path = _write(tmp_path, "x.csv", ROWS.replace(",", delimiter).encode())
    header, rows = _rows(path)
    assert header == ["name", "amount"] and rows == [["Grace Smith", "-5"], ["Tom Jones", "250"]]


def _xlsx(tmp_path, hidden=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Visible"
    ws.append(["name", "amount"])
    ws.append(["Grace Smith", -5])
    other = wb.create_sheet("Secret")
    other.append(["email"])
    other.append(["a@example.com"])
    if hidden:
        other.sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return str(path)


def test_xlsx_sheets_including_hidden(tmp_path):
    path = _xlsx(tmp_path, hidden=True)
    header, rows = _rows(path)
    assert header == ["name", "amount"] and rows == [["Grace Smith", "-5"]]
    table = open_table(path)
    assert {"name": "Secret", "state": "hidden"} in table.info.sheets
    header, rows = _rows(path, sheet="Secret")
    assert rows == [["a@example.com"]]
    with pytest.raises(e.UnknownSheetError):
        open_table(path, sheet="Nope")


def test_empty_file(tmp_path):
    with pytest.raises(e.EmptyFileError, match="empty"):
        open_table(_write(tmp_path, "x.csv", b""))
    with pytest.raises(e.EmptyFileError):
        open_table(_write(tmp_path, "y.csv", b"  \n\n"))


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4 blah", b"\x89PNG\r\n\x1a\n....", b"\x00\x01\x02\x03" * 100]
)
def test_not_a_spreadsheet(tmp_path, data):
    with pytest.raises(e.NotASpreadsheetError, match="CSV or XLSX"):
        open_table(_write(tmp_path, "x.csv", data))


def test_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
    with pytest.raises(e.NotASpreadsheetError, match="not an Excel workbook"):
        open_table(_write(tmp_path, "x.xlsx", buf.getvalue()))


def test_ragged_row_reports_its_row(tmp_path):
    path = _write(tmp_path, "x.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n")
    with pytest.raises(e.RaggedRowError, match="Row 3 has 2 values but the header has 3"):
        _rows(path)


def test_trailing_empty_delimiters_are_not_ragged(tmp_path):
    header, rows = _rows(_write(tmp_path, "x.csv", b"a,b\n1,2,\n"))
    assert rows == [["1", "2"]]


def test_unbalanced_quote_reports_its_line(tmp_path):
    path = _write(tmp_path, "x.csv", b'a,b\n1,2\n3,"oops\n5,6\n7,8\n')
    with pytest.raises(e.UnbalancedQuoteError, match="line 3"):
        _rows(path)


def test_password_protected_workbook(tmp_path):
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(e.PasswordProtectedError, match="password"):
        open_table(_write(tmp_path, "x.xlsx", data))


def test_old_xls_is_explained(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    with pytest.raises(e.NotASpreadsheetError, match=".xls"):
        open_table(_write(tmp_path, "x.xls", data))


def test_too_large(tmp_path):
    path = _write(tmp_path, "x.csv", ROWS.encode() * 10)
    with pytest.raises(e.FileTooLargeError, match="limit"):
        open_table(path, limits=Limits(max_bytes=100))


def test_too_many_columns(tmp_path):
    header = ",".join(f"c{i}" for i in range(20))
    path = _write(tmp_path, "x.csv", (header + "\n" + ",".join("1" * 20) + "\n").encode())
    with pytest.raises(e.TooManyColumnsError, match="20 columns"):
        open_table(path, limits=Limits(max_columns=10))


def test_zip_bomb_checked_before_opening(tmp_path):
    path = _xlsx(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * (3 * 1024 * 1024))
    with pytest.raises(e.ZipBombError, match="zip bomb"):
        open_table(path, limits=Limits(ratio_applies_above=1024 * 1024))
    with pytest.raises(e.ZipBombError):
        open_table(path, limits=Limits(max_uncompressed_bytes=1024 * 1024))


def test_macro_workbook(tmp_path):
    path = _xlsx(tmp_path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(e.MacroWorkbookError, match="macros"):
        open_table(path)


def test_error_messages_never_contain_cell_values(tmp_path):
    path = _write(tmp_path, "x.csv", b"a,b\nGrace Smith,07700 900123,extra\n")
    with pytest.raises(e.RaggedRowError) as info:
        _rows(path)
    assert "Grace" not in str(info.value) and "07700" not in str(info.value)


def test_a_100_mb_cell_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as fh:
        fh.write(b"name,note\nGrace Smith,")
        block = b"x" * MB
        for _ in range(100):
            fh.write(block)
        fh.write(b"\nTom Jones,short\n")
    started = time.monotonic()
    with pytest.raises(e.CellTooLargeError, match="Line 2 holds a cell longer than 1,000,000"):
        _rows(str(path))
    assert time.monotonic() - started < 30


def test_a_line_longer_than_the_limit_is_refused_before_it_is_read(tmp_path):
    data = b"name,note\n" + b"a,b\n" * 1000 + b"a," + b"x" * (9 * MB) + b"\nb,c\n"
    for encoding_of in (lambda b: b, lambda b: b.decode().encode("utf-16")):
        path = _write(tmp_path, "long.csv", encoding_of(data))
        with pytest.raises(e.LineTooLongError, match="Line 1002 is longer than 4 MB"):
            open_table(path, limits=Limits(max_line_chars=4 * MB))


def test_header_names_lose_invisible_characters_and_extra_blanks(tmp_path):
    path = _write(
        tmp_path, "x.csv", '\ufeffna\u200bme , \u202etown,"  post\ncode "\nA,B,C\n'.encode()
    )
    table = open_table(path)
    assert table.header == ["name", "town", "post code"]


def test_duplicate_names_are_found_whatever_their_case_or_spacing(tmp_path):
    path = _write(tmp_path, "x.csv", b"Name,town,name \nA,B,C\n")
    with pytest.raises(e.DuplicateHeaderError, match=r"Columns 1 \(A\) and 3 \(C\)"):
        open_table(path)


def test_a_formula_whose_saved_result_is_empty_text_is_not_warned_about(tmp_path):
    from tests.bad_inputs import rewrite, simple_workbook

    def add_formulas(xml: bytes) -> bytes:
        return xml.replace(
            b'<c r="B3" t="n"><v>7</v></c>',
            b'<c r="B3" t="str"><f>IF(1,"","")</f><v></v></c><c r="C3"><f>1+1</f></c>',
        )

    data = rewrite(simple_workbook(), {"xl/worksheets/sheet1.xml": add_formulas})
    table = open_table(_write(tmp_path, "book.xlsx", data))
    (warning,) = table.info.warnings
    assert warning["message"].startswith("1 cell in column C is a formula with no saved result")


def test_the_sheet_chosen_by_default_is_the_first_visible_one(tmp_path):
    from tests.bad_inputs import CONTACTS, VISITS, workbook

    data = workbook(("Contacts", CONTACTS, "veryHidden"), ("Visits", VISITS, "visible"))
    table = open_table(_write(tmp_path, "book.xlsx", data))
    assert table.info.sheet == "Visits"
    assert {"name": "Contacts", "state": "veryHidden"} in table.info.sheets
