"""Uploaded datasets, what the scan found in them, the reviewer's remedies, and who read them.

The bytes never live in the database: a dataset's raw file and its redacted copy are encrypted
files under PRIVATE_STORAGE_ROOT (see safety.storage), named by a random token, never served by URL.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from cip.keys import fernet
from cip.templatetags.govuk import govuk_date
from scoping.models import DataSource, Idea
from teams.models import Organisation, Programme, User

RETENTION_DAYS = 365
MAX_ATTEMPTS = 3
# The guide's floor for small numbers: a programme may ask for larger groups, never smaller.
MIN_CELL_COUNT_FLOOR = 10


def _default_retention():
    return timezone.localdate() + timedelta(days=RETENTION_DAYS)


def _stored_name() -> str:
    return uuid.uuid4().hex


class Remedy(models.TextChoices):
    KEEP = "keep", "Keep as it is"
    DROP = "drop", "Drop the column"
    PSEUDONYMISE = "pseudonymise", "Replace with a keyed pseudonym"
    SUPPRESS_SMALL_CELLS = "suppress_small_cells", "Suppress small cells"
    GENERALISE = "generalise", "Generalise (bands, sectors or districts)"
    SCRUB_TEXT = "scrub_text", "Replace personal data in the text"


class SafetySettings(models.Model):
    """Per-programme data-safety settings, kept on the safety side rather than on Programme."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="safety_settings"
    )
    min_cell_count = models.PositiveSmallIntegerField(
        "Smallest group that may be published",
        default=MIN_CELL_COUNT_FLOOR,
        validators=[
            MinValueValidator(
                MIN_CELL_COUNT_FLOOR,
                f"Enter {MIN_CELL_COUNT_FLOOR} or more: smaller groups could identify people",
            )
        ],
        help_text="Groups and postcodes with fewer people or households than this are small. "
        f"{MIN_CELL_COUNT_FLOOR} or more.",
    )

    class Meta:
        verbose_name_plural = "safety settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_cell_count__gte=MIN_CELL_COUNT_FLOOR),
                name="min_cell_count_floor",
            )
        ]

    def __str__(self) -> str:
        return f"Safety settings for {self.programme}"

    @classmethod
    def min_cell_count_for(cls, programme_id: int) -> int:
        found = cls.objects.filter(programme_id=programme_id).values_list(
            "min_cell_count", flat=True
        )
        return max(next(iter(found), MIN_CELL_COUNT_FLOOR), MIN_CELL_COUNT_FLOOR)


