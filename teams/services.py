"""Writes about programme teams. Each is recorded in the audit log by django-auditlog."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from teams.models import Membership, Programme, User


@transaction.atomic
def membership_add(
    *,
    programme: Programme,
    user: User,
    role: str,
    committed_days: int | None,
    listed_publicly: bool,
) -> Membership:
    """Give `user` a role on the programme's team; refuse a role they already hold."""
    if Membership.objects.active().filter(programme=programme, user=user, role=role).exists():
        raise ValidationError(f"{user} already holds this role on the team")
    return Membership.objects.create(
        programme=programme,
        user=user,
        role=role,
        committed_days=committed_days,
        listed_publicly=listed_publicly,
    )


def membership_end(*, membership: Membership) -> None:
    """Take someone off a role. The row stays, with its end date, as the team's history."""
    if membership.ended_at is None:
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
