"""Writes about datasets: upload, scan, remedies, redaction, downloads and retention.

The engine (safety.scanning) does the reading and redacting; these functions keep the database and
the encrypted files in step, so that a failure leaves nothing half-stored and a task run twice
does its work once.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from cip.templatetags.govuk import govuk_date
from safety import leases, storage
from safety.encryption import DecryptionError, EncryptingWriter, encrypt_to_path
from safety.leases import Lease, LeaseLost
from safety.models import (
    MAX_ATTEMPTS,
    ColumnFinding,
    Dataset,
    DatasetAccess,
    PostcodeHouseholds,
    ProjectSecret,
    RedactedCopy,
    Remedy,
    SafetySettings,
)
from safety.scanning import DatasetError, Limits, ScanOptions, open_table, redact, scan
from safety.scanning.engine import keep_for_redaction, resume
from safety.scanning.reader import inspect_workbook
from safety.scanning.spill import Spill
from scoping.models import DataSource
from teams.models import User

logger = logging.getLogger(__name__)

TOO_MANY_TRIES = (
    "The {what} stopped {n} times without finishing. Try a smaller file, or ask for help."
)
STOPPED = "The {what} stopped unexpectedly. Upload the file again, or ask for help."


class DuplicateDataset(Exception):
    """The organisation has uploaded these exact bytes before."""

    def __init__(self, existing: Dataset):
        super().__init__("This file has already been uploaded")
        self.existing = existing


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.DATASET_MAX_UPLOAD_BYTES, max_columns=settings.DATASET_MAX_COLUMNS
    )


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def check_table(path: str, sheet: str | None = None) -> tuple[object, int]:
    """Open the file and read every row once, so a ragged row or an open quote is found now.

    Returns the table and its row count. Raises ``DatasetError`` with a message to show.
    """
    table = open_table(path, sheet=sheet, limits=upload_limits())
    rows = sum(len(chunk) for chunk in table.chunks(settings.DATASET_SCAN_CHUNK_ROWS))
    return table, rows


def upload_name(filename: str) -> str:
    """The name an upload is shown by: no folders, no control or invisible characters (a
    right-to-left override could disguise the extension), at most 255 characters with its
    extension kept."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join("".join(ch if ch.isprintable() else " " for ch in name).split())
    if name.strip(".") == "":
        return "upload"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16]
        name = stem[: 254 - len(extension)] + dot + extension if dot else name[:255]
    return name


def dataset_upload(*, data_source: DataSource, user: User, path: str, filename: str) -> Dataset:
    """Check an uploaded file, store it encrypted and queue its scan (or ask for a sheet).

    Raises ``DatasetError`` for a bad file and ``DuplicateDataset`` for bytes seen before; in both
    cases nothing is stored. The file is encrypted before the transaction, which only inserts
    the row and moves the file into place: the same file sent twice at once meets the unique
    constraint on owner and hash (on SQLite too, where a long write transaction would make the
    other upload fail with "database is locked"), and the loser's copy is deleted.
    """
    sha256 = _sha256(path)
    existing = Dataset.objects.filter(owner_id=data_source.owner_id, sha256=sha256).first()
    if existing is not None:
        raise DuplicateDataset(existing)
    # A workbook with several sheets is checked as a whole now and its chosen sheet later.
    info = inspect_workbook(path, limits=upload_limits())
    choosing = info is not None and len(info.sheets) > 1
    rows = None
    if not choosing:
        table, rows = check_table(path)
        info = table.info
    sheets = [
        {"name": s["name"], "hidden": s.get("state", "visible") != "visible"} for s in info.sheets
    ]
    dataset = Dataset(
        data_source=data_source,
        owner_id=data_source.owner_id,
        uploaded_by=user,
        original_filename=upload_name(filename),
        sha256=sha256,
        size=Path(path).stat().st_size,
        content_type=info.format,
        sheets=sheets,
        sheet=sheets[0]["name"] if len(sheets) == 1 else "",
        status=Dataset.Status.CHOOSING_SHEET if choosing else Dataset.Status.UPLOADED,
        queued_at=None if choosing else timezone.now(),
        rows_total_estimate=rows,
        warnings=info.warnings,
        min_cell_count=SafetySettings.min_cell_count_for(data_source.idea.programme_id),
    )
    destination = storage.path_for(dataset.stored_name)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # In the scratch folder until the row exists: a worker killed here leaves nothing that the
    # scratch sweep does not delete.
    with storage.scratch_file() as encrypted:
        with open(path, "rb") as source:
            encrypt_to_path(source, Path(encrypted), storage.key())
        try:
            with transaction.atomic():
                dataset.save()
                os.replace(encrypted, destination)
                if not choosing:
                    _queue_scan(dataset)
        except IntegrityError as error:  # the same file, uploaded at the same moment
            destination.unlink(missing_ok=True)
            existing = Dataset.objects.filter(owner_id=data_source.owner_id, sha256=sha256).first()
            if existing is None:
                raise
            raise DuplicateDataset(existing) from error
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
    return dataset


