"""The product's redaction writes the same bytes as the engine run on its own.

The worker's path keeps what the scan learned and renders from the scan's scratch file on every
core; the command line's reads the file again. For the same file, households table and remedies
(including a column the suggestions drop but the reviewer keeps) the redacted copies must match.
"""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from benchmarks.data import generate
from safety import services, storage
from safety.encryption import iter_decrypted
from safety.models import PostcodeHouseholds, ProjectSecret
from safety.scanning import ScanOptions, redact, scan
from tests.dataset_helpers import data_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _engine_alone(path, households, dataset, chosen: dict[int, str], out) -> bytes:
    result = scan(
        str(path),
        ScanOptions(
            min_cell_count=dataset.min_cell_count,
            households_path=str(households),
            quasi_identifiers=dataset.quasi_identifiers,
            chunk_rows=settings.DATASET_SCAN_CHUNK_ROWS,
            prepare_redact=False,
            other_parts=False,
            workers=1,
        ),
    )
    for column in result.columns:
        column.action = chosen.get(column.index, column.action)
    redact(result, str(out), ProjectSecret.key_for(dataset.data_source.idea))
    return out.read_bytes()


@pytest.mark.parametrize("kept", ["kept scan", "scanned again"])
def test_the_workers_redaction_equals_the_engines_on_its_own(
    kept, programme_a, tmp_path, settings, monkeypatch
) -> None:
    settings.DATASET_SCAN_CHUNK_ROWS = 300  # several chunks, so chunks run on both processes
    path, households = tmp_path / "export.csv", tmp_path / "households.csv"
    truth = generate(str(path), 1_500)
    with households.open("w", newline="") as fh:
        csv.writer(fh).writerows([("postcode", "households"), *truth["households"].items()])
    PostcodeHouseholds.objects.bulk_create(
        PostcodeHouseholds(postcode=p, households=n) for p, n in truth["households"].items()
    )
    source = data_source(programme_a)
    uploader = UserFactory(organisation=source.owner)
    dataset = services.dataset_upload(
        data_source=source, user=uploader, path=str(path), filename="export.csv"
    )
    services.dataset_scan(dataset_id=dataset.pk)
    dataset.refresh_from_db()
    findings = {f.name: f for f in dataset.findings.all()}
    # Keep a column the suggestions drop, pseudonymise another.
    dropped = next(f for f in findings.values() if f.suggested_action == "drop")
    chosen = {dropped.position: "keep", findings["nhs_number"].position: "pseudonymise"}
    kept_path = storage.kept_scan_path(dataset.stored_name)
    assert kept_path.exists()
    with path.open(newline="") as fh:
        first = next(csv.DictReader(fh))
    assert first["email"].encode() not in kept_path.read_bytes()  # encrypted
    if kept == "kept scan":  # the redaction carries on from the scan: no second scan
        monkeypatch.setattr(services, "_scan", None)
    else:
        kept_path.unlink()
    services.dataset_remedies_confirm(
        dataset=dataset,
        user=uploader,
        remedies=chosen,
        quasi_identifiers=dataset.quasi_identifiers,
    )
    assert services.dataset_redact(dataset_id=dataset.pk)

    copy = dataset.redacted_copies.get()
    product = b"".join(iter_decrypted(storage.path_for(copy.stored_name), storage.key()))
    alone = _engine_alone(path, households, dataset, chosen, tmp_path / "alone.csv")
    assert product == alone
    assert copy.rows == 1_500 and b"[NAME]" in product


def test_a_solo_pool_stops_a_task_at_its_soft_time_limit() -> None:
    # The datasets worker runs tasks in its main process, where Celery enforces no time limit.
    import time  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    from celery.exceptions import SoftTimeLimitExceeded  # noqa: PLC0415

    from cip.celery import arm_time_limit, disarm_time_limit  # noqa: PLC0415

    task = SimpleNamespace(soft_time_limit=0.2, time_limit=None)
    arm_time_limit(task=task)
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            time.sleep(5)
    finally:
        disarm_time_limit()
    arm_time_limit(task=SimpleNamespace(soft_time_limit=5, time_limit=10))
    disarm_time_limit()
    time.sleep(0.1)  # disarmed: nothing fires
