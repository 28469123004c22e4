"""Demo reflections for `manage.py seed_demo`: Camden's published project starts reflecting. Its
survey has answers (some anonymous), the team's retrospective board has cards (two merged, one
marked as an action), two lessons show in the help of the scoping and safety-check pages of
Camden's other projects, and the programme has published a change to its method.

Safe to run again: each part is looked up first. It sends no email: the invitations count as sent.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from projects import reflection
from projects.demo_solutions import CAMDEN_PROJECT
from projects.models import (
    Lesson,
    MethodChange,
    Project,
    ProjectEvent,
    RetroCard,
    Status,
    Step,
    SurveyInvitation,
)
from teams.models import Programme, User

ANSWERS = [
    (
        False,
        {
            "mechanisms": ["agreement", "aggregates"],
            "relationships": "several",
            "relationships_text": "The food bank's volunteers and the council's welfare-rights "
            "team now meet every month: they found they were phoning the same families.",
            "sources": "yes",
            "sources_text": "The school-holiday meal vouchers showed the summer drop-off we "
            "had only guessed at.",
            "selection": "well",
            "checks": "more",
        },
    ),
    (
        True,
        {
            "mechanisms": ["aggregates"],
            "relationships": "one",
            "impact": "yes",
            "impact_text": "Ward figures for the smallest wards could point to a handful of "
            "families. We merged two wards on the map.",
            "selection": "partly",
            "checks": "more",
            "selection_text": "Do the evaluation-stage safety check before scoring, not after: "
            "we scored an idea whose data we could not have used.",
        },
    ),
    (
        True,
        {
            "mechanisms": ["agreement", "redacted"],
            "relationships": "several",
            "sources": "no",
            "selection": "well",
            "checks": "same",
            "anything_text": "Book the data owners into the first scoping session: it saved "
            "us three weeks.",
        },
    ),
    (
        False,
        {
            "mechanisms": ["aggregates", "open"],
            "relationships": "none",
            "sources": "yes",
            "sources_text": "ONS ward population estimates made the rates comparable.",
            "selection": "well",
            "checks": "fewer",
        },
    ),
    (
        True,
        {
            "mechanisms": ["agreement"],
            "relationships": "one",
            "impact": "no",
            "selection": "unsure",
            "checks": "more",
        },
    ),
]
CARDS = [
    ("worked", "Weekly check-ins between the analyst and the food bank"),
    ("worked", "Testing the map on phones before publishing"),
    ("didnt", "The data-sharing agreement took six weeks to sign"),
    ("didnt", "Waiting weeks for the sharing agreement"),
    ("change", "Start the sharing agreement during scoping"),
]
LESSONS = [
    (
        Step.SCOPING,
        "Invite the data owners to the first scoping session",
        "On the food bank project the data owners joined late, and the data inventory had to "
        "be redone.\n\nNext time, invite **every organisation whose data might be used** to "
        "the first session, so that the inventory is right from the start.",
    ),
    (
        Step.SAFETY_CHECKS,
        "Start the sharing agreement while the safety check is written",
        "The agreement took six weeks to sign after the evaluation-stage check was approved.\n\n"
        "Draft it with the legal and contracts member as soon as the data sources are known.",
    ),
]


def seed_reflection(programmes: dict[str, Programme]) -> None:
    camden = programmes.get("camden")
    project = Project.objects.filter(idea__programme=camden, idea__title=CAMDEN_PROJECT).first()
    facilitator = User.objects.filter(email="facilitator@camden.example").first()
    if camden is None or project is None or facilitator is None:
        return
    with transaction.atomic():
        if project.status == Status.PUBLISHED:
            project = _reflect(project, facilitator)
        if project.status == Status.REFLECTING:
            _board(project, facilitator)
        for step, title, body in LESSONS:
            Lesson.objects.get_or_create(
                programme=camden,
                title=title,
                defaults={
                    "project": project,
                    "step": step,
                    "body": body,
                    "created_by": facilitator,
                },
            )
        MethodChange.objects.get_or_create(
            programme=camden,
            version="1.1",
            defaults={
                "date": timezone.localdate() - timedelta(days=2),
                "summary": "Sharing agreements are drafted during scoping, not after selection.",
                "body": "After the food bank project, everyone involved said the agreement "
                "came too late.\n\n- The legal and contracts member joins the first scoping "
                "session.\n- The agreement is drafted beside the evaluation-stage safety check.",
                "created_by": facilitator,
            },
        )


def _reflect(project: Project, facilitator: User) -> Project:
    """Open the survey (no email: the invitations count as sent) and record the answers."""
    survey = reflection.survey_start(project=project, user=facilitator)
    survey.invitations.update(emailed_at=timezone.now())
    ProjectEvent.objects.filter(project=project, emailed_at=None).update(emailed_at=timezone.now())
    people = list(survey.invitations.order_by("pk"))
    extra = len(ANSWERS) - len(people)
    people += [
        SurveyInvitation.objects.create(
            survey=survey, email=f"partner{i}@camden.example", emailed_at=timezone.now()
        )
        for i in range(max(extra, 0))
    ]
    for invitation, (anonymous, answers) in zip(people, ANSWERS, strict=False):
        reflection.survey_answer(invitation=invitation, answers=answers, anonymous=anonymous)
    project.refresh_from_db()
    return project


def _board(project: Project, facilitator: User) -> None:
    if project.retro_cards.exists():
        return
    cards = [
        RetroCard.objects.create(project=project, column=column, text=text, author=facilitator)
        for column, text in CARDS
    ]
    cards[3].merged_into = cards[2]
    cards[3].save(update_fields=["merged_into"])
    cards[4].is_action = True
    cards[4].save(update_fields=["is_action"])