def dataset_choose_sheet(*, dataset: Dataset, sheet: str) -> Dataset:
    """Record the sheet to scan in a workbook with several, check it, and queue the scan.

    Chosen twice at once (a double-click), the second finds the sheet already chosen.
    """
    with storage.plaintext_copy(dataset.stored_name, ".xlsx") as path:
        table, rows = check_table(path, sheet=sheet)
    with transaction.atomic():
        updated = Dataset.objects.filter(
            pk=dataset.pk, status=Dataset.Status.CHOOSING_SHEET
        ).update(
            sheet=sheet,
            status=Dataset.Status.UPLOADED,
            queued_at=timezone.now(),
            rows_total_estimate=rows,
            warnings=table.info.warnings,
        )
        if updated:
            _queue_scan(dataset)
    dataset.refresh_from_db()
    return dataset


def _queue_scan(dataset: Dataset) -> None:
    from safety.tasks import scan_dataset  # noqa: PLC0415 (tasks import this module)

    transaction.on_commit(lambda: _send(scan_dataset, dataset.pk))


def _queue_redaction(dataset: Dataset) -> None:
    from safety.tasks import redact_dataset  # noqa: PLC0415

    transaction.on_commit(lambda: _send(redact_dataset, dataset.pk))


def _send(task, dataset_id: int) -> None:
    """Send the task; with the broker away the upload still stands, and the reaper sends it
    once the dataset has waited DATASET_REQUEUE_SECONDS."""
    try:
        task.delay(dataset_id)
    except OperationalError as error:
        logger.warning(
            "Dataset %s not queued (%s): the reaper will", dataset_id, type(error).__name__
        )


def _claim(
    dataset_id: int, running: str, counter: str, sources: tuple[str, ...]
) -> tuple[Dataset, Lease] | None:
    """Claim a dataset's work and its lease with one conditional UPDATE, counting the attempt.

    A run that finds a live lease held by another leaves the dataset alone; one whose worker
    died is claimed again once its lease lapses (the reaper queues it). Past MAX_ATTEMPTS the
    dataset fails instead. Returns None when there is nothing to do.
    """
    lease = leases.claim(dataset_id, running, counter, sources)
    if lease is None:
        return None
    dataset = Dataset.objects.select_related("data_source__idea").get(pk=dataset_id)
    if getattr(dataset, counter) > MAX_ATTEMPTS:
        _fail(lease.mine(), dataset_id, _too_many_tries(running))
        return None
    return dataset, lease


def _too_many_tries(running: str) -> str:
    what = "scan" if running == Dataset.Status.SCANNING else "redaction"
    return TOO_MANY_TRIES.format(what=what, n=MAX_ATTEMPTS)


def _fail(rows: QuerySet, dataset_id: int, message: str) -> bool:
    """Mark the dataset in `rows` (this run's, or a lapsed one) failed and tell its people."""
    from safety.tasks import email_dataset_failed  # noqa: PLC0415 (tasks import this module)

    failed = rows.update(
        status=Dataset.Status.FAILED,
        error_message=message[:500],
        lease_holder="",
        lease_expires_at=None,
        queued_at=None,
    )
    if failed:
        transaction.on_commit(lambda: email_dataset_failed.delay(dataset_id))
    return bool(failed)