class ProjectSecret(models.Model):
    """A random secret per idea (project), so pseudonyms match across its files and no other's."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="pseudonym_secret")
    encrypted_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Pseudonym key for {self.idea}"

    @classmethod
    def key_for(cls, idea: Idea) -> bytes:
        keys = fernet()
        secret, _ = cls.objects.get_or_create(
            idea=idea, defaults={"encrypted_key": keys.encrypt(secrets.token_bytes(32))}
        )
        return keys.decrypt(bytes(secret.encrypted_key))


class PostcodeHouseholds(models.Model):
    """The public table of households per postcode, imported by an admin; used by every scan."""

    postcode = models.CharField(max_length=8, unique=True)
    households = models.PositiveIntegerField()

    class Meta:
        ordering = ["postcode"]
        verbose_name_plural = "postcode households"

    def __str__(self) -> str:
        return f"{self.postcode}: {self.households}"


class DatasetQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DatasetQuerySet:
        """Datasets whose report the user may open (safety.open_dataset): their organisation's,
        their programmes' as reviewer, and those whose approved evaluation check names them or
        whose project team they are on; admins see all."""
        from safety import extensions  # noqa: PLC0415 (extensions import models)
        from teams.models import Role  # noqa: PLC0415
        from teams.rules import is_admin  # noqa: PLC0415

        if not user.is_authenticated:
            return self.none()
        if is_admin(user):
            return self
        reviewing = user.memberships.active().filter(role=Role.INFORMATION_RIGHTS)
        approved = SafetyCheck.objects.approved().filter(stage=Stage.EVALUATION)
        visible = (
            models.Q(data_source__idea__programme__in=reviewing.values("programme"))
            | models.Q(data_source__in=approved.filter(analysts=user).values("data_source"))
            | models.Q(
                data_source__in=approved.filter(idea__in=extensions.team_idea_ids(user)).values(
                    "data_source"
                )
            )
        )
        if user.organisation_id and user.organisation_confirmed:
            visible |= models.Q(owner_id=user.organisation_id)
        return self.filter(visible)


class Dataset(models.Model):
    class Status(models.TextChoices):
        CHOOSING_SHEET = "choosing_sheet", "Choose a sheet"
        UPLOADED = "uploaded", "Waiting to be scanned"
        SCANNING = "scanning", "Scanning"
        SCANNED = "scanned", "Scanned"
        REDACTING = "redacting", "Writing the redacted copy"
        REDACTED = "redacted", "Redacted"
        FAILED = "failed", "Failed"

    RUNNING = (Status.UPLOADED, Status.SCANNING, Status.REDACTING)

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook"

    data_source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="datasets")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="datasets")
    uploaded_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="datasets_uploaded"
    )
    original_filename = models.CharField(max_length=255, help_text="Shown to people; never a path.")
    stored_name = models.CharField(max_length=64, unique=True, default=_stored_name, editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=8, choices=Format.choices)
    sheets = models.JSONField(default=list, blank=True)  # [{"name", "hidden"}] for workbooks
    sheet = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total_estimate = models.PositiveBigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    redaction_attempts = models.PositiveSmallIntegerField(default=0)
    error_message = models.CharField(max_length=500, blank=True)  # never cell values
    # The running scan or redaction's lease: which task holds it and until when. The task renews
    # it while it lives; a lapsed lease means the worker died, and the reaper queues the work
    # again (safety.services.datasets_requeue_stalled).
    lease_holder = models.CharField(max_length=100, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the waiting work was last sent to the broker; cleared when a task claims it.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    failure_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The owner may ask for a failed scan to be tried again once (audit-logged).
    retried_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The scan's results beyond columns: small cells, k-anonymity, how postcodes were judged.
    rows = models.PositiveBigIntegerField(null=True, blank=True)
    quasi_identifiers = models.JSONField(default=list, blank=True)
    k_anonymity = models.JSONField(default=dict, blank=True)
    # The generalisation levels the reviewer chose from the scan's k-anonymity options
    # (quasi-identifier -> level); empty: the option of least information loss.
    generalisation = models.JSONField(default=dict, blank=True)
    small_cells = models.JSONField(default=list, blank=True)
    small_numbers = models.JSONField(default=dict, blank=True)
    # What the uploader should know although the file was read ([{"code", "message"}]), and
    # what a workbook's other sheets and comments hold (types and counts, never values).
    warnings = models.JSONField(default=list, blank=True)
    other_parts = models.JSONField(default=dict, blank=True)
    min_cell_count = models.PositiveSmallIntegerField(
        default=MIN_CELL_COUNT_FLOOR, validators=[MinValueValidator(MIN_CELL_COUNT_FLOOR)]
    )
    remedies_confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remedies_confirmed_at = models.DateTimeField(null=True, blank=True)
    retention_until = models.DateField(default=_default_retention)
    files_deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same bytes once per organisation; a re-upload is recognised by hash.
            models.UniqueConstraint(fields=["owner", "sha256"], name="dataset_unique_hash"),
        ]

    def __str__(self) -> str:
        return self.original_filename

    def get_absolute_url(self) -> str:
        return reverse("safety:dataset_report", args=[self.pk])

    @property
    def programme_id(self) -> int:
        return self.data_source.idea.programme_id

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent_done(self) -> int:
        if not self.rows_total_estimate:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total_estimate))

    @property
    def failed_in_redaction(self) -> bool:
        """Failed while writing the redacted copy (the scan had finished), not while scanning."""
        return self.status == self.Status.FAILED and self.remedies_confirmed_at is not None

    @property
    def may_try_again(self) -> bool:
        """A failed scan may be tried again once, while the file is kept."""
        return (
            self.status == self.Status.FAILED
            and not self.failed_in_redaction
            and self.retried_at is None
            and self.files_deleted_at is None
        )


class ColumnFinding(models.Model):
    """What the scan found in one column, and the remedy the reviewer chose for it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=30, blank=True)
    pii_types = models.JSONField(default=list, blank=True)
    matches = models.PositiveBigIntegerField(default=0)
    confidence = models.FloatField(default=0)
    suggested_action = models.CharField(max_length=30, choices=Remedy.choices)
    chosen_action = models.CharField(max_length=30, choices=Remedy.choices, blank=True)
    quasi_identifier = models.BooleanField(default=False)
    masked_examples = models.JSONField(default=list, blank=True)  # masked by the engine

    class Meta:
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="finding_unique_column"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remedy(self) -> str:
        return self.chosen_action or self.suggested_action


