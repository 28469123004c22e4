"""Reads that several scoping pages share: the core team, skill suggestions, and how far an
idea's scoping has got."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from safety.models import Dataset
from scoping.models import DataSource, Idea, SkillNeed
from scoping.skills import Suggestion, suggest_skills
from teams.models import Membership, Programme, User


def core_team_users(programme: Programme) -> QuerySet[User]:
    """Everyone with an active role on the programme's team, by name."""
    members = Membership.objects.active().filter(programme=programme).values("user")
    return User.objects.filter(pk__in=members, is_active=True).order_by("display_name", "email")


def core_team_organisation_ids(programme: Programme) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(programme=programme, user__organisation__isnull=False)
        .values_list("user__organisation", flat=True)
    )


def inventory(idea: Idea) -> QuerySet[DataSource]:
    """The idea's data sources by name, each with its owner and how many files it has."""
    return (
        idea.data_sources.select_related("owner")
        .annotate(dataset_count=Count("datasets"))
        .order_by("name")  # Meta.ordering is not applied to an aggregate query
    )


def skill_suggestions(idea: Idea) -> list[Suggestion]:
    """The skills the idea's data sources call for (two queries)."""
    sources = idea.data_sources.select_related("owner")
    return suggest_skills(sources, core_team_organisation_ids(idea.programme))


def people_and_skills_draft(idea: Idea) -> str:
    """The skill list as text, to start the evaluation summary's people-and-skills part."""
    lines = []
    for need in idea.skill_needs.select_related("filled_by"):
        who = (need.filled_by and str(need.filled_by)) or need.filled_by_name
        filled = f"filled by {who}" if who else "not filled yet"
        lines.append(f"- {need}: {filled}")
    return "\n".join(lines)


def data_safety_draft(idea: Idea) -> str:
    """What the inventory and the personal-data scans of its files say, to start the summary's
    data-safety part: kinds of personal data and counts only, never a value from a file."""
    lines = []
    sources = idea.data_sources.select_related("owner").prefetch_related(
        Prefetch("datasets", queryset=Dataset.objects.prefetch_related("findings"))
    )
    for source in sources.order_by("name"):
        held = f", held by {source.owner}" if source.owner else ""
        may = "may hold" if source.may_hold_personal_data else "is not expected to hold"
        lines.append(f"- {source.name}{held}: {may} personal data.")
        lines.extend(f"  - {_scan_summary(dataset)}" for dataset in source.datasets.all())
    return "\n".join(lines)


def _scan_summary(dataset: Dataset) -> str:
    if dataset.status not in (Dataset.Status.SCANNED, Dataset.Status.REDACTED):
        return f"{dataset}: {dataset.get_status_display().lower()}."
    findings = [f for f in dataset.findings.all() if f.pii_types]
    kinds = sorted({kind for finding in findings for kind in finding.pii_types})
    if findings:
        found = (
            f"personal data in {len(findings)} column{pluralize(len(findings))} "
            f"({', '.join(_readable(kind) for kind in kinds)})"
        )
    else:
        found = "no personal data found"
    if dataset.small_cells:
        found += f"; {len(dataset.small_cells)} count{pluralize(len(dataset.small_cells))} "
        found += f"below {dataset.min_cell_count}"
    copy = (
        "a redacted copy is ready"
        if dataset.status == Dataset.Status.REDACTED
        else "remedies not yet confirmed"
    )
    return f"{dataset}: {found}; {copy}."


def _readable(kind: str) -> str:
    """A scanner's kind of personal data in words: NHS_NUMBER is "NHS number"."""
    words = kind.replace("_", " ").lower()
    return words.replace("nhs ", "NHS ").replace("ni ", "NI ")


def existing_work_draft(idea: Idea) -> str:
    """What the sessions' preparation found about existing work, to start the summary."""
    notes = idea.scoping_sessions.exclude(prep_existing_work="").values_list(
        "prep_existing_work", flat=True
    )
    return "\n\n".join(notes)