def datasets_requeue_stalled() -> dict[str, int]:
    """Queue again the scans and redactions no live task holds (beat runs this every minute).

    That is work whose lease lapsed (its worker died) and work waiting with no message taking it
    for DATASET_REQUEUE_SECONDS (lost with a flushed broker, or never sent). Work that has
    already been tried MAX_ATTEMPTS times and whose worker died again fails instead, and its
    people are told. A copy of a message still queued finds the work done, or leased, and
    does nothing. Returns how many were queued and failed.
    """
    stale = timezone.now() - timedelta(seconds=settings.DATASET_REQUEUE_SECONDS)
    waiting = Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    stalled = Dataset.objects.filter(
        leases.free_of_live_lease(), waiting, status__in=Dataset.RUNNING
    ).values_list("pk", "status", "attempts", "redaction_attempts")
    counts = {"queued": 0, "failed": 0}
    for pk, status, attempts, redaction_attempts in stalled:
        # The same conditions again, in the UPDATE: a task may have claimed it meanwhile.
        rows = Dataset.objects.filter(leases.free_of_live_lease(), waiting, pk=pk, status=status)
        tries = redaction_attempts if status == Dataset.Status.REDACTING else attempts
        if status != Dataset.Status.UPLOADED and tries >= MAX_ATTEMPTS:
            counts["failed"] += _fail(rows, pk, _too_many_tries(status))
        elif rows.update(queued_at=timezone.now()):
            logger.info("Dataset %s queued again (%s, %s tries)", pk, status, tries)
            if status == Dataset.Status.REDACTING:
                _queue_redaction(Dataset(pk=pk))
            else:
                _queue_scan(Dataset(pk=pk))
            counts["queued"] += 1
    return counts


