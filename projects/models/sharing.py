"""Sharing what a programme found: plenary sessions people register for, and blog posts that a
VCS member and a council member of the core team write together.

A plenary keeps a waiting list: a place given up goes to whoever has waited longest. A blog post
moves draft → waiting for review → published (or back to its authors with a comment); its
`version` counts saves, so two authors editing at once cannot silently overwrite each other.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from cip.templatetags.govuk import govuk_day, govuk_time
from teams.models import Programme, User


class PlenaryQuerySet(models.QuerySet["Plenary"]):
    def open_for_registration(self, now=None) -> PlenaryQuerySet:
        return self.filter(cancelled_at__isnull=True, starts_at__gt=now or timezone.now())

    def with_places(self) -> PlenaryQuerySet:
        """Annotate `registered` and `waiting` so lists show places left without a query each."""
        status = PlenaryRegistration.Status
        return self.annotate(
            registered=models.Count(
                "registrations", filter=models.Q(registrations__status=status.CONFIRMED)
            ),
            waiting=models.Count(
                "registrations", filter=models.Q(registrations__status=status.WAITLISTED)
            ),
        )


class Plenary(models.Model):
    """A session where a programme (or one of its projects) presents what it found."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="plenaries")
    project = models.ForeignKey(
        "projects.Project", models.SET_NULL, null=True, blank=True, related_name="plenaries"
    )
    title = OneLineCharField(max_length=200)
    description = models.TextField(max_length=2000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = OneLineCharField("Address or room", max_length=300, blank=True)
    online_link = models.URLField("Online meeting link", blank=True)
    capacity = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_message = models.TextField(blank=True)

    objects = PlenaryQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = "plenaries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="plenary_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="plenary_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:plenary", args=[self.programme.slug, self.pk])

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
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_open(self) -> bool:
        """Registration is open until the session starts, unless it is cancelled."""
        return not self.is_cancelled and timezone.now() < self.starts_at

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def places_left(self) -> int:
        """Needs `with_places()`."""
        return max(self.capacity - self.registered, 0)


class PlenaryRegistrationQuerySet(models.QuerySet["PlenaryRegistration"]):
    def active(self) -> PlenaryRegistrationQuerySet:
        status = PlenaryRegistration.Status
        return self.filter(status__in=[status.CONFIRMED, status.WAITLISTED])


class PlenaryRegistration(models.Model):
    """One person's place (or place in the queue) at a plenary, and how they might use what
    they hear."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Registered"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Not recorded"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    plenary = models.ForeignKey(Plenary, models.CASCADE, related_name="registrations")
    user = models.ForeignKey(User, models.CASCADE, related_name="plenary_registrations")
    organisation_name = OneLineCharField("Organisation", max_length=200, blank=True)
    use_of_insights = OneLineCharField("How you might use the insights", max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    # The calendar entry's UID stays the same for the registration's life; SEQUENCE counts changes.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # The last `sequence` an email went out for: a task run twice sends nothing twice.
    emailed_sequence = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, blank=True, default=Attendance.UNKNOWN
    )

    objects = PlenaryRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plenary", "user"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="one_active_registration_per_plenary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.plenary}"

    def get_absolute_url(self) -> str:
        return reverse("projects:plenary_registration", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class BlogPostQuerySet(models.QuerySet["BlogPost"]):
    def published(self) -> BlogPostQuerySet:
        return self.filter(status=BlogPost.Status.PUBLISHED, published_at__isnull=False)


class BlogPost(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for review"
        RETURNED = "returned", "Sent back to its authors"
        PUBLISHED = "published", "Published"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="blog_posts")
    title = OneLineCharField(max_length=200)
    # Given when it is published, so a draft's changing title leaves no stale address.
    slug = models.SlugField(max_length=80, blank=True, editable=False)
    summary = OneLineCharField(max_length=300, help_text="One or two sentences for lists.")
    body = models.TextField(max_length=20_000)
    authors = models.ManyToManyField(User, related_name="blog_posts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Counts saves: an edit made from an older version is refused, not silently applied.
    version = models.PositiveIntegerField(default=1, editable=False)
    review_comment = models.TextField(blank=True)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The status the last email was about: a task run twice for the same move sends once.
    emailed_status = models.CharField(max_length=20, blank=True, editable=False)

    objects = BlogPostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "slug"],
                condition=~models.Q(slug=""),
                name="unique_blog_slug",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:blog_post", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("landing:blog_post", args=[self.programme.slug, self.slug])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE
