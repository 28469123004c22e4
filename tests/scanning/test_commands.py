"""The command-line contract that external checks rely on."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
PII_TYPES = {
    "PERSON_NAME",
    "EMAIL",
    "PHONE",
    "NHS_NUMBER",
    "NI_NUMBER",
    "POSTCODE",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "SYSTEM_ID",
}
ACTIONS = {"keep", "drop", "pseudonymise", "suppress_small_cells", "generalise", "scrub_text"}


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "cases.csv"
    rows = [["id", "name", "contact", "postcode", "age", "sex", "amount", "notes"]]
    for i in range(30):
        postcode = "NW5 1TL" if i < 3 else "NW5 2AB"
        rows.append(
            [
                f"CASE-{i:05d}",
                ["Grace Smith", "Tom Jones", "Aisha Khan"][i % 3],
                f"person{i}@example.com",
                postcode,
                str(30 + i % 2),
                ["F", "M"][i % 2],
                str(-i),
                f"Spoke to Judith about rent. Call 07700 900{i:03d}.",
            ]
        )
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    households = tmp_path / "households.csv"
    households.write_text("postcode,households\nNW5 1TL,4\nNW5 2AB,40\n")
    return path, households


def _scan(*args):
    from io import StringIO

    out = StringIO()
    call_command("scan_dataset", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_scan_json_contract(dataset):
    path, households = dataset
    report = _scan(path, "--postcode-households", households, "--quasi-identifiers", "age,sex")
    assert report["rows"] == 30
    for column in report["columns"]:
        assert set(column) >= {"name", "pii_types", "action", "matches"}
        assert set(column["pii_types"]) <= PII_TYPES and column["action"] in ACTIONS
        assert isinstance(column["matches"], int)
    by_name = {c["name"]: c for c in report["columns"]}
    assert by_name["id"]["pii_types"] == ["SYSTEM_ID"] and by_name["id"]["action"] == "pseudonymise"
    assert by_name["name"]["action"] == "drop" and by_name["name"]["matches"] == 30
    assert by_name["contact"]["pii_types"] == ["EMAIL"]
    assert by_name["postcode"]["action"] == "suppress_small_cells"
    assert by_name["amount"]["pii_types"] == [] and by_name["amount"]["action"] == "keep"
    assert by_name["notes"]["action"] == "scrub_text"
    assert report["small_cells"] == [{"column": "postcode", "count": 3}]
    assert report["k_anonymity"]["quasi_identifiers"] == ["age", "sex"]
    assert report["k_anonymity"]["k"] == 15
    assert report["k_anonymity"]["records_below_threshold"] == 0
    assert "Grace" not in json.dumps(report)


def test_k_anonymity_describes_the_input(dataset):
    path, _ = dataset
    report = _scan(path, "--quasi-identifiers", "postcode,sex", "--min-cell-count", "5")
    assert report["k_anonymity"]["k"] == 1  # NW5 1TL has 3 rows: F, M, F
    assert report["k_anonymity"]["records_below_threshold"] == 3


def test_redact_writes_safe_csv(dataset, tmp_path):
    path, households = dataset
    out = tmp_path / "out.csv"
    call_command(
        "redact_dataset",
        str(path),
        str(out),
        "--postcode-households",
        str(households),
        "--pseudonym-key",
        "secret",
        "--quasi-identifiers",
        "age,sex",
    )
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    assert list(rows[0]) == ["id", "postcode", "age", "sex", "amount", "notes"]
    assert [r["amount"] for r in rows] == [str(-i) for i in range(30)]  # negatives untouched
    assert all(r["postcode"] == "" for r in rows[:3]) and rows[3]["postcode"] == "NW5 2AB"
    assert rows[0]["notes"] == "Spoke to [NAME] about rent. Call [PHONE]."
    assert rows[0]["id"] != "CASE-00000"
    again = tmp_path / "again.csv"
    call_command("redact_dataset", str(path), str(again), "--pseudonym-key", "secret")
    with open(again, encoding="utf-8", newline="") as fh:
        assert next(csv.DictReader(fh))["id"] == rows[0]["id"]


def test_bad_input_is_a_command_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("scan_dataset", str(empty), "--json")
    with pytest.raises(CommandError, match="no column called"):
        call_command("scan_dataset", str(Path(__file__)), "--json", "--quasi-identifiers", "nope")


def _run(*args):
    # As in a new shell after `make run`: DEBUG unset, no secrets, no database.
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "TESTING")}
    env["DATABASE_URL"] = "sqlite:////nonexistent/dir/db.sqlite3"
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_commands_in_a_subprocess_without_a_database(dataset, tmp_path):
    path, _ = dataset
    done = _run("scan_dataset", path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 30
    done = _run("redact_dataset", path, tmp_path / "o.csv", "--pseudonym-key", "k")
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n1,2,3\n")
    done = _run("redact_dataset", bad, tmp_path / "o2.csv")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith("CommandError: Row 2")
