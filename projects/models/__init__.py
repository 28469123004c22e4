"""A project's place in its lifecycle, its history, selection scores and its team; the records
of exploring, testing and publishing live in the modules beside this one and are exported here.

Every idea has one Project from the moment it is submitted. Its status changes only through
`projects.services.project_transition`, which follows the table in `projects.lifecycle` and writes
a ProjectEvent for each move.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from projects.models.actions import (
    Action,
    ActionInterest,
    ActionPack,
    ActionProgress,
    ActionsMeeting,
    ActionsMeetingInvitation,
)
from projects.models.exploring import (
    ResearchSession,
    SimilarWork,
    SolutionIdea,
    SolutionSkill,
    SolutionSkillNeed,
)
from projects.models.insights import (
    LICENCE_URLS,
    Boundaries,
    Insight,
    InsightFigure,
    InsightTable,
    Licence,
)
from projects.models.reflection import (
    PHASE_OF_STEP,
    Lesson,
    MethodChange,
    Phase,
    ReflectionSurvey,
    RetroCard,
    Step,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from projects.models.sharing import BlogPost, Plenary, PlenaryRegistration
from projects.models.testing import (
    FeedbackItem,
    FinalCheck,
    TestingWorkshop,
    WorkshopBooking,
    WorkshopInvitation,
)
from scoping.models import Idea
from teams.models import Organisation, User

__all__ = [
    "ENDED",
    "LICENCE_URLS",
    "PHASE_OF_STEP",
    "UNDER_WAY",
    "Action",
    "ActionInterest",
    "ActionPack",
    "ActionProgress",
    "ActionsMeeting",
    "ActionsMeetingInvitation",
    "BlogPost",
    "Boundaries",
    "Criterion",
    "FeedbackItem",
    "FinalCheck",
    "Insight",
    "InsightFigure",
    "InsightTable",
    "InterestRegistration",
    "Lesson",
    "Licence",
    "MethodChange",
    "Phase",
    "Plenary",
    "PlenaryRegistration",
    "Project",
    "ProjectEvent",
    "ProjectMember",
    "ReflectionSurvey",
    "ResearchSession",
    "RetroCard",
    "SelectionScore",
    "SimilarWork",
    "SolutionIdea",
    "SolutionSkill",
    "SolutionSkillNeed",
    "Status",
    "Step",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyResponse",
    "TestingWorkshop",
    "WorkshopBooking",
    "WorkshopInvitation",
]


class Status(models.TextChoices):
    IDEA = "idea", "Idea"
    SCOPING = "scoping", "Scoping"
    EVALUATED = "evaluated", "Evaluated"
    SELECTED = "selected", "Selected"
    PARKED = "parked", "Parked"
    EXPLORING = "exploring", "Exploring solutions"
    TESTING = "testing", "Testing"
    READY = "ready", "Ready to publish"
    PUBLISHED = "published", "Published"
    REFLECTING = "reflecting", "Reflecting"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Statuses a project never leaves: nothing more is planned or recorded for it.
ENDED = (Status.WITHDRAWN, Status.CLOSED)
# A selected project once it is under way: its team can be mobilised, and once announced it is
# shown on the programme's public page.
UNDER_WAY = (
    Status.SELECTED,
    Status.EXPLORING,
    Status.TESTING,
    Status.READY,
    Status.PUBLISHED,
    Status.REFLECTING,
)


class ProjectQuerySet(models.QuerySet["Project"]):
    def in_programme(self, programme) -> ProjectQuerySet:
        return self.filter(idea__programme=programme)


class Project(models.Model):
    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="project")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IDEA)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Shown to the proposer and, once selected, on the public page.
    status_reason = models.TextField(blank=True)
    public_summary = models.TextField(
        blank=True, help_text="What the public page says about the project once it is selected."
    )
    announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.idea)

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])

    @property
    def programme(self):
        return self.idea.programme


class ProjectEvent(models.Model):
    """One move through the lifecycle: who, when, from where to where, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when the proposer has been emailed about this move, so a task run twice sends once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"


class Criterion(models.TextChoices):
    """The selection criteria, each scored 1 (weak) to 5 (strong)."""

    ROLES_AND_SKILLS = "roles_and_skills", "We can get the roles and skills it needs"
    BLIND_SPOT = "blind_spot", "It is a blind spot"
    IMPACT = "impact", "Learning more could have a large impact"
    EXISTING_WORK = "existing_work", "There is existing work to build on"
    CLEAR_QUESTION = (
        "clear_question",
        "The question is clear and we know how the answer will be used",
    )
    SECTOR_RELEVANCE = "sector_relevance", "It is relevant across the sector"
    DEPENDENCIES = "dependencies", "Few dependencies outside our control"


class SelectionScore(models.Model):
    """One core-team member's score of one candidate against one criterion."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="selection_scores")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "criterion", "scorer"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "scorer", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorer} scored {self.project} {self.score} for {self.criterion}"


class ProjectMember(models.Model):
    """Someone added to a selected project's team, with what is expected of them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="project_memberships"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=200)
    expectations = models.TextField("What is expected of them")
    listed_publicly = models.BooleanField(
        default=False, help_text="They agreed to be named on the programme's public page."
    )
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="one_member_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class InterestRegistration(models.Model):
    """An organisation asking to join a selected project, from the public page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interest")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    organisation_name = OneLineCharField(max_length=200)
    message = models.TextField("How they could help", max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when the facilitator has been told, so a task run twice sends once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_interest_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} on {self.project}"


def _register_audit_log() -> None:
    from auditlog.registry import auditlog

    # Decisions: lifecycle moves, selection scores, the project's status, and who marked an
    # insight ready and when it was published.
    auditlog.register(Project, include_fields=["status", "status_reason", "announced_at"])
    auditlog.register(Insight, include_fields=["ready_at", "ready_by", "published_at"])
    # Who added or removed a table, chart or map (never the figures: they are not suppressed).
    auditlog.register(InsightTable, include_fields=["title", "kind"])
    auditlog.register(InsightFigure, include_fields=["title", "kind"])
    auditlog.register(ProjectEvent, exclude_fields=["emailed_at"])
    auditlog.register(SelectionScore)
    # Actions: who changed an action's status, dates or public consent (progress notes are
    # their own history: only ever added).
    auditlog.register(Action, exclude_fields=["reminded_for", "reminded_at", "updated_at"])
    # Who scheduled or moved an actions meeting, and who invited whom to it.
    auditlog.register(ActionsMeeting)
    auditlog.register(ActionsMeetingInvitation, exclude_fields=["emailed_at", "emailed_sequence"])
    # Lessons and method changes are decisions the programme makes; survey answers and who has
    # answered are deliberately not recorded here (see projects/models/reflection.py).
    auditlog.register(Lesson)
    auditlog.register(MethodChange)
    # Sharing: who scheduled, registered, wrote, submitted and published what.
    auditlog.register(Plenary)
    auditlog.register(
        PlenaryRegistration,
        exclude_fields=["emailed_sequence", "reminder_sent_at", "use_of_insights"],
    )
    auditlog.register(
        BlogPost,
        exclude_fields=["body", "version", "updated_at", "emailed_status"],
        m2m_fields={"authors"},
    )


_register_audit_log()
