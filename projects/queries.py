"""Reading ideas and projects: whose they are and whether the team is waiting on a reply."""

from __future__ import annotations

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, When

from projects.models import Project
from scoping.models import IdeaMessage


def _latest(kind: str) -> Subquery:
    return Subquery(
        IdeaMessage.objects.filter(idea=OuterRef("idea"), kind=kind)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def with_reply_state(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate `awaiting_reply`: the team has asked the proposer for more information and has
    had no reply since. Two subqueries, whatever the number of rows."""
    return projects.annotate(
        last_request_at=_latest(IdeaMessage.Kind.REQUEST),
        last_reply_at=_latest(IdeaMessage.Kind.REPLY),
    ).annotate(
        awaiting_reply=Case(
            When(
                Q(last_request_at__isnull=False)
                & (Q(last_reply_at__isnull=True) | Q(last_reply_at__lt=F("last_request_at"))),
                then=True,
            ),
            default=False,
            output_field=BooleanField(),
        )
    )


def proposed_by(user) -> QuerySet[Project]:
    """Projects whose idea the user proposed, or their organisation did (once an admin has
    confirmed they work there), as `projects.rules.is_proposer` decides."""
    if not user.is_authenticated:
        return Project.objects.none()
    mine = Q(idea__proposer=user)
    if user.organisation_id and user.organisation_confirmed:
        mine |= Q(idea__proposing_organisation_id=user.organisation_id)
    return Project.objects.filter(mine)


def filter_ideas(
    projects: QuerySet[Project], *, status: str = "", organisation=None, q: str = ""
) -> QuerySet[Project]:
    """The idea queue's filters: a status, the proposing organisation, words in the idea."""
    if status:
        projects = projects.filter(status=status)
    if organisation is not None:
        projects = projects.filter(idea__proposing_organisation=organisation)
    for word in q.split():
        projects = projects.filter(
            Q(idea__title__icontains=word)
            | Q(idea__problem__icontains=word)
            | Q(idea__question__icontains=word)
        )
    return projects
