"""Celery entry points for datasets: thin, taking IDs and calling a service.

Scans and redactions are acknowledged late; the services claim the work and a lease on it with a
conditional UPDATE and count attempts. A worker that dies leaves its lease to lapse, and the reaper
queues the work again within minutes (the broker's own redelivery, hours later, finds it done);
a dataset that has crashed its worker three times fails instead of looping.
"""

from __future__ import annotations

from celery import shared_task

from cip.emails import EMAIL_TASK
from safety import agreements, checks, emails, services

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
    name="safety.tasks.requeue_stalled_datasets",
    acks_late=True,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def requeue_stalled_datasets() -> dict[str, int]:
    """Beat runs this every minute: queue again the scans and redactions whose worker died or
    whose message was lost, and fail those that have crashed their worker too often."""
    return services.datasets_requeue_stalled()


@shared_task(name="safety.tasks.email_dataset_failed", **EMAIL_TASK)
def email_dataset_failed(dataset_id: int) -> bool:
    """Tell the uploader (and the reviewer, for a redaction) that the work failed (sends once)."""
    return emails.dataset_failed_email(dataset_id=dataset_id)


@shared_task(
    name="safety.tasks.delete_expired_dataset_files",
    acks_late=True,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def delete_expired_dataset_files() -> int:
    """Delete the files of datasets past their retention date (beat runs it every 6 hours)."""
    return services.expired_dataset_files_delete()


@shared_task(name="safety.tasks.send_safety_reminders", acks_late=True, time_limit=10 * 60)
def send_safety_reminders() -> int:
    """Beat runs this hourly: lapse agreements past their end date, then queue one reminder per
    overdue check and per agreement date coming up. Returns how many were queued."""
    agreements.agreements_expire()
    due = agreements.agreement_reminders_due()
    for agreement_id, which in due:
        email_agreement_reminder.delay(agreement_id, which)
    overdue = checks.overdue_check_ids()
    for check_id in overdue:
        email_check_reminder.delay(check_id)
    return len(due) + len(overdue)


@shared_task(name="safety.tasks.email_check_reminder", **EMAIL_TASK)
def email_check_reminder(check_id: int) -> bool:
    """Remind the reviewers about a waiting check (safe to run twice: sends once)."""
    return emails.check_reminder_email(check_id=check_id)


@shared_task(name="safety.tasks.email_agreement_reminder", **EMAIL_TASK)
def email_agreement_reminder(agreement_id: int, which: str) -> bool:
    """Remind the register's keepers about a review or end date (sends once)."""
    return emails.agreement_reminder_email(agreement_id=agreement_id, which=which)
