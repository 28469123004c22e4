"""Builders for selection tests: evaluated candidates, scores, and a selected, announced project."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from projects.demo_selection import make_candidate
from projects.models import Criterion, Project, SelectionScore, Status
from projects.services import project_transition
from scoping.models import Idea
from teams.models import Programme, User


def candidate(
    programme: Programme, title: str = "Which families miss free school meals?"
) -> Project:
    """An evaluated candidate on `programme` (the same one each time for the same title)."""
    idea, _ = Idea.objects.get_or_create(
        programme=programme,
        title=title,
        defaults={"question": f"{title} A question in plain words."},
    )
    return make_candidate(idea)


def score(
    project: Project, scorer: User, values: int | Sequence[int] = 3, comment: str = ""
) -> None:
    """`scorer`'s scores for every criterion: one value for all, or one per criterion."""
    if isinstance(values, int):
        values = [values] * len(Criterion)
    for criterion, value in zip(Criterion, values, strict=True):
        SelectionScore.objects.update_or_create(
            project=project,
            scorer=scorer,
            criterion=criterion,
            defaults={"score": value, "comment": comment},
        )


def selected(
    programme: Programme,
    title: str = "Who stops visiting the food bank?",
    *,
    announced: bool = True,
) -> Project:
    """A selected project (scored by someone outside the personas), announced by default."""
    project = candidate(programme, title)
    if project.status == Status.EVALUATED:
        scorer, _ = User.objects.get_or_create(
            email="scorer@example.org", defaults={"display_name": "Sam Scorer"}
        )
        score(project, scorer, 4)
        project = project_transition(project=project, user=None, action="select", reason="Best")
    if announced and project.announced_at is None:
        project.public_summary = "Finding out who stops visiting, and why."
        project.announced_at = timezone.now()
        project.save(update_fields=["public_summary", "announced_at"])
    return project