@transaction.atomic
def dataset_try_again(*, dataset: Dataset, user: User) -> bool:
    """Queue a failed scan again with its attempts reset: once per dataset, recorded in the
    audit log (with `user`, the request's actor). False when it may not be tried again."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if not dataset.may_try_again:
        return False
    dataset.status = Dataset.Status.UPLOADED
    dataset.attempts = 0
    dataset.rows_done = 0
    dataset.error_message = ""
    dataset.failure_emailed_at = None
    dataset.retried_at = dataset.queued_at = timezone.now()
    dataset.save()
    logger.info("Dataset %s scan tried again by user %s", dataset.pk, user.pk)
    _queue_scan(dataset)
    return True


def _households_file(path: str) -> bool:
    """Write the imported households table where the engine can read it; False if none."""
    rows = PostcodeHouseholds.objects.values_list("postcode", "households").iterator(10_000)
    written = False
    with open(path, "w", encoding="utf-8") as out:
        out.write("postcode,households\n")
        for postcode, households in rows:
            out.write(f"{postcode},{households}\n")
            written = True
    return written


def _scan_options(dataset: Dataset, lease: Lease, households: str | None, **options) -> ScanOptions:
    delay = settings.DATASET_SCAN_CHUNK_DELAY

    def progress(rows: int) -> None:
        lease.renew(rows_done=rows)  # LeaseLost stops the engine: another run has it now
        if delay:
            time.sleep(delay)  # test-only: lets a test kill the worker mid-scan

    return ScanOptions(
        min_cell_count=dataset.min_cell_count,
        households_path=households,
        sheet=dataset.sheet or None,
        limits=upload_limits(),
        chunk_rows=settings.DATASET_SCAN_CHUNK_ROWS,
        progress=progress,
        **options,
    )


def _scan(dataset: Dataset, lease: Lease, path: str, households: str | None, **options):
    return scan(path, _scan_options(dataset, lease, households, **options))


def _scan_kept(dataset: Dataset, lease: Lease, households: str | None, **options):
    """The scan's result carried on from what it kept (``resume``) with these options; None
    when it kept nothing usable (an older scan, a rotated key, or the households table or the
    date changed)."""
    try:
        kept = storage.kept_scan_path(dataset.stored_name)
        spill = Spill.reopen(str(kept), storage.blob_cipher())
    except FileNotFoundError:
        return None
    try:
        result = resume(spill, _scan_options(dataset, lease, households, **options))
    except (DecryptionError, OSError, KeyError, ValueError, TypeError, EOFError) as error:
        logger.warning("Dataset %s: kept scan unusable (%s)", dataset.pk, type(error).__name__)
        result = None
    if result is None:
        spill.close()
    return result


def dataset_scan(*, dataset_id: int) -> bool:
    """Scan a stored dataset and replace its findings. Safe to run twice; True if it scanned."""
    claimed = _claim(
        dataset_id,
        Dataset.Status.SCANNING,
        "attempts",
        (Dataset.Status.UPLOADED, Dataset.Status.SCANNING),
    )
    if claimed is None:
        return False
    dataset, lease = claimed
    try:
        with (
            lease,
            storage.plaintext_copy(dataset.stored_name, f".{dataset.content_type}") as path,
            storage.scratch_file(".csv") as households,
            storage.scratch_file() as kept,
        ):
            lease.renew(rows_done=0)
            has_table = _households_file(households)
            # What the redaction needs is kept, encrypted, beside the dataset's file (no value
            # in clear), so the redaction need not read and scrub the file again.
            spill = Spill(path=kept, codec=storage.blob_cipher())
            households_path = households if has_table else None
            result = _scan(
                dataset, lease, path, households_path, keep_every_column=True, spill=spill
            )
            try:
                keep_for_redaction(result)
            finally:
                result.close()
            os.replace(kept, storage.kept_scan_path(dataset.stored_name))
    except LeaseLost:
        logger.warning("Scan of dataset %s stopped: another run holds it", dataset_id)
        return False
    except DatasetError as error:
        _fail(lease.mine(), dataset_id, error.message)
        return False
    except Exception as error:
        # The exception's text may quote a cell, so only its type is logged.
        logger.error("Scan of dataset %s failed: %s", dataset_id, type(error).__name__)
        _fail(lease.mine(), dataset_id, STOPPED.format(what="scan"))
        return False
    return _store_findings(lease, result.report)


@transaction.atomic
def _store_findings(lease: Lease, report: dict) -> bool:
    """Replace the findings in one transaction, so a re-run never duplicates them."""
    dataset = lease.mine().select_for_update().first()
    if dataset is None or dataset.status != Dataset.Status.SCANNING:
        return False  # another run holds it now
    dataset.findings.all().delete()
    ColumnFinding.objects.bulk_create(
        ColumnFinding(
            dataset=dataset,
            position=position,
            name=column["name"][:500],
            kind=column.get("kind", ""),
            pii_types=column["pii_types"],
            matches=column["matches"],
            confidence=column.get("confidence") or 0,
            suggested_action=column["action"],
            quasi_identifier=column.get("quasi_identifier", False),
            masked_examples=column.get("examples", [])[:3],
        )
        for position, column in enumerate(report["columns"])
    )
    dataset.rows = dataset.rows_done = report["rows"]
    dataset.quasi_identifiers = report["k_anonymity"].get("quasi_identifiers", [])
    dataset.k_anonymity = report["k_anonymity"]
    dataset.small_cells = report["small_cells"]
    dataset.small_numbers = report.get("postcode_small_numbers", {})
    dataset.warnings = report["source"].get("warnings", [])
    dataset.other_parts = report.get("other_parts", {})
    dataset.status = Dataset.Status.SCANNED
    dataset.error_message = ""
    dataset.lease_holder, dataset.lease_expires_at = "", None
    dataset.save()
    return True


# --- Remedies and redaction ----------------------------------------------------------------------

STRUCTURED = {
    "PERSON_NAME",
    "EMAIL",
    "PHONE",
    "NHS_NUMBER",
    "NI_NUMBER",
    "ADDRESS",
    "SYSTEM_ID",
}


def remedies_for(finding: ColumnFinding) -> list[str]:
    """The remedies the engine can apply to this kind of column (the suggestion first)."""
    if finding.kind in ("free_text", "mixed"):
        options = [Remedy.SCRUB_TEXT, Remedy.DROP]
    elif finding.kind == "POSTCODE":
        options = [Remedy.GENERALISE, Remedy.SUPPRESS_SMALL_CELLS, Remedy.DROP]
    elif finding.kind == "DATE_OF_BIRTH":
        options = [Remedy.GENERALISE, Remedy.DROP]
    elif finding.kind in STRUCTURED:
        options = [Remedy.DROP, Remedy.PSEUDONYMISE, Remedy.KEEP]
    else:
        options = [Remedy.KEEP, Remedy.DROP, Remedy.GENERALISE]
    if finding.suggested_action in options:
        options.remove(finding.suggested_action)
    return [finding.suggested_action, *options]


def _remedies_hash(
    remedies: dict[str, str], quasi_identifiers: list[str], generalisation: dict | None = None
) -> str:
    choices = {"remedies": remedies, "qi": quasi_identifiers}
    if generalisation:
        choices["generalisation"] = generalisation
    canonical = json.dumps(choices, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def dataset_remedies_confirm(
    *,
    dataset: Dataset,
    user: User,
    remedies: dict[int, str],
    quasi_identifiers: list[str],
    generalisation: dict[str, int] | None = None,
) -> Dataset:
    """Record the reviewer's remedy per column, quasi-identifiers and generalisation levels
    (one of the scan's k-anonymity options), and queue the redaction."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if not (
        dataset.status in (Dataset.Status.SCANNED, Dataset.Status.REDACTED)
        or dataset.failed_in_redaction
    ):
        raise ValueError("Remedies can only be chosen once the scan has finished")
    for finding in dataset.findings.all():
        finding.chosen_action = remedies.get(finding.position, finding.suggested_action)
        finding.save(update_fields=["chosen_action"])
    dataset.quasi_identifiers = quasi_identifiers
    dataset.generalisation = generalisation or {}
    dataset.remedies_confirmed_by = user
    dataset.remedies_confirmed_at = timezone.now()
    dataset.status = Dataset.Status.REDACTING
    dataset.redaction_attempts = 0
    dataset.error_message = ""
    dataset.failure_emailed_at = None
    dataset.queued_at = timezone.now()
    dataset.save()
    _queue_redaction(dataset)
    return dataset


