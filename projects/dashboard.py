"""Dashboard tasks about ideas: new ideas waiting for a facilitator, and questions from the team
waiting for a proposer's reply."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import Task, TaskGroup, TeamRole, register, register_team_roles
from cip.templatetags.govuk import govuk_date
from projects.lifecycle import project_under_way
from projects.models import (
    UNDER_WAY,
    Action,
    BlogPost,
    Project,
    ProjectMember,
    SelectionScore,
    Status,
    TestingWorkshop,
    WorkshopBooking,
)
from projects.queries import proposed_by, with_reply_state
from teams.models import Programme, Role
from teams.rules import programmes_where


@register
def idea_tasks(request: HttpRequest) -> Iterator[Task | TaskGroup]:
    user = request.user
    if not user.is_authenticated:
        return
    facilitating = (
        Programme.objects.filter(pk__in=programmes_where(user, Role.FACILITATOR))
        .annotate(
            new_ideas=Count("ideas", filter=Q(ideas__project__status=Status.IDEA), distinct=True)
        )
        .order_by("name", "pk")  # a grouped query drops Meta.ordering
    )
    for programme in facilitating:
        if programme.new_ideas:
            count = programme.new_ideas
            yield Task(
                title=f"Look at {count} new idea{'s' if count != 1 else ''} for {programme.name}",
                url=reverse("projects:idea_queue", args=[programme.slug]) + "?status=idea",
                hint="Ask the proposers for more information, merge duplicates, or schedule "
                "scoping sessions.",
            )
    waiting = with_reply_state(proposed_by(user)).filter(awaiting_reply=True)
    yield TaskGroup(
        "Questions about your ideas",
        waiting.select_related("idea").order_by("-last_request_at", "-pk"),
        lambda project: Task(
            title=f"Reply to the team about “{project.idea.title}”",
            url=reverse("projects:project", args=[project.pk]) + "#messages",
            hint="The team has asked you for more information about your idea.",
        ),
    )


# Selection (projects/selection.py): candidates to score, and decisions to record.
@register
def selection_tasks(request: HttpRequest) -> Iterator[Task | TaskGroup]:
    """Candidates a core-team member has not scored; for the facilitator, the decision once every
    candidate has at least one score."""
    user = request.user
    if not user.is_authenticated:
        return
    on_team = programmes_where(user)
    scored = SelectionScore.objects.filter(project=OuterRef("pk"), scorer=user)
    unscored = (
        Project.objects.filter(status=Status.EVALUATED, idea__programme__in=on_team)
        .exclude(Exists(scored))
        .select_related("idea")
        .order_by("status_changed_at", "pk")
    )
    yield TaskGroup(
        "Candidates to score",
        unscored if on_team else [],
        lambda project: Task(
            title=f"Score “{project.idea.title}”",
            url=reverse("projects:score", args=[project.pk]),
            hint="Score the candidate against each selection criterion, from 1 to 5.",
        ),
    )
    facilitating = (
        Programme.objects.filter(pk__in=programmes_where(user, Role.FACILITATOR))
        .annotate(
            candidates=Count(
                "ideas__project", filter=Q(ideas__project__status=Status.EVALUATED), distinct=True
            ),
            scored=Count(
                "ideas__project",
                filter=Q(
                    ideas__project__status=Status.EVALUATED, ideas__project__scores__isnull=False
                ),
                distinct=True,
            ),
        )
        .order_by("name", "pk")
    )
    for programme in facilitating:
        # One project at a time (projects.lifecycle.no_other_project_under_way).
        if (
            programme.candidates
            and programme.scored == programme.candidates
            and not (project_under_way(programme.pk))
        ):
            yield Task(
                title=f"Record the selection decision for {programme.name}",
                url=reverse("projects:selection_decide", args=[programme.slug]),
                hint="Every candidate has been scored: compare them, select one and park the "
                "others with your reasons.",
            )


# Insights to actions (projects/actions.py): open actions the person's organisation owns.
@register
def action_tasks(request: HttpRequest) -> Iterator[Task | TaskGroup]:
    user = request.user
    if not (user.is_authenticated and user.organisation_id and user.organisation_confirmed):
        return
    owned = (
        Action.objects.open()
        .filter(owner_id=user.organisation_id)
        .select_related("insight")
        .order_by("due_date", "pk")
    )
    yield TaskGroup(
        "Your organisation's actions",
        owned,
        lambda action: Task(
            title=f"Give an update on “{action.title}”",
            url=action.get_absolute_url(),
            hint=f"Due {govuk_date(action.due_date)}. Say how it is going, or mark it done.",
        ),
        see_all=reverse("projects:my_actions"),
    )


# Testing (projects/workshops.py): upcoming workshops someone was invited to, so that the
# invitation email is not the only way back to the page where they book or give up a place.
@register
def workshop_tasks(request: HttpRequest) -> Iterator[TaskGroup]:
    user = request.user
    if not user.is_authenticated:
        return
    booked = WorkshopBooking.objects.filter(
        workshop=OuterRef("pk"), user=user, status=WorkshopBooking.Status.BOOKED
    )
    upcoming = (
        TestingWorkshop.objects.filter(invitations__user=user, starts_at__gt=timezone.now())
        .annotate(booked=Exists(booked))
        .select_related("project__idea")
        .order_by("starts_at", "pk")
    )
    yield TaskGroup("Your testing workshops", upcoming, _workshop_task)


def _workshop_task(workshop: TestingWorkshop) -> Task:
    url = reverse("projects:workshop_book", args=[workshop.project_id, workshop.pk])
    title = workshop.project.idea.title
    if workshop.booked:
        return Task(f"Testing workshop on “{title}”", url, hint=workshop.when, status="Booked")
    return Task(f"Book a place at the testing workshop on “{title}”", url, hint=workshop.when)


# Sharing (projects/sharing.py): blog posts waiting for the facilitator, or back with the authors.
@register
def sharing_tasks(request: HttpRequest) -> Iterator[TaskGroup]:
    user = request.user
    if not user.is_authenticated:
        return
    facilitating = programmes_where(user, Role.FACILITATOR)
    yield TaskGroup(
        "Blog posts to review",
        BlogPost.objects.filter(
            status=BlogPost.Status.SUBMITTED, programme__in=facilitating
        ).order_by("submitted_at", "pk")
        if facilitating
        else [],
        lambda post: Task(
            title=f"Review “{post.title}”",
            url=reverse("projects:blog_review", args=[post.pk]),
            hint="Publish it, or send it back to its authors with a comment.",
        ),
    )
    yield TaskGroup(
        "Blog posts sent back to you",
        BlogPost.objects.filter(status=BlogPost.Status.RETURNED, authors=user).order_by(
            "updated_at", "pk"
        ),
        lambda post: Task(
            title=f"Change “{post.title}” and send it again",
            url=post.get_absolute_url(),
            hint="The facilitator has asked for changes before publishing it.",
        ),
    )


@register_team_roles
def project_team_roles(request: HttpRequest) -> Iterator[TeamRole]:
    """Project teams the person was invited to (by account, or by their address before they had
    one), while the project is under way."""
    user = request.user
    members = (
        ProjectMember.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        .filter(project__status__in=UNDER_WAY)
        .select_related("project__idea__programme")
        .order_by("project__idea__title")
    )
    for member in members:
        project = member.project
        public = reverse("landing:programme", args=[project.idea.programme.slug]) + "#the-project"
        yield TeamRole(
            team=f"Project team for “{project.idea.title}”",
            role=member.role,
            url=public if project.announced_at else "",
        )
