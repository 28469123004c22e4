"""Plain-text emails from templates whose first line is the subject."""

from __future__ import annotations

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A full link for an email, on the site's public address."""
    return settings.SITE_URL.rstrip("/") + path


def templated_message(template: str, *, to: list[str], context: dict) -> EmailMessage:
    """The email a template writes (first line the subject), ready to attach to and send."""
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    return EmailMessage(subject.strip(), body.strip() + "\n", None, to)


def send_templated(template: str, *, to: list[str], context: dict) -> None:
    templated_message(template, to=to, context=context).send()


# Options for a Celery task that sends one email: its service claims the row before sending and
# undoes the claim if the mail server fails, so retrying later is safe.
EMAIL_TASK = {
    "acks_late": True,
    "soft_time_limit": 60,
    "time_limit": 90,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "max_retries": 8,
}