class RedactedCopy(models.Model):
    """The one redacted copy of a dataset for a confirmed set of remedies (encrypted at rest)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="redacted_copies")
    remedies_hash = models.CharField(max_length=64)
    remedies = models.JSONField()
    stored_name = models.CharField(max_length=64, unique=True, default=_stored_name, editable=False)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "redacted copies"
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "remedies_hash"], name="redacted_copy_unique_remedies"
            ),
        ]

    def __str__(self) -> str:
        return f"Redacted copy of {self.dataset}"


class DatasetAccess(models.Model):
    """The access log: every read of a dataset's raw or redacted bytes or of a sharing
    agreement's document, and every safety-check decision and agreement change that opens or
    closes data to someone. Who, when, what and why."""

    class What(models.TextChoices):
        RAW = "raw", "Original file"
        REDACTED = "redacted", "Redacted copy"
        DELETED = "deleted", "Files deleted at the retention date"
        AGREEMENT = "agreement", "Sharing agreement document"
        AGREEMENT_STATUS = "agreement_status", "Sharing agreement status"
        CHECK = "check", "Safety check decision"

    dataset = models.ForeignKey(
        "Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="accesses"
    )
    agreement = models.ForeignKey(
        "SharingAgreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accesses",
    )
    safety_check = models.ForeignKey(
        "SafetyCheck", null=True, blank=True, on_delete=models.CASCADE, related_name="accesses"
    )
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=20, choices=What.choices)
    purpose = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "dataset accesses"

    def __str__(self) -> str:
        subject = self.dataset or self.agreement or self.safety_check
        return f"{self.get_what_display()}: {subject} by {self.user} on {govuk_date(self.at)}"


# --- Safety checks ---------------------------------------------------------------------------


class Stage(models.TextChoices):
    """The three moments the guide asks whether what we are doing is lawful and safe."""

    EVALUATION = "evaluation", "Evaluation"
    SOLUTION = "solution", "Solution"
    PRE_PUBLICATION = "pre_publication", "Pre-publication"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    NEEDS_CHANGES = "needs_changes", "Needs changes"
    BLOCKED = "blocked", "Blocked"


APPROVED_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS)


class SafetyCheckQuerySet(models.QuerySet["SafetyCheck"]):
    def approved(self) -> SafetyCheckQuerySet:
        """Checks in force whose sign-off approved them (conditions may still be open)."""
        return self.filter(in_force=True, outcome__in=APPROVED_OUTCOMES)

    def waiting(self) -> SafetyCheckQuerySet:
        return self.filter(status=SafetyCheck.Status.WAITING)


class SafetyCheck(models.Model):
    """One version of a data safety check on an idea (per data source at evaluation).

    Checks hang off the idea, as datasets do, because the project app sits above this one. A
    signed-off version is frozen: a change is a new version, and the latest signed-off version
    is the one `in_force`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        WAITING = "waiting", "Waiting for sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="safety_checks")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    data_source = models.ForeignKey(
        DataSource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="safety_checks",
        help_text="Evaluation checks are per data source; later stages cover the whole project.",
    )
    version = models.PositiveSmallIntegerField(default=1)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="safety_checks")
    # {question key: {"answer": "yes" | "no" | "unknown", "note": "..."}}; an unknown's note is
    # the assumption made.
    answers = models.JSONField(default=dict, blank=True)
    analysts = models.ManyToManyField(
        User,
        blank=True,
        related_name="named_on_checks",
        help_text="Evaluation: the analysts who may work on this data for the initial analysis.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    signed_off_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    in_force = models.BooleanField(default=False, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SafetyCheckQuerySet.as_manager()

    class Meta:
        ordering = ["idea", "stage", "data_source", "-version"]
        constraints = [
            # Later stages have no data source: Coalesce makes their NULLs equal, as PostgreSQL
            # would otherwise let two rows through.
            models.UniqueConstraint(
                "idea",
                "stage",
                Coalesce("data_source", 0),
                "version",
                name="check_unique_version",
            ),
            models.UniqueConstraint(
                "idea",
                "stage",
                Coalesce("data_source", 0),
                condition=models.Q(in_force=True),
                name="one_check_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="evaluation", data_source__isnull=False)
                | (~models.Q(stage="evaluation") & models.Q(data_source__isnull=True)),
                name="evaluation_checks_have_a_data_source",
            ),
        ]

    def __str__(self) -> str:
        subject = f" of {self.data_source.name}" if self.data_source_id else ""
        return f"{self.get_stage_display()} check{subject}, version {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("safety:check", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_approved(self) -> bool:
        return self.in_force and self.outcome in APPROVED_OUTCOMES

    @property
    def programme(self) -> Programme:
        return self.idea.programme

    def assumptions(self) -> list[tuple[str, str]]:
        """(question key, assumption) for every answer left unknown."""
        return [
            (key, value.get("note", ""))
            for key, value in self.answers.items()
            if value.get("answer") == "unknown"
        ]


class CheckCondition(models.Model):
    """A condition of an approval: what must be done, by whom and when."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        ACCEPTED = "accepted", "Accepted without change"

    safety_check = models.ForeignKey(
        SafetyCheck, on_delete=models.CASCADE, related_name="conditions"
    )
    text = models.CharField("Condition", max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="check_conditions")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# --- Sharing agreements ----------------------------------------------------------------------


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent", "Consent (Article 6(1)(a))"
    CONTRACT = "contract", "Contract (Article 6(1)(b))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Article 6(1)(f))"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9(2), where special-category data is involved."""

    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (Article 9(2)(a))"
    EMPLOYMENT = "employment", "Employment and social protection (Article 9(2)(b))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 9(2)(c))"
    NOT_FOR_PROFIT = "not_for_profit", "Not-for-profit bodies (Article 9(2)(d))"
    MADE_PUBLIC = "made_public", "Made public by the data subject (Article 9(2)(e))"
    LEGAL_CLAIMS = "legal_claims", "Legal claims (Article 9(2)(f))"
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "substantial_public_interest",
        "Substantial public interest (Article 9(2)(g))",
    )
    HEALTH_OR_SOCIAL_CARE = "health_or_social_care", "Health or social care (Article 9(2)(h))"
    PUBLIC_HEALTH = "public_health", "Public health (Article 9(2)(i))"
    ARCHIVING_RESEARCH = (
        "archiving_research",
        "Archiving, research and statistics (Article 9(2)(j))",
    )


