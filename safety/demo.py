"""Synthetic data for demos and tests: invented people, never real ones.

`synthetic_csv()` writes a small case-management style export (names, NHS numbers that pass the
mod-11 check, UK postcodes, phones, emails and case notes); `seed_datasets()` uploads one per
programme, scans it and redacts it, so `make run` shows a finished report.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from pathlib import Path

import openpyxl
from django.db import transaction
from openpyxl.comments import Comment

from safety import services
from safety.models import Dataset
from scoping.demo import seed_ideas
from teams.models import Programme, User

FIRST = ["Grace", "Tom", "Amina", "Oluwaseun", "Priya", "Jack", "Siobhan", "Wei", "Fatima", "Liam"]
LAST = ["Smith", "Jones", "Okafor", "Patel", "Nowak", "Murphy", "Chen", "Hussain", "Evans", "Brown"]
SECTORS = ["NW5 1", "NW1 8", "WC1H 9", "N19 3", "NW3 2"]
WARDS = ["Kentish Town", "Gospel Oak", "Holborn", "Highgate", "Belsize"]
SERVICES = ["Food parcel", "Debt advice", "Benefits check", "Energy voucher"]


def nhs_number(rng: random.Random) -> str:
    """A 10-digit number with a valid mod-11 check digit (random, so almost surely unissued)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            text = "".join(map(str, digits)) + str(check)
            return f"{text[:3]} {text[3:6]} {text[6:]}"


def synthetic_csv(rows: int = 60, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "client_ref",
            "full_name",
            "nhs",
            "postcode",
            "phone",
            "contact",
            "age",
            "ward",
            "service",
            "amount",
            "notes",
        ]
    )
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        postcode = rng.choice(SECTORS) + rng.choice("ABDEFGHJLNPQRSTUWXYZ") + rng.choice("ABDEFGHJ")
        writer.writerow(
            [
                f"case-{4000 + n}",
                f"{first} {last}",
                nhs_number(rng),
                postcode,
                f"07700 900{rng.randint(100, 999)}",
                f"{first.lower()}.{last.lower()}@example.com",
                rng.randint(18, 90),
                rng.choice(WARDS),
                rng.choice(SERVICES),
                f"{rng.randint(5, 200)}.00",
                f"Spoke to {first} about {rng.choice(SERVICES).lower()}; call back on "
                f"07700 900{rng.randint(100, 999)}.",
            ]
        )
    return out.getvalue().encode("utf-8")


def synthetic_workbook(rows: int = 60, seed: int = 1) -> bytes:
    """The same export as a workbook, as people keep them: a very hidden lookup sheet of the
    clients' contact details, a note naming one of them, and a total column whose formulas
    were never calculated (so the report has something to say about each)."""
    table = list(csv.reader(io.StringIO(synthetic_csv(rows=rows, seed=seed).decode())))
    book = openpyxl.Workbook()
    visits = book.active
    visits.title = "Visits"
    visits.append([*table[0], "amount_with_vat"])
    for number, row in enumerate(table[1:], start=2):
        visits.append([*row, f"=J{number}*1.2"])
    visits["B2"].comment = Comment(f"{table[1][1]} asked us not to call before 10am", "Case worker")
    contacts = book.create_sheet("Contacts")
    contacts.sheet_state = "veryHidden"
    contacts.append(["full_name", "contact", "phone"])
    for row in table[1:]:
        contacts.append([row[1], row[5], row[4]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_datasets(programmes: dict[str, Programme]) -> list[Dataset]:
    """Upload, scan and redact one synthetic file per programme (skipped if already there):
    a CSV for the first, a workbook with a hidden sheet for the second.

    Runs the tasks in-process, whatever the Celery settings, so the report is ready at once.
    """
    done = []
    for index, source in enumerate(seed_ideas(programmes)):
        existing = source.datasets.first()
        if existing is not None:
            done.append(existing)
            continue
        uploader = User.objects.filter(
            organisation=source.owner, organisation_confirmed=True
        ).first()
        if uploader is None:
            continue
        name = "visits-export.xlsx" if index % 2 else "visits-export.csv"
        make = synthetic_workbook if index % 2 else synthetic_csv
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(make(rows=80, seed=index + 1))
            with transaction.atomic():
                dataset = services.dataset_upload(
                    data_source=source, user=uploader, path=str(path), filename=name
                )
        if dataset.status == Dataset.Status.CHOOSING_SHEET:
            with transaction.atomic():
                services.dataset_choose_sheet(dataset=dataset, sheet="Visits")
        services.dataset_scan(dataset_id=dataset.pk)
        dataset.refresh_from_db()
        findings = list(dataset.findings.all())
        reviewer = User.objects.filter(
            memberships__programme=source.idea.programme, memberships__role="information_rights"
        ).first()
        with transaction.atomic():
            services.dataset_remedies_confirm(
                dataset=dataset,
                user=reviewer or uploader,
                remedies={f.position: f.suggested_action for f in findings},
                quasi_identifiers=dataset.quasi_identifiers,
            )
        services.dataset_redact(dataset_id=dataset.pk)
        dataset.refresh_from_db()
        done.append(dataset)
    return done
