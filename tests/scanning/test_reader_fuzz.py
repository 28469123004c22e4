"""Fuzzing the reader: whatever bytes arrive, it reads them or raises one of its own clear errors.

Bounded for CI: a few hundred examples in all, about ten seconds on a quiet machine. Each test
reads the whole file (header and every chunk), as the upload check does.
"""

import csv
import io
import zipfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safety.scanning import DatasetError, Limits, open_table
from tests.bad_inputs import simple_workbook, workbook

LIMITS = Limits(max_bytes=256 * 1024, max_columns=50, max_cell_chars=10_000)
bounded = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(tmp_path_factory, data: bytes, name: str = "upload.csv"):
    """The rows the reader gives, or None for one of its own errors; anything else fails."""
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    try:
        table = open_table(str(path), limits=LIMITS)
        rows = [row for chunk in table.chunks(7) for row in chunk]
    except DatasetError as error:
        assert error.message and "\n" not in error.message
        return None
    assert all(len(row) == len(table.header) for row in rows)
    return table.header, rows


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


GOOD_CSV = _csv([["name", "town", "note"], ["Zoë Brontë", "Hull", 'said "hi"'], ["Tom", "", "a,b"]])


@bounded
@given(st.binary(max_size=2048))
@example(b"\x00" * 10)
@example(b"\xff\xfe")
@example(b"PK\x03\x04")
@example(b'"')
def test_any_bytes(tmp_path_factory, data):
    read_or_refuse(tmp_path_factory, data)


@bounded
@given(
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]),
    st.lists(st.tuples(st.integers(0, 400), st.binary(min_size=1, max_size=8)), max_size=4),
)
def test_damaged_text(tmp_path_factory, encoding, damage):
    data = bytearray(GOOD_CSV.encode(encoding))
    for at, junk in damage:
        data[at % (len(data) + 1) : at % (len(data) + 1)] = junk
    read_or_refuse(tmp_path_factory, bytes(data))


cell = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=10)


@bounded
@given(
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=20),
)
def test_written_csv_reads_back(tmp_path_factory, encoding, rows):
    """A CSV any program could write is read back exactly, or refused with a reason."""
    header = ["id", "value", "seq"]
    rows = [[*row[:2], f"s{i}"] for i, row in enumerate(rows)]
    read = read_or_refuse(tmp_path_factory, _csv([header, *rows]).encode(encoding))
    if read is not None:
        assert read == (header, [r for r in rows if any(v.strip() for v in r)])


@bounded
@given(st.integers(0, 10**6), st.binary(min_size=1, max_size=6))
def test_damaged_workbook_bytes(tmp_path_factory, at, junk):
    data = bytearray(simple_workbook())
    at %= len(data)
    data[at : at + len(junk)] = junk
    read_or_refuse(tmp_path_factory, bytes(data), "upload.xlsx")


xml_junk = st.sampled_from(
    [b"<", b">", b"&", b"&amp;", b"</c>", b"<c r='ZZZ9'>", b"<v>x</v>", b'<row r="-1">', b"\xff"]
)


@bounded
@given(st.integers(0, 10**6), st.lists(xml_junk, min_size=1, max_size=3))
def test_damaged_workbook_xml(tmp_path_factory, at, junk):
    """Damage inside the sheet's XML reaches the XML parser (the zip itself is sound)."""
    source = workbook(
        ("Visits", [["name", "amount"], ["Grace Smith", 5], ["Tom", "=1+1"]], "visible")
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                where = at % len(body)
                body = body[:where] + b"".join(junk) + body[where:]
            new.writestr(info, body)
    read_or_refuse(tmp_path_factory, out.getvalue(), "upload.xlsx")
