"""Demo selection for `manage.py seed_demo`: candidates scored by the core team in both programmes.

Camden has made its decision: the food-bank idea is selected, announced with a project team and
one registration of interest, and the other candidate is parked with a reason. Central
Bedfordshire's core team is still scoring, so its decision is waiting for the facilitator.

Each candidate gets what the lifecycle's guards ask for before evaluation (a scoping session, a
refined question, a data source, a skill, a complete evaluation summary and an approved
evaluation safety check per data source), created only where missing, then moves through
`project_transition` as the system. Safe to run again: it adds
nothing the second time. Sends no email of its own.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from projects.models import (
    UNDER_WAY,
    Criterion,
    InterestRegistration,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    Status,
)
from projects.services import project_transition
from safety.demo import approved_evaluation_checks
from scoping.models import DataSource, EvaluationSummary, Idea, ScopingSession, Skill, SkillNeed
from teams.models import Organisation, Programme, Role, User

# Each scorer's scores for the criteria, in Criterion order.
Scores = tuple[int, int, int, int, int, int, int]

CANDIDATES = {
    "camden": [
        {
            # Scoped by scoping.demo; selected and announced here.
            "title": "Who stops coming to the food bank, and why?",
            "scores": {
                "facilitator@camden.example": ((5, 4, 5, 4, 4, 4, 3), "The data is ready to use."),
                "delivery-lead@camden.example": (
                    (4, 4, 5, 3, 5, 4, 4),
                    "Clear use for the answer.",
                ),
                "analyst@camden.example": ((4, 5, 4, 4, 4, 3, 4), "We have the extract skills."),
                "communities@refugee-network.example": (
                    (5, 5, 5, 3, 4, 5, 3),
                    "Families we work with describe exactly this gap.",
                ),
            },
        },
        {
            "title": "Are older residents missing out on winter warm spaces?",
            "organisation": "Open Door Mental Health",
            "problem": "Warm spaces opened across the borough, but volunteers see few older "
            "residents in them.",
            "refined_question": "Which older residents most at risk of a cold home do not use a "
            "warm space, and what would bring them in?",
            "source": ("Warm spaces sign-in sheets", DataSource.Kind.PAPER),
            "skill": Skill.DATA_CLEANING,
            "scores": {
                "facilitator@camden.example": ((3, 3, 4, 2, 3, 3, 2), "Sign-in sheets are patchy."),
                "delivery-lead@camden.example": ((2, 3, 4, 2, 3, 4, 2), ""),
                "analyst@camden.example": (
                    (2, 4, 3, 1, 3, 3, 2),
                    "Paper records: weeks of cleaning before any analysis.",
                ),
                "communities@refugee-network.example": ((4, 4, 4, 3, 3, 3, 3), ""),
            },
        },
    ],
    "central-bedfordshire": [
        {
            # Scoped by scoping.demo; still a candidate.
            "title": "Which villages miss out on debt advice?",
            "scores": {
                "facilitator@centralbedfordshire.example": (
                    (4, 4, 4, 4, 5, 3, 3),
                    "The case records are in good shape.",
                ),
                "lead@advice.example": ((5, 4, 5, 4, 5, 4, 4), "Our caseworkers would use it."),
                "data-specialist@nhs-trust.example": ((4, 3, 4, 3, 4, 3, 2), ""),
            },
        },
        {
            "title": "Which rural households are missing out on Pension Credit?",
            "organisation": "Ivel Valley Advice Service",
            "problem": "Take-up of Pension Credit looks low in the villages, but nobody knows "
            "which households are missing out.",
            "refined_question": "Which villages have the most older households likely to be "
            "eligible for Pension Credit but not claiming it?",
            "source": ("Council Tax Support caseload extract", DataSource.Kind.DIGITAL_SYSTEM),
            "skill": Skill.SYSTEM_ADMIN,
            "scores": {
                "facilitator@centralbedfordshire.example": ((3, 4, 4, 3, 4, 4, 4), ""),
                # Far apart on the first criterion: the comparison flags it.
                "lead@advice.example": ((5, 4, 4, 3, 4, 5, 4), "We can lend a caseworker."),
                "advisory@mental-health.example": (
                    (1, 3, 3, 2, 3, 4, 3),
                    "The revenues team has no time before the summer.",
                ),
            },
        },
    ],
}

DECISION = {
    "camden": {
        "select": "Who stops coming to the food bank, and why?",
        "reason": "Highest scores across the core team, data we can reach in weeks, and a "
        "partner ready to act on the answer.",
        "park_reason": "Worth doing next winter: the sign-in sheets need a season of "
        "consistent recording before they can answer the question.",
        "public_summary": "Northgate Community Food Bank and Camden Council are finding out "
        "which households stop visiting the food bank while still in crisis, so that advice "
        "reaches them within a month. The food bank's volunteers, the council's analysts and "
        "welfare-rights specialists make up the team.",
        "members": [
            (
                "Nadia Rahman",
                "nadia.rahman@foodbank.example",
                "Northgate Community Food Bank",
                "Someone who knows the data in depth",
                "Two hours a week for eight weeks: explaining the visit spreadsheet to the "
                "analysts and checking what they find.",
                True,
            ),
            (
                "Ben Ellis",
                "ben.ellis@camden.example",
                "Camden Council",
                "Subject-matter expert: welfare rights",
                "Two workshops in the testing stage, and reading the draft findings.",
                True,
            ),
            (
                "Kwame Mensah",
                "legal@camden.example",
                "Camden Council",
                "Contracts and legal",
                "Review the data sharing agreement with the food bank in the first fortnight.",
                False,
            ),
        ],
        "interest": (
            "advisory@mental-health.example",
            "Open Door Mental Health",
            "Many of the young people we support live in households that use food banks. We "
            "could run two interviews with families who stopped visiting.",
        ),
    },
}


def seed_selection(programmes: dict[str, Programme]) -> None:
    """Score the candidates of each programme and, in Camden, record and announce the decision
    (only what is missing)."""
    people = {user.email: user for user in User.objects.all()}
    with transaction.atomic():
        for slug, programme in programmes.items():
            projects = {}
            for spec in CANDIDATES.get(slug, []):
                idea = _idea(programme, spec)
                project = make_candidate(idea)
                for email, (values, comment) in spec["scores"].items():
                    if email in people and project.status == Status.EVALUATED:
                        _score(project, people[email], values, comment)
                projects[spec["title"]] = project
            if slug in DECISION:
                _decide(projects, DECISION[slug], people)
        # The demo's moves are history, not news: their emails count as sent.
        ProjectEvent.objects.filter(
            project__idea__programme__in=programmes.values(), emailed_at=None
        ).update(emailed_at=timezone.now())


def make_candidate(idea: Idea, *, question: str = "", facilitator: User | None = None) -> Project:
    """Give the idea what the guards ask for before evaluation, where it is missing, and move it
    to evaluated. Ideas already past scoping are left alone."""
    project = Project.objects.get(idea=idea)
    if project.status not in (Status.IDEA, Status.SCOPING):
        return project
    if not idea.scoping_sessions.exists():
        ScopingSession.objects.create(
            idea=idea,
            starts_at=timezone.now() - timedelta(days=21),
            location="Online",
            created_by=facilitator,
        )
    if not idea.refined_question.strip():
        idea.refined_question = question or idea.question or idea.title
        idea.save(update_fields=["refined_question"])
    if not idea.data_sources.exists():
        DataSource.objects.create(idea=idea, name="Partner records", kind=DataSource.Kind.PAPER)
    if not idea.skill_needs.exists():
        SkillNeed.objects.create(idea=idea, skill=Skill.SUBJECT_EXPERT)
    evaluation, _ = EvaluationSummary.objects.get_or_create(idea=idea)
    if not evaluation.is_complete:
        evaluation.existing_work = evaluation.existing_work or "Nothing local found yet."
        evaluation.people_and_skills = evaluation.people_and_skills or "A data analyst."
        evaluation.data_safety = evaluation.data_safety or "Records may name people."
        evaluation.updated_by = facilitator
        evaluation.save()
    if evaluation.shared_at is None:  # shared with the core team as it stands
        EvaluationSummary.objects.filter(pk=evaluation.pk).update(shared_at=F("updated_at"))
    approved_evaluation_checks(idea)
    if project.status == Status.IDEA:
        project = project_transition(project=project, user=None, action="start_scoping")
    return project_transition(project=project, user=None, action="evaluate")


def _idea(programme: Programme, spec: dict) -> Idea:
    """The idea by title: scoping.demo's, or this module's own with its scoping records."""
    idea = Idea.objects.filter(programme=programme, title=spec["title"]).first()
    if idea is not None or "problem" not in spec:
        return idea or Idea.objects.create(programme=programme, title=spec["title"])
    organisation = Organisation.objects.filter(name=spec["organisation"]).first()
    idea = Idea.objects.create(
        programme=programme,
        title=spec["title"],
        problem=spec["problem"],
        question=spec["refined_question"],
        refined_question=spec["refined_question"],
        proposing_organisation=organisation,
    )
    name, kind = spec["source"]
    DataSource.objects.create(idea=idea, name=name, kind=kind, owner=organisation)
    SkillNeed.objects.create(idea=idea, skill=spec["skill"], suggested=True)
    EvaluationSummary.objects.create(
        idea=idea,
        existing_work="A neighbouring borough mapped the same question last year.",
        people_and_skills=f"{Skill(spec['skill']).label}, found outside the core team.",
        data_safety="The records name residents: only counts by area would leave the owner.",
    )
    return idea


def _score(project: Project, scorer: User, values: Scores, comment: str) -> None:
    for criterion, score in zip(Criterion, values, strict=True):
        SelectionScore.objects.get_or_create(
            project=project,
            scorer=scorer,
            criterion=criterion,
            defaults={"score": score, "comment": comment if criterion == Criterion.IMPACT else ""},
        )


def _decide(projects: dict[str, Project], decision: dict, people: dict[str, User]) -> None:
    chosen = projects.get(decision["select"])
    if chosen is None:
        return
    if chosen.status == Status.EVALUATED:
        chosen = project_transition(
            project=chosen, user=None, action="select", reason=decision["reason"]
        )
    for title, project in projects.items():
        if title != decision["select"] and project.status == Status.EVALUATED:
            project_transition(
                project=project, user=None, action="park", reason=decision["park_reason"]
            )
    if chosen.status not in UNDER_WAY:
        return
    inviter = User.objects.filter(
        memberships__programme=chosen.idea.programme,
        memberships__role=Role.FACILITATOR,
        memberships__ended_at__isnull=True,
    ).first()
    for name, email, organisation, role, expectations, listed in decision["members"]:
        ProjectMember.objects.get_or_create(
            project=chosen,
            email=email,
            defaults={
                "name": name,
                "user": people.get(email),
                "organisation": Organisation.objects.filter(name=organisation).first(),
                "role": role,
                "expectations": expectations,
                "listed_publicly": listed,
                "invited_by": inviter,
                "emailed_at": timezone.now(),  # the demo sends no invitations
            },
        )
    if chosen.announced_at is None:
        chosen.public_summary = decision["public_summary"]
        chosen.announced_at = timezone.now()
        chosen.save(update_fields=["public_summary", "announced_at"])
    email, organisation, message = decision["interest"]
    if email in people:
        InterestRegistration.objects.get_or_create(
            project=chosen,
            user=people[email],
            defaults={
                "organisation_name": organisation,
                "message": message,
                "emailed_at": timezone.now(),
            },
        )