def dataset_redact(*, dataset_id: int) -> bool:
    """Write the one redacted copy for the confirmed remedies. Safe to run twice."""
    claimed = _claim(
        dataset_id, Dataset.Status.REDACTING, "redaction_attempts", (Dataset.Status.REDACTING,)
    )
    if claimed is None:
        return False
    dataset, lease = claimed
    findings = list(dataset.findings.all())
    remedies = {f.name: f.remedy for f in findings}
    digest = _remedies_hash(remedies, dataset.quasi_identifiers, dataset.generalisation)
    if not RedactedCopy.objects.filter(dataset=dataset, remedies_hash=digest).exists():
        try:
            with lease:
                lease.renew(rows_done=0)
                _write_redacted_copy(dataset, lease, findings, remedies, digest)
        except LeaseLost:
            logger.warning("Redaction of dataset %s stopped: another run holds it", dataset_id)
            return False
        except DatasetError as error:
            _fail(lease.mine(), dataset_id, error.message)
            return False
        except Exception as error:
            logger.error("Redaction of dataset %s failed: %s", dataset_id, type(error).__name__)
            _fail(lease.mine(), dataset_id, STOPPED.format(what="redaction"))
            return False
    return bool(lease.release(status=Dataset.Status.REDACTED, error_message=""))


