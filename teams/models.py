"""People, organisations, programmes and the roles that tie them together."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField

# The one date format (cip/templatetags/govuk.py); imported from here by older code.
from cip.templatetags.govuk import govuk_day, govuk_time


class SiteGroup(models.TextChoices):
    """Site-wide roles, stored as Django groups (created by a data migration)."""

    ADMIN = "Admin"
    FACILITATOR = "Facilitator"
    STAFF = "Staff"
    VCS_PARTNER = "VCS partner"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        VCS = "vcs", "Voluntary or community organisation"
        PUBLIC_BODY = "public_body", "Other public body"
        OTHER = "other", "Other"

    name = OneLineCharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VCS)
    website = models.URLField(blank=True)
    # Organisations named at sign-up wait for an admin to confirm them.
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; there is no username."""

    email = models.EmailField(unique=True)
    display_name = OneLineCharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # Anyone can say where they work; only an admin's confirmation lets that organisation's
    # data (such as its uploaded datasets) be opened on the strength of it.
    organisation_confirmed = models.BooleanField(
        default=False,
        help_text="An admin has checked that this person works for the organisation.",
    )
    introduction = models.TextField(
        "About you",
        max_length=600,
        blank=True,
        help_text="A few sentences for the people you will work with: your work and interests.",
    )
    what_they_bring = models.CharField(
        "What you bring to the team",
        max_length=300,
        blank=True,
        help_text="For example: knows the food bank's referral data, runs a tenants' group.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to Django admin (admins only)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def in_group(self, group: SiteGroup) -> bool:
        # Group names are cached per request object so templates and rules can ask freely.
        if not hasattr(self, "_group_names"):
            self._group_names = set(self.groups.values_list("name", flat=True))
        return group.value in self._group_names


class Programme(models.Model):
    """One council partnership running Community Insights Projects."""

    name = OneLineCharField(max_length=200)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in the programme's web address."
    )
    place = models.CharField(max_length=200, help_text="The area the programme serves.")
    introduction = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:programme", kwargs={"slug": self.slug})


class Role(models.TextChoices):
    """Programme roles from the guide: the core team, then the complementary team. Labels are
    sentence case; teams.roles says them in a sentence ("an advisory panel member")."""

    FACILITATOR = "facilitator", "Facilitator"
    DELIVERY_LEAD = "delivery_lead", "Delivery lead"
    DATA_ANALYST = "data_analyst", "Data scientist or analyst"
    VCS_MEMBER_LEAD = "vcs_member_lead", "VCS member lead"
    COMMUNITIES_REPRESENTATIVE = "communities_representative", "Communities representative"
    ADVISORY_PANEL = "advisory_panel", "Advisory panel member"
    CONTRACTS_AND_LEGAL = "contracts_and_legal", "Contracts and legal adviser"
    INFORMATION_RIGHTS = "information_rights", "Information-rights reviewer"
    EXTERNAL_DATA_SPECIALIST = "external_data_specialist", "External data specialist"


COMPLEMENTARY_ROLES = frozenset(
    {Role.CONTRACTS_AND_LEGAL, Role.INFORMATION_RIGHTS, Role.EXTERNAL_DATA_SPECIALIST}
)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person's role on a programme's team. One person may hold several roles."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    committed_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days per project this person has agreed to give in this role.",
    )
    listed_publicly = models.BooleanField(
        default=False, help_text="They agreed to be named on the programme's public page."
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_membership_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"

    @property
    def is_complementary(self) -> bool:
        return self.role in COMPLEMENTARY_ROLES


class Notice(models.Model):
    """Something that changed for a person, emailed to them once: a role on a programme's team
    added, changed or ended, their site role changed, or their organisation confirmed.

    Written by `teams.services`; the email task claims the row (`emailed_at`) before sending, so
    a task run twice sends once. The rows are the history of what people were told.
    """

    class Kind(models.TextChoices):
        TEAM_ROLE_ADDED = "team_role_added", "Added to a programme team"
        TEAM_ROLE_CHANGED = "team_role_changed", "Role on a programme team changed"
        TEAM_ROLE_ENDED = "team_role_ended", "Role on a programme team ended"
        SITE_ROLE_CHANGED = "site_role_changed", "Role on the service changed"
        ORGANISATION_CONFIRMED = "organisation_confirmed", "Organisation confirmed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A programme Role's value, or the names of site roles (groups) joined by commas.
    role = models.CharField(max_length=200, blank=True)
    previous_role = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"


class WaysOfWorking(models.Model):
    """How a programme's team agreed to work together. Changes are kept in the audit log."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="ways_of_working"
    )
    meeting_frequency = models.CharField(
        "How often the team meets",
        max_length=200,
        blank=True,
        help_text="For example: a short check-in every Tuesday and a fortnightly show and tell.",
    )
    channels = models.TextField(
        "How the team keeps in touch",
        blank=True,
        help_text="The channels you agreed, and what each is for.",
    )
    target_timelines = models.TextField(
        "Target timelines",
        blank=True,
        help_text="When you aim to finish each phase.",
    )
    time_needed = models.TextField(
        "When people's time will be needed",
        blank=True,
        help_text="So everyone can plan: who is needed, for what, and when.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "ways of working"

    def __str__(self) -> str:
        return f"Ways of working for {self.programme}"

    @classmethod
    def for_programme(cls, programme: Programme) -> WaysOfWorking:
        """The programme's agreement, or a blank unsaved one until someone writes it."""
        return cls.objects.filter(programme=programme).first() or cls(programme=programme)


# --- Office hours ------------------------------------------------------------------------------


class OfficeHourSlotQuerySet(models.QuerySet["OfficeHourSlot"]):
    def live(self) -> OfficeHourSlotQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, now=None) -> OfficeHourSlotQuerySet:
        return self.live().filter(ends_at__gt=now or timezone.now())

    def bookable(self, now=None) -> OfficeHourSlotQuerySet:
        """Slots whose booking window is still open (the minimum notice has not started)."""
        return self.live().filter(bookings_close_at__gt=now or timezone.now())

    def with_places(self) -> OfficeHourSlotQuerySet:
        """Annotate `booked` and `waiting` so lists show places left without a query per slot."""
        confirmed = models.Q(bookings__status=OfficeHourBooking.Status.CONFIRMED)
        waiting = models.Q(bookings__status=OfficeHourBooking.Status.WAITLISTED)
        return self.annotate(
            booked=models.Count("bookings", filter=confirmed),
            waiting=models.Count("bookings", filter=waiting),
        )


