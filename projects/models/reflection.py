"""Reflecting on a project, and what the programme learns from it: the reflections survey, the
team's retrospective board, lessons tied to a step of the method, and the programme's published
changes to how it runs projects.

Anonymous answers are anonymous in the database too. A `SurveyResponse` names its author only
when they chose to be named; an anonymous one has no user, and only the date it was given. Who
has answered is kept apart, on `SurveyInvitation.answered`, with no time and no link to the
response, so the two cannot be joined. Neither model is in the audit trail.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from teams.models import Programme, User


class ReflectionSurvey(models.Model):
    """A project's reflections survey, opened by the facilitator when it starts reflecting."""

    project = models.OneToOneField(
        "projects.Project", models.CASCADE, related_name="reflection_survey"
    )
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Reflections on {self.project}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SurveyInvitation(models.Model):
    """Someone asked to answer the survey, by email (they need no account), and whether they
    have answered, so that reminders skip them. Deliberately no time of answering and no link
    to the response."""

    survey = models.ForeignKey(ReflectionSurvey, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["survey", "email"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="one_survey_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.email} asked about {self.survey.project}"


class SurveyResponse(models.Model):
    """One person's answers. `user` is empty when they answered anonymously; `answered_on` is a
    date, not a time, so that it cannot be matched against anything else that happened."""

    survey = models.ForeignKey(ReflectionSurvey, models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField(default=timezone.localdate, editable=False)

    class Meta:
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"Answers about {self.survey.project}"


class SurveyAnswer(models.Model):
    """One answer to one question: a choice (one row per option ticked) or free text."""

    response = models.ForeignKey(SurveyResponse, models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    choice = models.CharField(max_length=40, blank=True)
    text = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["question", "pk"]
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.question}: {self.choice or self.text[:40]}"


class RetroCard(models.Model):
    """A card on the project's retrospective board."""

    class Column(models.TextChoices):
        WORKED = "worked", "What worked"
        DIDNT = "didnt", "What didn’t work"
        CHANGE = "change", "What to change"

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="retro_cards")
    column = models.CharField(max_length=10, choices=Column.choices)
    text = models.TextField(max_length=1000)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    is_action = models.BooleanField(default=False)
    # A card merged into another is shown under it, not on its own.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Step(models.TextChoices):
    """The steps of the method a lesson can be about, each in its phase."""

    OFFICE_HOURS = "office_hours", "Office hours"
    SCOPING = "scoping", "Scoping"
    SAFETY_CHECKS = "safety_checks", "Data safety checks"
    SELECTION = "selection", "Selecting a project"
    SOLUTIONS = "solutions", "Exploring solutions"
    TESTING = "testing", "Testing and refining"
    PUBLISHING = "publishing", "Publishing insights"
    REFLECTING = "reflecting", "Sharing and reflecting"


class Phase(models.TextChoices):
    BEFORE = "before", "Before: getting started"
    SCOPING = "scoping", "Scoping and selection"
    DURING = "during", "During the project"
    AFTER = "after", "After the project"


PHASE_OF_STEP = {
    Step.OFFICE_HOURS: Phase.BEFORE,
    Step.SCOPING: Phase.SCOPING,
    Step.SAFETY_CHECKS: Phase.SCOPING,
    Step.SELECTION: Phase.SCOPING,
    Step.SOLUTIONS: Phase.DURING,
    Step.TESTING: Phase.DURING,
    Step.PUBLISHING: Phase.DURING,
    Step.REFLECTING: Phase.AFTER,
}


class Lesson(models.Model):
    """Something a project learnt about the method, tied to the step it is about, and shown in
    the help of that step's pages for the projects that come after."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="lessons")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, editable=False)
    step = models.CharField(max_length=20, choices=Step.choices)
    title = OneLineCharField(max_length=200)
    body = models.TextField(max_length=10_000)
    is_public = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "step"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.phase = PHASE_OF_STEP[Step(self.step)]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:lesson", args=[self.programme.slug, self.pk])


class MethodChange(models.Model):
    """One entry in the programme's public changelog of how it runs projects."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="method_changes")
    version = OneLineCharField(max_length=40)
    date = models.DateField(default=timezone.localdate)
    summary = OneLineCharField(max_length=300)
    body = models.TextField(max_length=20_000, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="one_method_change_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.summary}"