def _write_redacted_copy(
    dataset: Dataset, lease: Lease, findings, remedies: dict, digest: str
) -> None:
    key = ProjectSecret.key_for(dataset.data_source.idea)
    chosen = {f.position: f.remedy for f in findings}
    copy = RedactedCopy(dataset=dataset, remedies_hash=digest, remedies=remedies, size=0, rows=0)
    destination = storage.path_for(copy.stored_name)
    with storage.scratch_file(".csv") as households:
        has_table = _households_file(households)
        households_path = households if has_table else None
        options = {
            "quasi_identifiers": dataset.quasi_identifiers,
            "generalisation": dataset.generalisation,
            "other_parts": False,  # the copy is the chosen sheet alone
        }
        result = _scan_kept(dataset, lease, households_path, **options)
        if result is None:  # scan again, keeping every column (the reviewer may keep one the
            # suggestions drop) with the free text scrubbed, to render from on every core
            with storage.plaintext_copy(dataset.stored_name, f".{dataset.content_type}") as path:
                result = _scan(
                    dataset, lease, path, households_path, keep_every_column=True, **options
                )
        try:
            for column in result.columns:
                column.action = chosen.get(column.index, column.action)
            summary, stored = _redact_encrypted(result, destination, key)
            # The report now describes the reviewer's quasi-identifiers, not the suggested ones
            # (keeping the scan's options to choose from while they are the same ones).
            k_anonymity = result.report["k_anonymity"]
            if k_anonymity["quasi_identifiers"] == dataset.k_anonymity.get("quasi_identifiers"):
                k_anonymity["options"] = dataset.k_anonymity.get("options", [])
            lease.renew(k_anonymity=k_anonymity, small_cells=result.report["small_cells"])
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
        finally:
            result.close()
    copy.size, copy.sha256, copy.rows = stored.size, stored.sha256, summary["rows"]
    try:
        with transaction.atomic():
            if not lease.mine().select_for_update().exists():
                raise LeaseLost(f"Dataset {dataset.pk} is held by another run")
            copy.save()
    except IntegrityError:
        destination.unlink(missing_ok=True)  # another delivery stored the same copy first
    except LeaseLost:
        destination.unlink(missing_ok=True)
        raise


def _redact_encrypted(result, destination: Path, key: bytes):
    """Redact straight into the encrypted copy: no plaintext copy on disk."""
    encrypted = EncryptingWriter(destination, storage.key())
    try:
        text = io.TextIOWrapper(
            io.BufferedWriter(encrypted, 1024 * 1024), encoding="utf-8", newline=""
        )
        summary = redact(result, text, key)
        text.flush()
        encrypted.close()  # seals the last chunk and moves the file into place
    except BaseException:
        encrypted.discard()
        raise
    return summary, encrypted.stored


# --- Reading the bytes ---------------------------------------------------------------------------


def dataset_access_record(*, dataset: Dataset, user: User, what: str, purpose: str) -> Path:
    """Log a read of the raw or redacted bytes and return the encrypted file to stream."""
    if what == DatasetAccess.What.RAW:
        path = storage.path_for(dataset.stored_name)
    else:
        copy = dataset.redacted_copies.order_by("-created_at").first()
        if copy is None:
            raise FileNotFoundError("No redacted copy")
        path = storage.path_for(copy.stored_name)
    if dataset.files_deleted_at or not path.exists():
        raise FileNotFoundError("The file has been deleted")
    DatasetAccess.objects.create(dataset=dataset, user=user, what=what, purpose=purpose)
    return path


def expired_dataset_files_delete(*, today=None) -> int:
    """Delete the encrypted files of datasets past their retention date, once, recording it.

    Also deletes decrypted scratch copies left by a worker killed mid-task (older than twice the
    task time limit, so no running task loses its file).
    """
    today = today or timezone.localdate()
    storage.stale_scratch_delete(older_than_seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    done = 0
    for dataset_id in Dataset.objects.filter(
        retention_until__lt=today, files_deleted_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            dataset = Dataset.objects.select_for_update().get(pk=dataset_id)
            if dataset.files_deleted_at is not None:
                continue
            storage.path_for(dataset.stored_name).unlink(missing_ok=True)
            storage.kept_scan_path(dataset.stored_name).unlink(missing_ok=True)
            for copy in dataset.redacted_copies.all():
                storage.path_for(copy.stored_name).unlink(missing_ok=True)
            dataset.files_deleted_at = timezone.now()
            dataset.save(update_fields=["files_deleted_at"])
            DatasetAccess.objects.create(
                dataset=dataset,
                user=None,
                what=DatasetAccess.What.DELETED,
                purpose=f"Retention date {govuk_date(dataset.retention_until)} passed",
            )
            done += 1
    return done