class SharingAgreementQuerySet(models.QuerySet["SharingAgreement"]):
    def in_force(self, today=None) -> SharingAgreementQuerySet:
        today = today or timezone.localdate()
        return self.filter(
            status=SharingAgreement.Status.SIGNED, start_date__lte=today, end_date__gte=today
        )


class SharingAgreement(models.Model):
    """A data sharing agreement in a programme's register, and the data sources it covers.

    The signed document is encrypted at rest like a dataset (safety.storage), never served by URL.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        EXPIRED = "expired", "Expired"
        ENDED = "ended", "Ended"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    title = OneLineCharField(max_length=200)
    parties = models.ManyToManyField(Organisation, related_name="sharing_agreements")
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        max_length=40, choices=SpecialCategoryCondition.choices, blank=True
    )
    data_categories = models.TextField()
    start_date = models.DateField()
    review_date = models.DateField()
    end_date = models.DateField()
    external_reference = models.CharField(max_length=100, blank=True)
    data_sources = models.ManyToManyField(DataSource, blank=True, related_name="sharing_agreements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document_name = models.CharField(max_length=255, blank=True)
    document_stored_name = models.CharField(
        max_length=64, unique=True, default=_stored_name, editable=False
    )
    document_size = models.BigIntegerField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    end_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "end_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_date__gte=models.F("start_date"))
                & models.Q(end_date__gte=models.F("review_date")),
                name="agreement_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("safety:agreement", args=[self.pk])

    @property
    def has_document(self) -> bool:
        return bool(self.document_name)

    def current_status(self, today=None) -> str:
        """The status as of today: a signed agreement past its end date has expired even before
        the nightly task records it."""
        today = today or timezone.localdate()
        if self.status == self.Status.SIGNED and self.end_date < today:
            return self.Status.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status()).label

    def is_in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.current_status(today) == self.Status.SIGNED and self.start_date <= today


class KeyRotation(models.Model):
    """One run of `manage.py rotate_encryption_key`: what it re-encrypted under the newest key,
    what was already under it, and what it could not read. Kept in the audit log."""

    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which key, by a fingerprint that reveals nothing of it (HMAC of a fixed label).
    key_fingerprint = models.CharField(max_length=16)
    files_rotated = models.PositiveIntegerField(default=0)
    files_current = models.PositiveIntegerField(default=0)
    files_unreadable = models.PositiveIntegerField(default=0)
    secrets_rotated = models.PositiveIntegerField(default=0)
    secrets_current = models.PositiveIntegerField(default=0)
    secrets_unreadable = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        state = "finished" if self.finished_at else "unfinished"
        return f"Key rotation to {self.key_fingerprint} on {govuk_date(self.started_at)} ({state})"


def _register_audit_log() -> None:
    from auditlog.registry import auditlog

    # Every model that records a decision about data. Column names and masked examples stay out:
    # the log records who decided what, not the data.
    auditlog.register(SafetySettings)
    auditlog.register(
        Dataset,
        include_fields=[
            "status",
            "sheet",
            "quasi_identifiers",
            "min_cell_count",
            "remedies_confirmed_by",
            "remedies_confirmed_at",
            "retention_until",
            "files_deleted_at",
            "retried_at",
        ],
    )
    auditlog.register(ColumnFinding, include_fields=["chosen_action", "quasi_identifier"])
    auditlog.register(SafetyCheck, m2m_fields={"analysts"})
    auditlog.register(CheckCondition)
    auditlog.register(SharingAgreement, m2m_fields={"parties", "data_sources"})
    auditlog.register(KeyRotation)


_register_audit_log()