@dataclass(frozen=True)
class Step:
    """One line of the scoping task list."""

    name: str
    status: str  # "Completed", or the text of a tag
    url: str = ""
    hint: str = ""
    tag: str = "govuk-tag--blue"

    @property
    def completed(self) -> bool:
        return self.status == "Completed"


def scoping_steps(idea: Idea, user) -> list[Step]:
    """The idea's scoping, step by step, with links to the pages `user` may open."""
    sessions = list(idea.scoping_sessions.all())
    may_see = user.has_perm("scoping.see_scoping", idea)
    may_schedule = user.has_perm("scoping.schedule_session", idea)
    latest = sessions[-1] if sessions else None
    now = timezone.now()
    steps = []

    if latest is None:
        url = reverse("scoping:session_new", args=[idea.pk]) if may_schedule else ""
        steps.append(Step("Scoping session", "Not yet started", url))
    else:
        may_open = may_see or user.has_perm("scoping.see_session", latest)
        url = latest.get_absolute_url() if may_open else ""
        held = any(session.starts_at <= now for session in sessions)
        status = "Completed" if held else "Scheduled"
        tag = "govuk-tag--light-blue"
        steps.append(Step("Scoping session", status, url, hint=latest.when, tag=tag))

    question_url = ""
    # The question's page is for changing it, which stops once the idea is withdrawn or closed.
    if latest is not None and may_see and user.has_perm("scoping.edit_session_notes", latest):
        question_url = reverse("scoping:session_question", args=[latest.pk])
    if idea.refined_question.strip():
        steps.append(Step("The refined question", "Completed", question_url))
    elif latest is None:
        steps.append(Step("The refined question", "Cannot start yet", tag=""))
    else:
        steps.append(Step("The refined question", "Not yet started", question_url))

    inventory_url = reverse("scoping:data_sources", args=[idea.pk]) if may_see else ""
    source_count = len(idea.data_sources.all())
    steps.append(
        Step(
            "Data inventory",
            "Completed" if source_count else "Not yet started",
            inventory_url,
            hint=f"{source_count} data source{'' if source_count == 1 else 's'}",
        )
    )

    skills_url = reverse("scoping:skills", args=[idea.pk]) if may_see else ""
    needs = list(SkillNeed.objects.filter(idea=idea).only("filled_by", "filled_by_name"))
    unfilled = sum(1 for need in needs if not need.is_filled)
    if not needs:
        steps.append(Step("People and skills", "Not yet started", skills_url))
    elif unfilled:
        steps.append(
            Step("People and skills", f"{unfilled} not filled", skills_url, tag="govuk-tag--yellow")
        )
    else:
        steps.append(Step("People and skills", "Completed", skills_url))

    evaluation_url = reverse("scoping:evaluation", args=[idea.pk]) if may_see else ""
    evaluation = getattr(idea, "evaluation", None)
    if evaluation is None:
        steps.append(Step("Evaluation summary", "Not yet started", evaluation_url))
    elif not evaluation.is_complete:
        steps.append(
            Step("Evaluation summary", "In progress", evaluation_url, tag="govuk-tag--light-blue")
        )
    elif evaluation.needs_sharing:
        status = "Changed since shared" if evaluation.shared_at else "Not shared yet"
        steps.append(Step("Evaluation summary", status, evaluation_url, tag="govuk-tag--yellow"))
    else:
        steps.append(Step("Evaluation summary", "Completed", evaluation_url, hint="Shared"))
    return steps


def invitable_people(idea: Idea) -> QuerySet[User]:
    """Who the invitation form lists: the core team and the idea's proposer."""
    members = Membership.objects.active().filter(programme=idea.programme).values("user")
    return User.objects.filter(Q(pk__in=members) | Q(pk=idea.proposer_id), is_active=True).order_by(
        "display_name", "email"
    )
