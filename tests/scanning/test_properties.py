"""Property tests of the parser and the redactor."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safety.scanning import ScanOptions, excel_safe, pseudonymiser, redact, scan
from safety.scanning.detectors import NUMBER
from safety.scanning.engine import RISKY_START

cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
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
        for value in row:
            assert not (value and RISKY_START.match(value)) or NUMBER.fullmatch(value)


@given(st.lists(cell, max_size=30))
def test_excel_safe_neutralises_formulas_but_not_numbers(values):
    out = excel_safe(values)
    assert len(out) == len(values)
    for before, after in zip(values, out, strict=True):
        if before and RISKY_START.match(before) and not NUMBER.fullmatch(before):
            assert after == "'" + before
        else:
            assert after == before


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
