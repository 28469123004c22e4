"""Uploaded datasets, what the scan found in them, the reviewer's remedies, and who read them.

The bytes never live in the database: a dataset's raw file and its redacted copy are encrypted
files under PRIVATE_STORAGE_ROOT (see safety.storage), named by a random token, never served by URL.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from scoping.models import DataSource, Idea
from teams.models import Organisation, Programme, User

RETENTION_DAYS = 365
MAX_ATTEMPTS = 3


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
        default=10,
        help_text="Groups and postcodes with fewer people or households than this are small.",
    )

    class Meta:
        verbose_name_plural = "safety settings"

    def __str__(self) -> str:
        return f"Safety settings for {self.programme}"

    @classmethod
    def min_cell_count_for(cls, programme_id: int) -> int:
        found = cls.objects.filter(programme_id=programme_id).values_list(
            "min_cell_count", flat=True
        )
        return next(iter(found), 10)


class ProjectSecret(models.Model):
    """A random secret per idea (project), so pseudonyms match across its files and no other's."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="pseudonym_secret")
    encrypted_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Pseudonym key for {self.idea}"

    @classmethod
    def key_for(cls, idea: Idea) -> bytes:
        fernet = Fernet(settings.DATA_ENCRYPTION_KEY)
        secret, _ = cls.objects.get_or_create(
            idea=idea, defaults={"encrypted_key": fernet.encrypt(secrets.token_bytes(32))}
        )
        return fernet.decrypt(bytes(secret.encrypted_key))


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
        """Datasets the user may open: their organisation's, and their programmes' as reviewer
        or analyst; admins see all."""
        from safety.rules import DATASET_ROLES  # noqa: PLC0415 (rules imports models)
        from teams.rules import is_admin  # noqa: PLC0415

        if not user.is_authenticated:
            return self.none()
        if is_admin(user):
            return self
        programmes = user.memberships.active().filter(role__in=DATASET_ROLES)
        visible = models.Q(data_source__idea__programme__in=programmes.values("programme"))
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
    # The scan's results beyond columns: small cells, k-anonymity, how postcodes were judged.
    rows = models.PositiveBigIntegerField(null=True, blank=True)
    quasi_identifiers = models.JSONField(default=list, blank=True)
    k_anonymity = models.JSONField(default=dict, blank=True)
    # The generalisation levels the reviewer chose from the scan's k-anonymity options
    # (quasi-identifier -> level); empty: the option of least information loss.
    generalisation = models.JSONField(default=dict, blank=True)
    small_cells = models.JSONField(default=list, blank=True)
    small_numbers = models.JSONField(default=dict, blank=True)
    min_cell_count = models.PositiveSmallIntegerField(default=10)
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
    """One row for every read of a dataset's raw or redacted bytes: who, when, what and why."""

    class What(models.TextChoices):
        RAW = "raw", "Original file"
        REDACTED = "redacted", "Redacted copy"
        DELETED = "deleted", "Files deleted at the retention date"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=10, choices=What.choices)
    purpose = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "dataset accesses"

    def __str__(self) -> str:
        return f"{self.get_what_display()} of {self.dataset} by {self.user} at {self.at:%Y-%m-%d}"
