"""Ideas, and the scoping that turns one into a question a project could answer.

An Idea is the record a project grows from: a VCS partner's problem or question. Around it sit the
messages between the proposer and the team, scoping sessions (who is invited, the preparation, the
problem framed as a question), the inventory of data sources, the skills those sources need, and
the evaluation summary the core team reads before selection. Where a project is in its lifecycle
is the projects app's business (`projects.Project`, one per idea).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField
from cip.templatetags.govuk import govuk_day, govuk_time
from scoping.public_data import PublicDataSet
from teams.models import OfficeHourBooking, Organisation, Programme, User


class Idea(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="ideas")
    title = OneLineCharField(max_length=200)
    problem = models.TextField("The problem", blank=True)
    question = models.TextField("The question or knowledge gap", blank=True)
    affected = models.TextField("Who it affects", blank=True)
    decisions = models.TextField("What decisions the answer would inform", blank=True)
    beliefs = models.TextField("What the proposer believes is going on", blank=True)
    # The output of a scoping session's first agenda item; empty until then.
    refined_question = models.TextField("The refined question", blank=True)
    proposer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    proposing_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    # Who typed it in, when a facilitator submits it on the proposer's behalf.
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booking = models.OneToOneField(
        OfficeHourBooking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
        help_text="The office-hours conversation the idea came from.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_question(self) -> str:
        return self.refined_question or self.question


class IdeaMessage(models.Model):
    """A message on an idea. Requests and replies pass between the team and the proposer; team
    notes are for the programme's core team only."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Request for more information"
        REPLY = "reply", "Reply from the proposer"
        TEAM_NOTE = "team_note", "Note for the core team"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when the message's email has gone out (a request to the proposer, a reply to the
    # facilitators), so a task run twice sends once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.idea}"

    @property
    def seen_by_proposer(self) -> bool:
        return self.kind != self.Kind.TEAM_NOTE


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


