"""Writes while exploring solutions: similar work, research sessions, solution ideas with their
sketches, and who brings the skills each idea needs. Keyword-only; the forms have checked input.

Records can change while the project is selected, exploring or testing; after that they are the
record of what was done (see `is_open`).
"""

from __future__ import annotations

from django.db import transaction

from projects import files
from projects.models import (
    Project,
    ProjectMember,
    ResearchSession,
    SimilarWork,
    SolutionIdea,
    SolutionSkill,
    SolutionSkillNeed,
    Status,
)
from projects.solution_skills import skills_for
from teams.models import User

OPEN = (Status.SELECTED, Status.EXPLORING, Status.TESTING)


def is_open(project: Project) -> bool:
    """Whether the project's exploring and testing records may still change."""
    return project.status in OPEN


def similar_work_add(*, project: Project, user: User, **fields) -> SimilarWork:
    return SimilarWork.objects.create(project=project, added_by=user, **fields)


def research_session_save(
    *, session: ResearchSession, user: User, kept_identifiers: bool
) -> ResearchSession:
    """Save a research session whose text has been checked; record when someone chose to keep
    what the check found, so the pre-publication check can look again."""
    if session.pk is None:
        session.recorded_by = user
    session.kept_identifiers = kept_identifiers
    session.save()
    return session


def solution_idea_save(
    *, idea: SolutionIdea, user: User, sketch: tuple[bytes, str] | None
) -> SolutionIdea:
    """Save a solution idea (the form's instance, its many-to-many data saved by the caller),
    replacing its sketch with a new one when given. The new file is written before the row and
    the old one deleted after commit, so a failure leaves the idea with a readable sketch."""
    old = idea.sketch_name if sketch else ""
    if sketch:
        data, kind = sketch
        idea.sketch_name, idea.sketch_format = files.store(data), kind
    if idea.pk is None:
        idea.created_by = user
    try:
        with transaction.atomic():
            idea.save()
    except Exception:
        if sketch:
            files.delete(idea.sketch_name)
        raise
    if old:
        transaction.on_commit(lambda: files.delete(old))
    return idea


def needed_skills(idea: SolutionIdea) -> list[str]:
    return skills_for(idea.kind, idea.uses)


@transaction.atomic
def solution_skills_save(
    *, idea: SolutionIdea, chosen: dict[str, ProjectMember | None]
) -> list[SolutionSkillNeed]:
    """Record who brings each skill the idea needs (None: nobody yet, a gap)."""
    needs = []
    for skill, member in chosen.items():
        need, _ = SolutionSkillNeed.objects.update_or_create(
            solution=idea, skill=skill, defaults={"filled_by": member}
        )
        needs.append(need)
    return needs


def skills_table(idea: SolutionIdea) -> list[tuple[str, str, ProjectMember | None]]:
    """(skill, label, who brings it) for every skill the idea needs now; None is a gap."""
    filled = {n.skill: n.filled_by for n in idea.skill_needs.select_related("filled_by")}
    return [(s, str(SolutionSkill(s).label), filled.get(s)) for s in needed_skills(idea)]
