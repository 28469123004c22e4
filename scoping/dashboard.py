"""Dashboard tasks about scoping: sessions someone is invited to, and questions to record."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import Task, register
from projects.models import ENDED
from scoping.models import ScopingSession, SessionInvitation
from teams.models import Role
from teams.roles import in_sentence


@register
def scoping_tasks(request: HttpRequest) -> Iterator[Task]:
    user, now = request.user, timezone.now()
    invitations = (
        SessionInvitation.objects.filter(user=user, session__starts_at__gt=now)
        .filter(session__idea__merged_into__isnull=True)
        .exclude(session__idea__project__status__in=ENDED)
        .select_related("session__idea")
    )
    for invitation in invitations.order_by("session__starts_at"):
        session = invitation.session
        yield Task(
            title=f"Scoping session: {session.idea.title}",
            url=session.get_absolute_url(),
            hint=f"{session.when}, as {in_sentence(invitation.get_role_display())}.",
            status="Invited",
        )
    facilitating = user.memberships.active().filter(role=Role.FACILITATOR).values("programme")
    held = (
        ScopingSession.objects.filter(
            idea__programme__in=facilitating, starts_at__lte=now, idea__refined_question=""
        )
        .filter(idea__merged_into__isnull=True)
        .exclude(idea__project__status__in=ENDED)
        .select_related("idea")
    )
    # One task per idea, for its latest session.
    seen: set[int] = set()
    for session in held.order_by("-starts_at"):
        if session.idea_id in seen:
            continue
        seen.add(session.idea_id)
        yield Task(
            title=f"Record the refined question for “{session.idea.title}”",
            url=reverse("scoping:session_question", args=[session.pk]),
            hint=f"The scoping session took place on {session.when}.",
        )
