"""Celery entry points for projects: thin, taking IDs and calling a service."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from projects import emails


@shared_task(
    name="projects.tasks.email_proposer_about_move",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=8,
)
def email_proposer_about_move(event_id: int) -> bool:
    """Tell a proposer their idea moved (safe to run twice: sends once)."""
    return emails.proposer_move_email(event_id=event_id)
