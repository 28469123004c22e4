"""Testing and refining: workshops that partners are invited to and book, the feedback given, and
the final checks before anything is published."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from teams.models import Organisation, User, govuk_day, govuk_time


class TestingWorkshop(models.Model):
    """A session where the team shows its solutions to the people who could use them."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="workshops")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = OneLineCharField("Address or room", max_length=300, blank=True)
    online_link = models.URLField("Online meeting link", blank=True)
    capacity = models.PositiveSmallIntegerField(
        "Places", default=12, help_text="How many people can book a place."
    )
    what_is_tested = models.TextField("What will be tested", max_length=2000, blank=True)
    others_present = models.TextField(
        "Who else took part",
        max_length=1000,
        blank=True,
        help_text="In general terms, for people without an account here: never names.",
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="workshop_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Testing workshop, {self.when}"

    def get_absolute_url(self) -> str:
        return reverse("projects:workshop", args=[self.project_id, self.pk])

    @property
    def when(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{govuk_day(start)}, {govuk_time(start)} to {govuk_time(end)}"

    @property
    def where(self) -> str:
        if self.online_link and self.place:
            return f"Online or at {self.place}"
        return "Online" if self.online_link else self.place

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()


class WorkshopInvitation(models.Model):
    """Someone the facilitator invited to book a place (emailed once)."""

    workshop = models.ForeignKey(TestingWorkshop, models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, models.CASCADE, related_name="workshop_invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.workshop}"


class WorkshopBooking(models.Model):
    """A place at a workshop. Its calendar entry keeps one UID; `sequence` counts changes."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    workshop = models.ForeignKey(TestingWorkshop, models.CASCADE, related_name="bookings")
    user = models.ForeignKey(User, models.CASCADE, related_name="workshop_bookings")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_needs = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    emailed_sequence = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=models.Q(status="booked"),
                name="one_workshop_place_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.workshop}"


class FeedbackItem(models.Model):
    """Something said about a solution in testing, and what the team did about it."""

    class Kind(models.TextChoices):
        SUBSTANTIVE = "substantive", "Substantive"
        ACCESSIBILITY = "accessibility", "Accessibility"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACTED_ON = "acted_on", "Acted on"
        WONT_DO = "wont_do", "Won't do"

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="feedback")
    workshop = models.ForeignKey(
        TestingWorkshop, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    solution = models.ForeignKey(
        "projects.SolutionIdea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField("What was said", max_length=4000)
    state = models.CharField("Status", max_length=20, choices=State.choices, default=State.OPEN)
    response = models.TextField("What we did, or why not", max_length=4000, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # Someone chose to keep text the personal-data check flagged (projects.forms.personal_data).
    kept_identifiers = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="wont_do", response=""), name="wont_do_needs_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} feedback on {self.project}"


class FinalCheck(models.Model):
    """One of the final tests before a solution is shared, ticked off by someone on the team."""

    class Item(models.TextChoices):
        BEHAVES = "behaves", "It behaves as expected"
        PERSONAL_DATA = "personal_data", "Final check for personal data"
        SECURITY = "security", "Security check"

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="final_checks")
    item = models.CharField(max_length=20, choices=Item.choices)
    notes = models.TextField(max_length=2000, blank=True)
    done_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "item"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="one_final_check_each")
        ]

    def __str__(self) -> str:
        return self.get_item_display()
