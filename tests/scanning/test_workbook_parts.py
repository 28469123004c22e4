"""Everything in a workbook is scanned: its other sheets, hidden ones too, and its comments."""

import csv
import json

from safety.scanning import ScanOptions, redact, scan
from tests.bad_inputs import CONTACTS, VISITS, workbook

SECRETS = ["Grace Smith", "grace.smith@example.com", "943 476 5919", "07700 900123", "Amir"]


def _book(tmp_path, **kw):
    notes = [["Called Grace Smith on 07700 900123"], [None, "amir.khan@example.net", "x"]]
    data = workbook(
        ("Visits", [["ward", "amount"], ["Highgate", 5], ["Kentish Town", 7]], "visible"),
        ("Contacts", CONTACTS, "veryHidden"),
        ("Notes", notes, "hidden"),
        comments={
            ("Visits", "B2"): "Grace Smith rang from 07700 900123 about this",
            ("Contacts", "A1"): "Her NHS number is 943 476 5919",
        },
        **kw,
    )
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    return str(path)


def test_hidden_sheets_and_comments_are_reported_by_type_and_count(tmp_path):
    result = scan(_book(tmp_path), ScanOptions(min_cell_count=2))
    parts = result.report["other_parts"]

    contacts, notes = parts["sheets"]
    assert contacts == {
        "name": "Contacts",
        "state": "veryHidden",
        "rows": 3,
        "types": {"PERSON_NAME": 3, "EMAIL": 3, "NHS_NUMBER": 3},
    }
    # Not one table (its second row is longer than its first): every cell is read as text.
    assert notes["state"] == "hidden" and notes["read_as"] == "cells"
    assert notes["types"] == {"PERSON_NAME": 1, "EMAIL": 1, "PHONE": 1}
    assert parts["comments"] == {
        "count": 2,
        "with_personal_data": 2,
        "types": {"PERSON_NAME": 1, "PHONE": 1, "NHS_NUMBER": 1},
    }
    # The chosen sheet's own report is unchanged, and no value is anywhere in the report.
    assert [c["name"] for c in result.report["columns"]] == ["ward", "amount"]
    text = json.dumps(result.report)
    assert not any(secret in text for secret in SECRETS)


def test_choosing_the_hidden_sheet_reports_the_visible_one(tmp_path):
    result = scan(_book(tmp_path), ScanOptions(sheet="Contacts", min_cell_count=2))
    names = [sheet["name"] for sheet in result.report["other_parts"]["sheets"]]
    assert names == ["Visits", "Notes"]
    assert result.report["other_parts"]["sheets"][0]["types"] == {}


def test_the_redacted_copy_is_the_chosen_sheet_alone(tmp_path):
    path = _book(tmp_path)
    result = scan(path, ScanOptions(min_cell_count=1))
    out = tmp_path / "out.csv"
    redact(result, str(out), b"key")
    text = out.read_text(encoding="utf-8")
    assert list(csv.reader(text.splitlines())) == [
        ["ward", "amount"],
        ["Highgate", "5"],
        ["Kentish Town", "7"],
    ]
    assert not any(secret in text for secret in SECRETS)


def test_a_csv_has_no_other_parts_and_the_inner_scans_look_no_further(tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text("name,amount\nGrace Smith,5\nTom Jones,7\n")
    assert scan(str(path)).report["other_parts"] == {}
    book = _book(tmp_path)
    assert scan(book, ScanOptions(other_parts=False)).report["other_parts"] == {}


def test_empty_other_sheets_are_listed_with_nothing_found(tmp_path):
    data = workbook(("Visits", VISITS, "visible"), ("Blank", [], "hidden"))
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    parts = scan(str(path)).report["other_parts"]
    assert parts["sheets"] == [{"name": "Blank", "state": "hidden", "rows": 0, "types": {}}]
    assert parts["comments"] == {"count": 0, "with_personal_data": 0, "types": {}}


def test_the_command_line_report_lists_other_sheets_comments_and_warnings(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("scan_dataset", _book(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()
    assert "Sheet Contacts (veryHidden): PERSON_NAME 3, EMAIL 3, NHS_NUMBER 3" in lines
    assert "Comments (2): PERSON_NAME 1, PHONE 1, NHS_NUMBER 1" in lines
    assert not any(secret in out.getvalue() for secret in SECRETS)
