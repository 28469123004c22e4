"""Celery entry points for datasets: thin, taking IDs and calling a service.

Scans and redactions are acknowledged late and rejected (so redelivered) if their worker dies; the
services claim the work with a conditional UPDATE and count attempts, so a redelivery resumes the
work and a fourth try fails the dataset instead of looping.
"""

from __future__ import annotations

from celery import shared_task

from safety import services

LONG_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
}


@shared_task(name="safety.tasks.scan_dataset", **LONG_TASK)
def scan_dataset(dataset_id: int) -> bool:
    """Scan an uploaded dataset for personal data (safe to run twice)."""
    return services.dataset_scan(dataset_id=dataset_id)


@shared_task(name="safety.tasks.redact_dataset", **LONG_TASK)
def redact_dataset(dataset_id: int) -> bool:
    """Write the redacted copy with the reviewer's remedies (safe to run twice)."""
    return services.dataset_redact(dataset_id=dataset_id)


@shared_task(
    name="safety.tasks.delete_expired_dataset_files",
    acks_late=True,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def delete_expired_dataset_files() -> int:
    """Delete the files of datasets past their retention date (beat runs it every 6 hours)."""
    return services.expired_dataset_files_delete()
