"""Synthetic data for demos and tests: invented people, never real ones.

`synthetic_csv()` writes a small case-management style export (names, NHS numbers that pass the
mod-11 check, UK postcodes, phones, emails and case notes); `seed_datasets()` uploads one per
programme, scans it and redacts it, so `make run` shows a finished report; `seed_safety()` adds
Camden's safety checks and sharing agreements.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from datetime import timedelta
from pathlib import Path

import openpyxl
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from openpyxl.comments import Comment

from safety import checks, services
from safety.models import Dataset, Outcome, SafetyCheck, Stage
from scoping.demo import seed_ideas
from teams.models import Programme, Role, User

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


def approved_check(
    idea,
    stage: str,
    *,
    data_source=None,
    author: User | None = None,
    reviewer: User | None = None,
    analysts=(),
) -> SafetyCheck:
    """An approved check in force (for the demo's and tests' earlier history), made where missing.

    It records a sign-off that happened before the demo starts, so it writes the rows directly:
    the reviewer is the programme's information-rights member if there is one who did not write
    it, else nobody is named.
    """
    found = (
        SafetyCheck.objects.approved()
        .filter(idea=idea, stage=stage, data_source=data_source)
        .first()
    )
    if found is not None:
        return found
    members = User.objects.filter(
        memberships__programme=idea.programme, memberships__ended_at__isnull=True
    )
    author = (
        author
        or idea.submitted_by
        or idea.proposer
        or members.filter(memberships__role=Role.FACILITATOR).first()
        or _record_keeper()
    )
    # Without a reviewer on the programme, the sign-off is recorded without a name.
    reviewer = reviewer or (
        members.filter(memberships__role=Role.INFORMATION_RIGHTS).exclude(pk=author.pk).first()
    )
    latest = SafetyCheck.objects.filter(idea=idea, stage=stage, data_source=data_source)
    SafetyCheck.objects.filter(
        idea=idea, stage=stage, data_source=data_source, in_force=True
    ).update(in_force=False)
    now = timezone.now()
    check = SafetyCheck.objects.create(
        idea=idea,
        stage=stage,
        data_source=data_source,
        version=(latest.aggregate(top=Max("version"))["top"] or 0) + 1,
        author=author,
        answers=checks.prefill(idea, stage, data_source),
        status=SafetyCheck.Status.SIGNED_OFF,
        submitted_at=now,
        outcome=Outcome.APPROVED,
        signed_off_by=reviewer,
        signed_off_at=now,
        sign_off_note="Recorded before this service was used.",
        in_force=True,
    )
    check.analysts.set(analysts)
    return check


def approved_evaluation_checks(idea) -> None:
    """Every data source of the idea gets an approved evaluation check, where it has none."""
    for source in idea.data_sources.all():
        approved_check(idea, Stage.EVALUATION, data_source=source)


def _record_keeper() -> User:
    """Who wrote a check recorded for a programme nobody has joined yet (tests only)."""
    user, created = User.objects.get_or_create(
        email="safety-checks-of-record@example.org",
        defaults={"display_name": "Safety checks of record", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


AGREEMENTS = {
    # (title, reference, days until review, days until end, with the signed document)
    "camden": [
        (
            "Northgate Community Food Bank and Camden Council: visits data",
            "ISG-2026-0142",
            150,
            330,
            True,
        ),
        (
            "Camden Council case-management extract for community insights",
            "DPIA-2026-031",
            14,
            200,
            False,
        ),
    ],
}


def seed_safety(programmes: dict[str, Programme]) -> None:
    """Camden's selected project: its evaluation checks approved with the analyst named, a
    signed agreement and one near its review date; Camden's second idea: an evaluation check
    waiting for the reviewer (only what is missing; sends no email)."""
    programme = programmes.get("camden")
    if programme is None:
        return
    idea = programme.ideas.filter(title="Who stops coming to the food bank, and why?").first()
    analyst = User.objects.filter(email="analyst@camden.example").first()
    if idea is None or analyst is None:
        return
    with transaction.atomic():
        approved_evaluation_checks(idea)
        for check in SafetyCheck.objects.approved().filter(idea=idea, stage=Stage.EVALUATION):
            if not check.analysts.exists():
                check.analysts.add(analyst)
        _seed_agreements(programme, idea)
        _seed_waiting_check(programme, analyst)


def _seed_waiting_check(programme: Programme, author: User) -> None:
    """The second idea's data source, checked by the analyst and sent to the reviewer."""
    second = programme.ideas.filter(
        title="Are refugee families missing out on school holiday activities?"
    ).first()
    source = second.data_sources.first() if second is not None else None
    if source is None or SafetyCheck.objects.filter(idea=second).exists():
        return
    check = checks.check_start(
        idea=second, stage=Stage.EVALUATION, author=author, data_source=source
    )
    answers = {
        "personal_data": {"answer": "yes", "note": "Children's names and ages, parents' phones."},
        "special_category": {
            "answer": "unknown",
            "note": "Assumed yes: some sign-up notes may mention health or religion.",
        },
        "confidential": {"answer": "no", "note": ""},
        "agreement": {
            "answer": "unknown",
            "note": "Assumed none yet: the network's trustees meet next month.",
        },
        "redacted_useful": {"answer": "yes", "note": "Counts by age band and ward would do."},
    }
    checks.check_save(check=check, user=author, answers={**check.answers, **answers}, submit=True)


def _seed_agreements(programme: Programme, idea) -> None:
    from cip.pdf import html_to_pdf  # noqa: PLC0415 (WeasyPrint loads slowly)
    from safety import agreements  # noqa: PLC0415
    from safety.models import SharingAgreement  # noqa: PLC0415

    keeper = User.objects.filter(
        memberships__programme=programme, memberships__role=Role.CONTRACTS_AND_LEGAL
    ).first()
    sources = list(idea.data_sources.select_related("owner").order_by("name"))
    today = timezone.localdate()
    for (title, reference, review, end, signed), source in zip(
        AGREEMENTS["camden"], reversed(sources), strict=False
    ):
        if SharingAgreement.objects.filter(programme=programme, title=title).exists():
            continue
        agreement = SharingAgreement.objects.create(
            programme=programme,
            title=title,
            purpose="Finding which households stop visiting the food bank while still in crisis.",
            lawful_basis="public_task",
            data_categories="Visit dates, postcode sector, household size, services used.",
            start_date=today - timedelta(days=35),
            review_date=today + timedelta(days=review),
            end_date=today + timedelta(days=end),
            external_reference=reference,
            status=SharingAgreement.Status.SIGNED,
            signed_at=timezone.now(),
            created_by=keeper,
        )
        agreement.parties.set([o for o in (source.owner, programme.lead_organisation) if o])
        agreement.data_sources.set([source])
        if signed and keeper is not None:
            html = (
                '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                f"<title>{title}</title></head><body><h1>{title}</h1>"
                "<p>Demonstration copy of a signed data sharing agreement.</p></body></html>"
            )
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "agreement.pdf"
                path.write_bytes(html_to_pdf(html))
                agreements.agreement_sign(
                    agreement=agreement, user=keeper, path=str(path), filename="agreement.pdf"
                )
