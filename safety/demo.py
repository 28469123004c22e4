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

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

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


def seed_datasets(programmes: dict[str, Programme]) -> list[Dataset]:
    """Upload, scan and redact one synthetic file per programme (skipped if already there).

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
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.csv"
            path.write_bytes(synthetic_csv(rows=80, seed=index + 1))
            with transaction.atomic():
                dataset = services.dataset_upload(
                    data_source=source, user=uploader, path=str(path), filename="visits-export.csv"
                )
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
    it, else a named placeholder account that holds no role and cannot sign in.
    """
    found = (
        SafetyCheck.objects.approved()
        .filter(idea=idea, stage=stage, data_source=data_source)
        .first()
    )
    if found is not None:
        return found
    author = author or idea.submitted_by or idea.proposer or _record_keeper("author")
    reviewer = reviewer or (
        User.objects.filter(
            memberships__programme=idea.programme,
            memberships__role=Role.INFORMATION_RIGHTS,
            memberships__ended_at__isnull=True,
        )
        .exclude(pk=author.pk)
        .first()
        or _record_keeper("reviewer")
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


def _record_keeper(kind: str) -> User:
    user, created = User.objects.get_or_create(
        email=f"safety-{kind}-of-record@example.org",
        defaults={"display_name": f"Safety {kind} of record", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
