"""The lessons library and the method's changelog: lessons a programme records from its
projects' reflections, shown in the help of the step they are about, and the versions of how it
runs projects."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from projects.models import Lesson, Project, RetroCard, Step, SurveyAnswer
from projects.reflection import BY_KEY
from teams.models import Programme
from teams.rules import is_admin, is_programme_member

HELP_LIMIT = 5


def lessons_for_step(
    *, programme: Programme, step: str, user, project: Project | None = None
) -> QuerySet[Lesson]:
    """The lessons other projects recorded for `step`, newest first: all the programme's for its
    core team (and admins), only public ones for anyone else."""
    lessons = Lesson.objects.filter(programme=programme, step=step)
    if project is not None:
        lessons = lessons.exclude(project=project)
    if not (is_programme_member(user, programme) or is_admin(user)):
        lessons = lessons.filter(is_public=True)
    return lessons.select_related("project__idea")


def prefill(programme: Programme, *, answer: str = "", card: str = "") -> dict:
    """A new lesson's first draft from a free-text survey answer or a retrospective card on one
    of the programme's projects (empty when neither is found)."""
    if answer.isdigit():
        found = (
            SurveyAnswer.objects.filter(
                pk=answer, response__survey__project__idea__programme=programme
            )
            .exclude(text="")
            .select_related("response__survey__project")
            .first()
        )
        if found is not None:
            question = BY_KEY.get(found.question)
            return {
                "project": found.response.survey.project,
                "initial": {
                    "title": question.label if question else "",
                    "body": found.text,
                    "step": Step.REFLECTING,
                },
            }
    if card.isdigit():
        found_card = (
            RetroCard.objects.filter(pk=card, project__idea__programme=programme)
            .select_related("project")
            .first()
        )
        if found_card is not None:
            return {
                "project": found_card.project,
                "initial": {"title": found_card.text[:200], "body": found_card.text},
            }
    return {"project": None, "initial": {}}


def library(programme: Programme, *, step: str = "", search: str = "") -> QuerySet[Lesson]:
    lessons = programme.lessons.select_related("project__idea", "created_by")
    if step:
        lessons = lessons.filter(step=step)
    if search:
        lessons = lessons.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return lessons
