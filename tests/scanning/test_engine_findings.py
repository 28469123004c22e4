"""Whole-file findings: the column report and the redacted notes together."""

import csv
import datetime as dt

from safety.scanning import ScanOptions, redact, scan

TODAY = dt.date(2025, 6, 1)


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _run(tmp_path, header, rows, **options):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, header, rows)
    result = scan(str(src), ScanOptions(today=TODAY, **options))
    try:
        redact(result, str(out), b"key")
    finally:
        result.close()
    with open(out, encoding="utf-8", newline="") as fh:
        return result.report, list(csv.DictReader(fh))


def test_postcodes_in_notes_follow_the_columns_small_cell_rule(tmp_path):
    # NW5 1TL is the postcode of 30 records; SE1 7PB of one.
    rows = [["NW5 1TL", "Kentish Town", "Visited at nw51tl today, all well."]] * 30
    rows.append(["SE1 7PB", "Holborn", "Moved from se1  7pb to Kentish Town last month."])
    report, out = _run(tmp_path, ["postcode", "ward", "notes"], rows)
    assert out[0]["notes"] == "Visited at NW5 today, all well."
    assert out[-1]["notes"] == "Moved from [POSTCODE] to Kentish Town last month."
    notes = next(c for c in report["columns"] if c["name"] == "notes")
    assert notes["pii_types"] == ["POSTCODE"] and notes["action"] == "scrub_text"


def test_a_contact_column_of_phones_and_emails_is_dropped_whole(tmp_path):
    contacts = ["07700 900123", "grace@example.com", "020 79 46 0123", "tom@example.org"]
    rows = [[contacts[i % 4], f"S{i % 3}"] for i in range(40)]
    report, out = _run(tmp_path, ["contact", "service"], rows)
    contact = report["columns"][0]
    assert contact["pii_types"] == ["EMAIL", "PHONE"] and contact["action"] == "drop"
    assert contact["matches"] == 40
    assert list(out[0]) == ["service"]


def test_a_mixed_format_birth_date_column_is_generalised_not_kept(tmp_path):
    dobs = ["03/04/1987", "1987-04-03", "3 April 1987", "03.04.87", "12/11/1955", "1 Jan 2001"]
    rows = [[dobs[i % 6], "open"] for i in range(60)]
    report, out = _run(tmp_path, ["date of birth", "status"], rows)
    assert report["columns"][0]["action"] == "generalise"
    assert all("-" in r["date of birth"] or r["date of birth"] == "" for r in out)
    assert not any("1987" in r["date of birth"] for r in out)


def test_identifiers_repeated_per_visit_beside_placeholders_are_not_kept_as_labels(tmp_path):
    # A visits export: 20 clients with 5 visits each, half with no NI number, phone or email
    # on record. Repeated this way the cells look like a small closed set of labels.
    nis = [f"AB{100000 + i}C" for i in range(10)] + ["Not known"] * 10
    phones = [f"07700 9001{i:02d}" for i in range(10)] + ["none given"] * 10
    emails = [f"client{i}@example.com" for i in range(10)] + ["N/A"] * 10
    rows = [[v, nis[v % 20], phones[v % 20], emails[v % 20], "1"] for v in range(100)]
    report, out = _run(tmp_path, ["visit", "ni", "phone", "email", "parcels"], rows)
    columns = {c["name"]: c for c in report["columns"]}
    for name in ("ni", "phone", "email"):
        assert columns[name]["action"] != "keep", name
        assert columns[name]["matches"] == 50, name
    kept = "".join(",".join(r.values()) for r in out)
    assert "AB100000C" not in kept and "07700 900100" not in kept and "@example.com" not in kept