class OfficeHourSlot(models.Model):
    """A time when a programme's facilitator is available to talk through ideas."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="office_hours")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(
        default=1, help_text="1 for a one-to-one conversation, more for a group session."
    )
    online_link = models.URLField("Online meeting link", blank=True)
    place = OneLineCharField("Address or room", max_length=300, blank=True)
    min_notice_hours = models.PositiveSmallIntegerField(
        "Minimum notice in hours", default=24, help_text="Booking closes this long before."
    )
    buffer_minutes = models.PositiveSmallIntegerField("Break between slots in minutes", default=15)
    waitlist = models.BooleanField(
        "Keep a waiting list when full",
        default=False,
        help_text="A place given up goes to the first person waiting.",
    )
    # Stored rather than computed so lists can filter on it in SQL.
    bookings_close_at = models.DateTimeField(editable=False)
    # Slots published together as a weekly series share this.
    series = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_message = models.TextField(blank=True)

    objects = OfficeHourSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["programme", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="office_hour_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="office_hour_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.when}"

    def save(self, *args, **kwargs) -> None:
        self.bookings_close_at = self.starts_at - timedelta(hours=self.min_notice_hours)
        super().save(*args, **kwargs)

    @property
    def when(self) -> str:
        """The date and time in UK local time, for pages and emails: Tuesday 4 March 2025, 10am
        to 11am."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{govuk_day(start)}, {govuk_time(start)} to {govuk_time(end)}"

    @property
    def booking_closes(self) -> str:
        closes = timezone.localtime(self.bookings_close_at)
        return f"{govuk_day(closes)}, {govuk_time(closes)}"

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_one_to_one(self) -> bool:
        return self.capacity == 1

    @property
    def where(self) -> str:
        if self.online_link and self.place:
            return f"Online or at {self.place}"
        return "Online" if self.online_link else self.place

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_open_for_booking(self) -> bool:
        return not self.is_cancelled and timezone.now() < self.bookings_close_at

    @property
    def places_left(self) -> int:
        """Needs `with_places()`."""
        return max(self.capacity - self.booked, 0)


class OfficeHourBookingQuerySet(models.QuerySet["OfficeHourBooking"]):
    def active(self) -> OfficeHourBookingQuerySet:
        return self.filter(
            status__in=[OfficeHourBooking.Status.CONFIRMED, OfficeHourBooking.Status.WAITLISTED]
        )

    def attendance_summary(self) -> dict[str, int | None]:
        """How many came, did not come or are not recorded yet, and the rate among recorded."""
        attendance = OfficeHourBooking.Attendance
        counts = self.aggregate(
            attended=models.Count("pk", filter=models.Q(attendance=attendance.ATTENDED)),
            absent=models.Count("pk", filter=models.Q(attendance=attendance.ABSENT)),
            unrecorded=models.Count("pk", filter=models.Q(attendance=attendance.UNKNOWN)),
        )
        recorded = counts["attended"] + counts["absent"]
        counts["rate"] = round(100 * counts["attended"] / recorded) if recorded else None
        return counts


class OfficeHourBooking(models.Model):
    """One person's place (or place in the queue) at an office-hours slot."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Booked"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Not recorded"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    slot = models.ForeignKey(OfficeHourSlot, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="office_hour_bookings")
    # Kept as it was when they booked: people move between organisations.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.TextField("What would you like to talk about?", max_length=1000)
    access_needs = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    # The calendar invitation's UID stays the same for the booking's life; SEQUENCE counts changes.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # The last `sequence` an email went out for: a task run twice sends nothing twice.
    emailed_sequence = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, blank=True, default=Attendance.UNKNOWN
    )
    notes = models.TextField("Facilitator's notes", blank=True)

    objects = OfficeHourBookingQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="one_active_booking_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.slot}"

    def get_absolute_url(self) -> str:
        return reverse("teams:booking_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


def _register_audit_log() -> None:
    from auditlog.registry import auditlog

    # The log keeps who changed what; free text people write about themselves or their needs
    # (health, access) stays out of it, so deleting the record deletes the words.
    auditlog.register(
        User,
        exclude_fields=["password", "last_login", "introduction", "what_they_bring"],
        m2m_fields={"groups"},
    )
    auditlog.register(Organisation)
    auditlog.register(Programme)
    auditlog.register(Membership)
    auditlog.register(
        WaysOfWorking,
        include_fields=["meeting_frequency", "channels", "target_timelines", "time_needed"],
    )
    auditlog.register(OfficeHourSlot)
    auditlog.register(
        OfficeHourBooking,
        exclude_fields=["emailed_sequence", "topic", "access_needs", "notes"],
    )


_register_audit_log()
