"""Celery entry points for teams: thin, taking IDs and calling a service."""

from __future__ import annotations

from celery import shared_task

from cip.emails import EMAIL_TASK
from teams import emails, services


@shared_task(name="teams.tasks.email_office_hour_booking", **EMAIL_TASK)
def email_office_hour_booking(booking_id: int, kind: str, sequence: int) -> bool:
    """Email someone about a change to their booking (safe to run twice)."""
    return services.office_hour_booking_email(booking_id=booking_id, kind=kind, sequence=sequence)


# Beat runs this every 15 minutes (CELERY_BEAT_SCHEDULE); a run that misses its turn is harmless,
# the next one picks up the same bookings.
@shared_task(
    name="teams.tasks.send_office_hour_reminders",
    acks_late=True,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
    expires=14 * 60,
)
def send_office_hour_reminders() -> int:
    """Remind people of office hours starting within 24 hours, once each."""
    return services.office_hour_reminders_send()


@shared_task(name="teams.tasks.email_notice", **EMAIL_TASK)
def email_notice(notice_id: int) -> bool:
    """Tell someone what changed for them: a team role, their site role, their organisation
    (safe to run twice: sends once)."""
    return emails.notice_email(notice_id=notice_id)
