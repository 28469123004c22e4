"""Emails about projects. Each claims its row before sending, so a task run twice sends once,
and gives the claim back if sending fails, so a retry can send it."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated
from projects.models import ProjectEvent


def proposer_move_email(*, event_id: int) -> bool:
    """Email the proposer about a move of their idea; False when there is nobody to tell or it
    was sent already."""
    with transaction.atomic():
        claimed = ProjectEvent.objects.filter(pk=event_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        event = ProjectEvent.objects.select_related(
            "project__idea__programme", "project__idea__proposer"
        ).get(pk=event_id)
        proposer = event.project.idea.proposer
        if proposer is None:
            return False
        context = {
            "event": event,
            "idea": event.project.idea,
            "programme": event.project.idea.programme,
            "status": event.get_to_status_display().lower(),
            "idea_url": absolute_url(reverse("projects:project", args=[event.project_id])),
        }
        # Sending inside the transaction: if the mail server fails, the claim rolls back.
        send_templated("projects/email/idea_moved.txt", to=[proposer.email], context=context)
    return True
