"""Dashboard tasks about scoping: sessions someone is invited to, and questions to record."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import Task, TaskGroup, register
from projects.models import ENDED
from scoping.models import ScopingSession, SessionInvitation
from teams.models import Role
from teams.roles import in_sentence
from teams.rules import programmes_where


@register
def scoping_tasks(request: HttpRequest) -> Iterator[TaskGroup]:
    user, now = request.user, timezone.now()
    invitations = (
        SessionInvitation.objects.filter(user=user, session__starts_at__gt=now)
        .filter(session__idea__merged_into__isnull=True)
        .exclude(session__idea__project__status__in=ENDED)
        .select_related("session__idea")
        .order_by("session__starts_at", "pk")
    )
    yield TaskGroup("Scoping sessions you are invited to", invitations, _invitation_task)
    facilitating = programmes_where(user, Role.FACILITATOR)
    if not facilitating:
        yield TaskGroup("Refined questions to record", [], _question_task)
        return
    # One task per idea, for its latest session held so far.
    latest = ScopingSession.objects.filter(idea=OuterRef("idea"), starts_at__lte=now).order_by(
        "-starts_at", "-pk"
    )
    held = (
        ScopingSession.objects.filter(
            idea__programme__in=facilitating, starts_at__lte=now, idea__refined_question=""
        )
        .filter(idea__merged_into__isnull=True)
        .exclude(idea__project__status__in=ENDED)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("idea")
        .order_by("-starts_at", "-pk")
    )
    yield TaskGroup("Refined questions to record", held, _question_task)


def _invitation_task(invitation: SessionInvitation) -> Task:
    session = invitation.session
    return Task(
        title=f"Scoping session: {session.idea.title}",
        url=session.get_absolute_url(),
        hint=f"{session.when}, as {in_sentence(invitation.get_role_display())}.",
        status="Invited",
    )


def _question_task(session: ScopingSession) -> Task:
    return Task(
        title=f"Record the refined question for “{session.idea.title}”",
        url=reverse("scoping:session_question", args=[session.pk]),
        hint=f"The scoping session took place on {session.when}.",
    )
