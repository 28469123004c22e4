"""Exploring solutions: similar work elsewhere, the qualitative research log, the solution ideas
from the workshop (with a sketch) and the skills each needs from the project team."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.templatetags.govuk import govuk_date
from teams.models import User


class SimilarWork(models.Model):
    """An approach tried elsewhere that the team can learn from."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Another council"
        NATIONAL = "national", "A national body"
        VCS = "vcs", "A voluntary or community organisation"
        RESEARCH = "research", "Research"
        OTHER = "other", "Something else"

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="similar_work")
    title = models.CharField(max_length=200)
    who = models.CharField("Who did it", max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    link = models.URLField(max_length=500, blank=True)
    notes = models.TextField("What we can learn from it", max_length=4000)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "similar work"

    def __str__(self) -> str:
        return self.title


class ResearchSession(models.Model):
    """A planned or completed interview or group session. Its text was checked for personal data
    before it was saved; `kept_identifiers` records that someone chose to keep what was found."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "One-to-one interview"
        GROUP = "group", "Group session"

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"

    project = models.ForeignKey(
        "projects.Project", models.CASCADE, related_name="research_sessions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERVIEW)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    held_on = models.DateField("Date")
    reached = models.TextField("Who was reached", max_length=1000)
    themes = models.TextField(max_length=5000, blank=True)
    quotes = models.TextField(max_length=5000, blank=True)
    kept_identifiers = models.BooleanField(default=False, editable=False)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {govuk_date(self.held_on)}"


class SolutionIdea(models.Model):
    """A possible solution from the solution workshop, as the team would show it to people."""

    class Kind(models.TextChoices):
        INFOGRAPHIC = "infographic", "Infographic or PDF report"
        DASHBOARD = "dashboard", "Dashboard"
        MAP = "map", "Map"
        DATASET = "dataset", "Data set"
        OTHER = "other", "Something else"

    class Use(models.TextChoices):
        """What the solution does with the data: it decides the skills it needs and what the
        solution-stage safety check must consider."""

        SHOWS_MAP = "shows_map", "It shows a map of where people or needs are"
        STATISTICAL_CLAIMS = (
            "statistical_claims",
            "It makes statistical claims, for funding bids, lobbying or marketing",
        )
        PRIORITISES_SERVICES = "prioritises_services", "It informs how services are prioritised"
        NEED_INDICATORS = (
            "need_indicators",
            "It gives indicators of need that an organisation could use to make automated "
            "decisions about people",
        )
        COMBINES_DATA = (
            "combines_data",
            "It shares a data set combining information about residents from different sources",
        )
        PERSONAL_INFORMATION = (
            "personal_information",
            "It shows information about people who could be identified",
        )

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="solution_ideas")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.TextField("Who it is for", max_length=2000)
    what_to_see = models.TextField(
        "What would they need to see on a screen to act?", max_length=4000
    )
    narrative = models.TextField("The story it tells", max_length=4000, blank=True)
    caveats = models.TextField("Caveats and limits", max_length=4000, blank=True)
    uses = models.JSONField(default=list, blank=True)
    data_sources = models.ManyToManyField(
        "scoping.DataSource", blank=True, related_name="solution_ideas"
    )
    # The sketch: an image re-encoded by the service, encrypted under a random name.
    sketch_name = models.CharField(max_length=64, blank=True, editable=False)
    sketch_format = models.CharField(max_length=8, blank=True, editable=False)
    sketch_description = models.CharField("Describe the sketch", max_length=1000, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:solution", args=[self.project_id, self.pk])

    def get_uses_display(self) -> list[str]:
        return [str(self.Use(use).label) for use in self.uses if use in self.Use.values]


class SolutionSkill(models.TextChoices):
    """Skills a solution may need, after the guide's table of what each kind of solution takes."""

    DATA_SCIENTIST = "data_scientist", "Data scientist who can evaluate the data statistically"
    ETHICS_AND_LEGAL = "ethics_and_legal", "Ethics and legal"
    INFORMATION_RIGHTS = "information_rights", "Information rights"
    DATA_ENGINEER = "data_engineer", "Data engineer who can build charts, maps or dashboards"
    DESIGNER = "designer", "Visual designer with design tools"


class SolutionSkillNeed(models.Model):
    """Who on the project team brings a skill a solution needs (nobody: a gap)."""

    solution = models.ForeignKey(SolutionIdea, models.CASCADE, related_name="skill_needs")
    skill = models.CharField(max_length=30, choices=SolutionSkill.choices)
    filled_by = models.ForeignKey(
        "projects.ProjectMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["solution", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "skill"], name="one_need_per_skill")
        ]

    def __str__(self) -> str:
        return self.get_skill_display()
