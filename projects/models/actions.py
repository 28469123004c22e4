"""Insights to actions: who would like to act on a published insight, the actions meeting they are
invited to, the facilitator's action pack, and the actions themselves with their progress.

An action is owned by an organisation. When its owner agrees, the action and its latest progress
note show on the insight's public page, so residents can see what changed because of it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from teams.models import Organisation, User, govuk_day, govuk_time


class ActionInterest(models.Model):
    """Someone signed in registering their organisation's interest in acting on an insight."""

    insight = models.ForeignKey("projects.Insight", models.CASCADE, related_name="action_interest")
    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    organisation_name = OneLineCharField("Your organisation", max_length=200)
    what = models.TextField("What your organisation might do", max_length=2000)
    note = OneLineCharField("A note for the facilitator", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the facilitators were told (projects.emails.action_interest_email), so once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["insight", "user"], name="one_action_interest_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} on {self.insight}"


class ActionsMeeting(models.Model):
    """A meeting where the people who registered interest turn a project's insights into
    actions."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="actions_meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = OneLineCharField("Address, room or online meeting link", max_length=300)
    # Counts changes to the calendar event (its SEQUENCE), so a new time or place updates the
    # event people already have rather than adding a second one.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="actions_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Actions meeting, {self.when}"

    def get_absolute_url(self) -> str:
        return reverse("projects:actions_meeting", args=[self.project_id, self.pk])

    @property
    def when(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{govuk_day(start)}, {govuk_time(start)} to {govuk_time(end)}"

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at


class ActionsMeetingInvitation(models.Model):
    """One person invited to an actions meeting; emailed once, with a calendar entry."""

    meeting = models.ForeignKey(ActionsMeeting, models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The meeting's `sequence` in the last calendar entry emailed to this person (empty for
    # invitations emailed before meetings could change: they hold sequence 0).
    emailed_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="one_actions_meeting_invitation_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.meeting}"


class ActionPack(models.Model):
    """The facilitator's prompts for the actions meeting (Markdown), downloaded as a PDF with the
    project's published insights."""

    project = models.OneToOneField("projects.Project", models.CASCADE, related_name="action_pack")
    prompts = models.TextField(
        "Prompts for turning the insights into actions", max_length=20_000, blank=True
    )
    routes = models.TextField("Funding and partnership routes", max_length=20_000, blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Action pack for {self.project}"


class ActionQuerySet(models.QuerySet["Action"]):
    def shown_publicly(self) -> ActionQuerySet:
        return self.filter(public=True)

    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN)


class Action(models.Model):
    """Something an organisation will do because of an insight."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    insight = models.ForeignKey("projects.Insight", models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="+",
        verbose_name="Owner organisation",
    )
    title = OneLineCharField("What they will do", max_length=200)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    public = models.BooleanField(
        "The owner agrees to show this publicly",
        default=False,
        help_text="The action and its latest progress show on the insight's public page.",
    )
    # Only the owner's own people can agree (projects.actions.action_save): who did, and when.
    public_agreed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    public_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The reminder last sent (projects.actions.reminder_key), so each is sent once.
    reminded_for = models.CharField(max_length=40, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:action", args=[self.insight.project_id, self.pk])


class ActionProgress(models.Model):
    """A dated progress note on an action. Notes are only ever added, never changed."""

    action = models.ForeignKey(Action, models.CASCADE, related_name="progress")
    text = models.TextField("What has happened", max_length=2000)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "action progress"

    def __str__(self) -> str:
        return f"Progress on {self.action}"
