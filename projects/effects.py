"""What happens after a lifecycle move commits. The table in `projects.lifecycle` names these;
each takes the ProjectEvent's id and queues the work."""

from __future__ import annotations


def tell_proposer(event_id: int) -> None:
    """Email the idea's proposer that their idea has moved, with the reason given."""
    from projects.tasks import email_proposer_about_move  # noqa: PLC0415 (tasks import services)

    email_proposer_about_move.delay(event_id)
