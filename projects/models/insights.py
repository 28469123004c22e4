"""Insights: what a project publishes. Each has a narrative, aggregate tables (never rows about
people), charts and maps drawn from them, and is public once its project is published.

A table keeps its figures as entered (for the team) and, beside them, the result of small-number
protection (`protection`, from projects.disclosure), which is all the public site ever reads.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from teams.models import Programme, User


class Licence(models.TextChoices):
    OGL = "OGL-UK-3.0", "Open Government Licence v3.0"
    CC_BY = "CC-BY-4.0", "Creative Commons Attribution 4.0"


LICENCE_URLS = {
    Licence.OGL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
}


class InsightQuerySet(models.QuerySet["Insight"]):
    def published(self) -> InsightQuerySet:
        return self.filter(published_at__isnull=False)


class Insight(models.Model):
    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="insights")
    # The programme is the project's, kept here so that addresses are unique per programme.
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="insights")
    title = OneLineCharField(max_length=200)  # heads emails about it
    slug = models.SlugField(max_length=80, editable=False)
    question = models.TextField("The question it answers", max_length=1000)
    summary = models.TextField(max_length=600, help_text="Two or three sentences for lists.")
    narrative = models.TextField("What we found", max_length=20_000)
    caveats = models.TextField("Caveats and limits", max_length=4000)
    permitted_use = models.TextField("Who may use it, and for what", max_length=2000)
    methodology = models.TextField("How we made it", max_length=10_000)
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.OGL)
    ready_at = models.DateTimeField(null=True, blank=True, editable=False)
    ready_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InsightQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_insight_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:insight", args=[self.project_id, self.pk])

    def get_public_url(self) -> str:
        return reverse("landing:insight", args=[self.programme.slug, self.slug])

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS[Licence(self.licence)]


class InsightTable(models.Model):
    """An aggregate table: rows (areas or categories) by columns (measures)."""

    class Kind(models.TextChoices):
        COUNT = "count", "Counts of people, households or events"
        AMOUNT = "amount", "Amounts (money, hours or other quantities)"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded CSV"
        DATASET = "dataset", "Grouped from a redacted dataset"

    insight = models.ForeignKey(Insight, models.CASCADE, related_name="tables")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=1000, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNT)
    row_title = models.CharField("What the rows are", max_length=100, default="Area")
    value_title = models.CharField("What the figures are", max_length=100, default="Count")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    dataset = models.ForeignKey(
        "safety.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grouped_by = models.JSONField(default=list, blank=True)
    # [{"row", "column", "value", "contributors"?, "largest"?, "second"?}]: the team's figures.
    cells = models.JSONField(default=list, editable=False)
    # [{"row", "column", "value", "rule", "low", "high"}] for every cell and total.
    protection = models.JSONField(default=list, editable=False)
    threshold = models.PositiveSmallIntegerField(editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["insight", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Boundaries(models.Model):
    """Area boundaries a project's maps are drawn on, checked and simplified on upload."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="boundaries")
    name = models.CharField(max_length=200)
    attribution = models.CharField(
        "Source and licence",
        max_length=500,
        help_text="Shown under every map, for example: Contains OS data © Crown copyright and "
        "database right 2024. Source: Office for National Statistics, licensed under the "
        "Open Government Licence v3.0.",
    )
    code_property = models.CharField(max_length=100, editable=False)
    geojson = models.JSONField(editable=False)
    areas = models.PositiveIntegerField(editable=False)
    points = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "boundaries"

    def __str__(self) -> str:
        return self.name


class InsightFigure(models.Model):
    """A chart or a map of one of the insight's tables, drawn to SVG when it is saved."""

    class Kind(models.TextChoices):
        BAR = "bar", "Bar chart"
        STACKED_BAR = "stacked_bar", "Stacked bar chart"
        LINE = "line", "Line chart"
        MAP = "map", "Map"

    insight = models.ForeignKey(Insight, models.CASCADE, related_name="figures")
    table = models.ForeignKey(InsightTable, models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(
        "Describe what it shows",
        max_length=1000,
        help_text="Read out by screen readers in place of the picture. Say what the figures "
        "show, not how it looks.",
    )
    # Maps only: the boundaries, and which column of the table is shaded.
    boundaries = models.ForeignKey(
        Boundaries, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    column = models.CharField(max_length=200, blank=True)
    svg = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["insight", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_map(self) -> bool:
        return self.kind == self.Kind.MAP
