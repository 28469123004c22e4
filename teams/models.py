"""People, organisations, programmes and the roles that tie them together."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone


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

    name = models.CharField(max_length=200, unique=True)
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
    display_name = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
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

    name = models.CharField(max_length=200)
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
    """Programme roles from the guide: the core team, then the complementary team."""

    FACILITATOR = "facilitator", "Facilitator"
    DELIVERY_LEAD = "delivery_lead", "Delivery lead"
    DATA_ANALYST = "data_analyst", "Data scientist or analyst"
    VCS_MEMBER_LEAD = "vcs_member_lead", "VCS member lead"
    COMMUNITIES_REPRESENTATIVE = "communities_representative", "Communities representative"
    ADVISORY_PANEL = "advisory_panel", "Advisory panel member"
    CONTRACTS_AND_LEGAL = "contracts_and_legal", "Contracts and legal"
    INFORMATION_RIGHTS = "information_rights", "Information rights"
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


def _register_audit_log() -> None:
    from auditlog.registry import auditlog

    auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
    auditlog.register(Organisation)
    auditlog.register(Programme)
    auditlog.register(Membership)
    auditlog.register(
        WaysOfWorking,
        include_fields=["meeting_frequency", "channels", "target_timelines", "time_needed"],
    )


_register_audit_log()
