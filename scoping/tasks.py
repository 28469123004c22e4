"""Celery entry points for scoping: thin, taking IDs and calling a service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from cip.emails import EMAIL_TASK
from scoping import services


@shared_task(name="scoping.tasks.email_session_invitation", **EMAIL_TASK)
def email_session_invitation(invitation_id: int) -> bool:
    """Send someone their invitation to a scoping session (safe to run twice: sends once)."""
    return services.session_invitation_email(invitation_id=invitation_id)


@shared_task(name="scoping.tasks.email_evaluation_shared", **EMAIL_TASK)
def email_evaluation_shared(evaluation_id: int, shared_at: str) -> int:
    """Tell the core team an evaluation summary is ready to read (once per share)."""
    return services.evaluation_share_email(
        evaluation_id=evaluation_id, shared_at=datetime.fromisoformat(shared_at)
    )


@shared_task(name="scoping.tasks.email_session_changed", **EMAIL_TASK)
def email_session_changed(session_id: int, changes: str) -> int:
    """Email updated invitations after a session's time or place changed (each person once)."""
    return services.session_change_email(session_id=session_id, changes=changes)


@shared_task(name="scoping.tasks.email_session_cancellation", **EMAIL_TASK)
def email_session_cancellation(cancellation_id: int) -> bool:
    """Email someone no longer invited a cancellation of the session (safe to run twice)."""
    return services.session_cancellation_email(cancellation_id=cancellation_id)