class ProgrammeDataSet(models.Model):
    """A published data set a programme suggests for its ideas' data inventories, beside the
    ones everyone is offered (scoping.public_data)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="public_data_sets"
    )
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    holds = models.TextField("What it holds", max_length=1000)
    kind = models.CharField("Kind of data", max_length=200)
    licence = models.CharField(max_length=200)
    period = models.CharField("Period it covers", max_length=200, blank=True)
    url = models.URLField("Web address", max_length=500)
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = "programme's published data set"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="one_programme_data_set_per_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.programme})"

    def as_suggestion(self) -> PublicDataSet:
        return PublicDataSet(
            slug=f"programme-{self.pk}",
            name=self.name,
            publisher=self.publisher,
            holds=self.holds,
            url=self.url,
            licence=self.licence,
            kind=self.kind,
            period=self.period,
        )


class ScopingSession(models.Model):
    """A meeting where a mixed team turns an idea into a question and scopes the data for it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="scoping_sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    location = OneLineCharField("Place or online link", max_length=500, blank=True)
    # Preparation, before the session.
    prep_existing_work = models.TextField("Existing work in this area", blank=True)
    prep_known_datasets = models.TextField(
        "Obvious data sets, and what we know about access to them", blank=True
    )
    # Agenda item 1: the problem into a question.
    decisions_informed = models.TextField("What decisions would the answer inform?", blank=True)
    what_we_know = models.TextField("What do we think we know about the problem?", blank=True)
    hypotheses = models.TextField("Hunches and hypotheses", blank=True)
    pain_point = models.TextField("The biggest pain point", blank=True)
    better_off = models.TextField(
        "Which people should be better off, and in what ways?", blank=True
    )
    who_could_act = models.TextField(
        "Who could do what differently with better information?", blank=True
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Counts changes to the calendar event (its SEQUENCE), so calendars update the event they
    # already hold: a new time or place, or someone's invitation taken back.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # When the time, length or place last changed; empty if never.
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"Scoping session for {self.idea}"

    def get_absolute_url(self) -> str:
        return reverse("scoping:session", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def when(self) -> str:
        """UK local date and times, as pages and emails show them: Tuesday 4 March 2025, 10am
        to 11:30am."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{govuk_day(start)}, {govuk_time(start)} to {govuk_time(end)}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def changed_on(self) -> str:
        """When the time or place last changed, UK time: Tuesday 4 March 2025 at 2:30pm."""
        if self.changed_at is None:
            return ""
        moment = timezone.localtime(self.changed_at)
        return f"{govuk_day(moment)} at {govuk_time(moment)}"

    @property
    def framing_answers(self) -> list[tuple[str, str]]:
        """Agenda item 1's prompts and the answers given, in order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in FRAMING_FIELDS
        ]


# The prompts of agenda item 1, as fields of ScopingSession.
FRAMING_FIELDS = (
    "decisions_informed",
    "what_we_know",
    "hypotheses",
    "pain_point",
    "better_off",
    "who_could_act",
)


class SessionRole(models.TextChoices):
    """The roles a scoping session needs, and others who may join."""

    FACILITATOR = "facilitator", "Facilitator"
    PROPOSER = "proposer", "VCS colleague who proposed the idea"
    DATA_SPECIALIST = "data_specialist", "Data scientist or data engineer"
    SUBJECT_EXPERT = "subject_expert", "Subject-matter expert from service delivery"
    OTHER = "other", "Other"


NEEDED_SESSION_ROLES = (
    SessionRole.FACILITATOR,
    SessionRole.PROPOSER,
    SessionRole.DATA_SPECIALIST,
    SessionRole.SUBJECT_EXPERT,
)


def missing_roles(invited_roles: Iterable[str]) -> list[SessionRole]:
    """The roles a session needs that nobody has been invited to fill, in the order above."""
    invited = set(invited_roles)
    return [role for role in NEEDED_SESSION_ROLES if role not in invited]


class SessionInvitation(models.Model):
    session = models.ForeignKey(
        ScopingSession, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_invitations")
    role = models.CharField(max_length=30, choices=SessionRole.choices)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The session's `sequence` in the last calendar entry emailed for this invitation (empty for
    # invitations emailed before sessions could change: they hold sequence 0).
    emailed_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["session", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user", "role"], name="one_invitation_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class SessionCancellation(models.Model):
    """An emailed invitation that was taken back: the cancellation its person is sent.

    A row of its own rather than a flag on the invitation, which is deleted at once (so access,
    the roles and inviting them again stay as simple as before); this row is what the email task
    claims, so a task run twice sends once.
    """

    session = models.ForeignKey(
        ScopingSession, on_delete=models.CASCADE, related_name="cancellations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The session's sequence once the invitation was taken back: above any this person holds.
    sequence = models.PositiveIntegerField(editable=False)
    removed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    removed_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["session", "removed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} no longer invited to {self.session}"


class Skill(models.TextChoices):
    """Skills a project may need, from the kinds of data it will use."""

    DATA_MINING = "data_mining", "Data engineer who can mine large public sources"
    KNOWS_THE_DATA = "knows_the_data", "Someone who knows the data in depth"
    SYSTEM_ADMIN = "system_admin", "System or database administrator who can extract data"
    DATA_CLEANING = "data_cleaning", "Data engineer who can clean sparse or unstructured data"
    COLLECTION_DESIGN = "collection_design", "Data analyst who can design data collection"
    SUBJECT_EXPERT = "subject_expert", "Subject-matter experts and users"
    RESEARCHER = "researcher", "Researcher who follows the research and data in this area"
    OTHER = "other", "Other"


class SkillNeed(models.Model):
    """A skill the project needs, suggested from its data sources or added by the team."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="skill_needs")
    skill = models.CharField(max_length=30, choices=Skill.choices)
    description = models.CharField(max_length=300, blank=True)
    filled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="skills_filled"
    )
    # Someone without an account here, named by the team.
    filled_by_name = models.CharField(max_length=200, blank=True)
    suggested = models.BooleanField(default=False, editable=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["idea", "skill", "pk"]

    def __str__(self) -> str:
        return self.description or self.get_skill_display()

    @property
    def is_filled(self) -> bool:
        return self.filled_by_id is not None or bool(self.filled_by_name)


class EvaluationSummary(models.Model):
    """What the core team reads about an idea before selection."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="evaluation")
    existing_work = models.TextField("Work already being done in this area", blank=True)
    people_and_skills = models.TextField("Extra people and skills needed", blank=True)
    # Written by the team, starting from the inventory and its files' personal-data scans.
    data_safety = models.TextField("Data safety considerations", blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    # The `shared_at` whose email has gone out: each press of "share" emails the team once, however
    # often its task runs.
    shared_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "evaluation summaries"

    def __str__(self) -> str:
        return f"Evaluation of {self.idea}"

    @property
    def is_complete(self) -> bool:
        return all((self.existing_work, self.people_and_skills, self.data_safety))

    @property
    def changed_since_shared(self) -> bool:
        return self.shared_at is not None and self.updated_at > self.shared_at

    @property
    def needs_sharing(self) -> bool:
        """Complete, and the core team has not been sent this version yet."""
        return self.is_complete and (self.shared_at is None or self.changed_since_shared)

    @property
    def shared_on(self) -> str:
        """When it was last shared, UK time: Tuesday 4 March 2025 at 2:30pm."""
        if self.shared_at is None:
            return ""
        moment = timezone.localtime(self.shared_at)
        return f"{govuk_day(moment)} at {govuk_time(moment)}"
