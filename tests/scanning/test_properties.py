"""Property tests of the parser and the redactor."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safety.scanning import ScanOptions, excel_safe, pseudonymiser, redact, scan
from safety.scanning.engine import PLAIN_NUMBER

RISKY = "=+-@\t\r"
plain_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
# A third of the cells start as a formula would: every character Excel may run, then anything.
cell = st.one_of(
    plain_cell,
    plain_cell,
    st.tuples(st.sampled_from(RISKY), plain_cell).map("".join),
    st.from_regex(r"[+-]?[0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True),
)


def is_excel_safe(value: str) -> bool:
    """Excel runs nothing in it: no risky first character, or a plain number."""
    return not value or value[0] not in RISKY or bool(PLAIN_NUMBER.fullmatch(value))


fast = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fast
@given(st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=25))
def test_redaction_keeps_row_count_order_and_is_excel_safe(tmp_path, rows):
    src = tmp_path / "in.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "amount", "note", "seq"])
        writer.writerow(["ROW-00000", "1", "first row", "s0"])
        writer.writerows(r + [f"s{i + 1}"] for i, r in enumerate(rows))
    try:
        result = scan(str(src), ScanOptions(min_cell_count=2))
    except Exception as exc:  # only our own clear errors are allowed
        from safety.scanning import DatasetError

        assert isinstance(exc, DatasetError)
        return
    out = tmp_path / "out.csv"
    redact(result, str(out), b"key")
    with open(out, encoding="utf-8", newline="") as fh:
        written = list(csv.reader(fh))
    assert result.report["rows"] == len(written) - 1 == len(rows) + 1
    assert [r[-1] for r in written[1:]] == [f"s{i}" for i in range(len(rows) + 1)]
    for row in written:
        assert all(map(is_excel_safe, row))


@given(st.lists(cell, max_size=30))
def test_excel_safe_neutralises_formulas_but_not_numbers(values):
    out = excel_safe(values)
    assert len(out) == len(values)
    for before, after in zip(values, out, strict=True):
        assert is_excel_safe(after)
        assert after == before or after == "'" + before
        if after != before:
            assert before[0] in RISKY and not PLAIN_NUMBER.fullmatch(before)


# What a worksheet can hold: no control characters but tab, line feed and carriage return.
sheet_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r"),
    max_size=12,
)
sheet_cell = st.one_of(sheet_text, st.tuples(st.sampled_from(RISKY), sheet_text).map("".join))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.tuples(st.sampled_from("=+-@"), sheet_text).map("".join),
        min_size=2,
        max_size=2,
        unique_by=lambda h: " ".join(h.split()).casefold(),
    ),
    st.lists(st.lists(sheet_cell, min_size=2, max_size=2), min_size=1, max_size=15),
)
def test_the_redacted_copy_of_a_workbook_is_excel_safe(tmp_path, header, rows):
    """Headers and text cells of a workbook, formulas as text included, come out neutralised."""
    import openpyxl

    from safety.scanning import DatasetError

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["seq", *header])
    for i, row in enumerate(rows):
        sheet.append([f"s{i}", *row])
        for cell_ in sheet[sheet.max_row][1:]:
            cell_.data_type = "s"  # text, even when it starts with "=": as typed in Excel
    src = tmp_path / "in.xlsx"
    book.save(src)
    try:
        result = scan(str(src), ScanOptions(min_cell_count=1))
    except DatasetError:
        return  # an unreadable header (say, a name of blanks only): refused, nothing written
    out = tmp_path / "out.csv"
    redact(result, str(out), b"key")
    with open(out, encoding="utf-8", newline="") as fh:
        written = list(csv.reader(fh))
    for row in written:
        assert all(map(is_excel_safe, row))


def test_negative_numbers_unchanged():
    assert excel_safe(["-5", "+3", "-2.5e3", "=1+1", "@SUM(A1)", "-x", "\tx"]) == [
        "-5",
        "+3",
        "-2.5e3",
        "'=1+1",
        "'@SUM(A1)",
        "'-x",
        "'\tx",
    ]


@given(st.text(max_size=20), st.binary(min_size=1, max_size=16))
def test_pseudonyms_deterministic_per_key(value, key):
    a, b = pseudonymiser(key), pseudonymiser(key)
    assert a(value) == b(value)
    if value.strip():
        assert a(value) != pseudonymiser(key + b"x")(value)
        assert value.strip() not in a(value) or len(value.strip()) < 3


@given(st.lists(st.text(alphabet="abcXYZ019 .@-", max_size=15), min_size=1, max_size=20))
def test_parser_round_trips_written_csv(tmp_path_factory, rows):
    from safety.scanning import open_table

    path = tmp_path_factory.mktemp("p") / "x.csv"
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["col", "other"])
    for r in rows:
        writer.writerow([r, "v"])
    path.write_text(buf.getvalue(), encoding="utf-8")
    table = open_table(str(path))
    got = [row for chunk in table.chunks(7) for row in chunk]
    assert got == [[r, "v"] for r in rows]
