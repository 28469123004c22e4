"""Builders for dataset tests: a data source owned by an organisation, and datasets in any state."""

from __future__ import annotations

from pathlib import Path

from safety import services
from safety.demo import synthetic_csv
from safety.models import Dataset
from scoping.models import DataSource, Idea
from teams.models import Organisation, Programme, User
from tests.factories import OrganisationFactory, UserFactory


def data_source(programme: Programme, owner: Organisation | None = None) -> DataSource:
    idea, _ = Idea.objects.get_or_create(programme=programme, title="Who stops visiting?")
    owner = owner or OrganisationFactory(name="Northgate Food Bank")
    return DataSource.objects.get_or_create(
        idea=idea,
        name="Food bank visits",
        defaults={"kind": DataSource.Kind.INFORMAL_TOOL, "owner": owner},
    )[0]


def stored_dataset(
    source: DataSource,
    tmp_path: Path,
    *,
    upto: str = "redacted",
    content: bytes | None = None,
    uploader: User | None = None,
) -> Dataset:
    """Upload synthetic data and run the tasks' services in-process up to `upto`."""
    path = tmp_path / "upload.csv"
    path.write_bytes(content if content is not None else synthetic_csv(rows=40))
    uploader = uploader or UserFactory(email="uploader@example.org", organisation=source.owner)
    dataset = services.dataset_upload(
        data_source=source, user=uploader, path=str(path), filename="visits.csv"
    )
    if upto in ("scanned", "redacted"):
        services.dataset_scan(dataset_id=dataset.pk)
    if upto == "redacted":
        dataset.refresh_from_db()
        services.dataset_remedies_confirm(
            dataset=dataset,
            user=uploader,
            remedies={},
            quasi_identifiers=dataset.quasi_identifiers,
        )
        services.dataset_redact(dataset_id=dataset.pk)
    dataset.refresh_from_db()
    return dataset


def approve_evaluation(source: DataSource, *analysts: User):
    """An approved evaluation check of `source` naming `analysts`, signed off before the test."""
    from safety.demo import approved_check  # noqa: PLC0415
    from safety.models import Stage  # noqa: PLC0415

    return approved_check(source.idea, Stage.EVALUATION, data_source=source, analysts=analysts)


def signed_agreement(source: DataSource, *, days_left: int = 200, **fields):
    """A signed sharing agreement covering `source`, between its owner and the programme lead."""
    from datetime import timedelta  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from safety.models import SharingAgreement  # noqa: PLC0415

    today = timezone.localdate()
    values = {
        "programme": source.idea.programme,
        "title": f"Sharing {source.name}",
        "purpose": "Initial analysis of visits",
        "lawful_basis": "public_task",
        "data_categories": "Visit dates, ward, age",
        "start_date": today - timedelta(days=30),
        "review_date": today + timedelta(days=min(days_left, 90)),
        "end_date": today + timedelta(days=days_left),
        "status": SharingAgreement.Status.SIGNED,
        "external_reference": "ISG-0042",
    } | fields
    agreement = SharingAgreement.objects.create(**values)
    agreement.parties.add(source.owner)
    agreement.data_sources.add(source)
    return agreement
