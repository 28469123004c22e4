"""Ideas and the data that might answer them.

An Idea is the record a project grows from: a VCS partner's problem or question. Scoping sessions,
evaluation and selection (the phase 2 issue) build on it; so far it carries what a data source and
its uploaded datasets need to belong somewhere.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from teams.models import Organisation, Programme, User


class Idea(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    problem = models.TextField("The problem or question", blank=True)
    proposer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    proposing_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class DataSource(models.Model):
    """Somewhere data that could help answer an idea's question lives."""

    class Kind(models.TextChoices):
        OPEN_DATA = "open_data", "Published and open data"
        DIGITAL_SYSTEM = "digital_system", "Data in a council or VCS digital system"
        PAPER = "paper", "Paper records"
        INFORMAL_TOOL = "informal_tool", "Informal tools, such as spreadsheets or messaging groups"
        OTHER_TEAMS = "other_teams", "Data other teams have collected"
        NEW_COLLECTION = "new_collection", "New data to collect"
        QUALITATIVE = "qualitative", "Qualitative research"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="data_sources")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_sources",
        help_text="The organisation that holds the data. Only its people may upload it.",
    )
    may_hold_personal_data = models.BooleanField(default=True)
    access_notes = models.TextField("How it could be accessed", blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["idea", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.idea})"
