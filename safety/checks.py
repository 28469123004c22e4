"""Data safety checks: start, answer, send for sign-off, sign off, new versions, conditions, and
what the lifecycle asks of them.

A check is written by one person and signed off by someone else with the information-rights role
(for a data source, also not from the organisation that owns it nor its uploader). Once signed off
it is frozen; a change is a new version, and the latest signed-off version is the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safety import extensions
from safety.models import (
    APPROVED_OUTCOMES,
    CheckCondition,
    DatasetAccess,
    Outcome,
    SafetyCheck,
    SharingAgreement,
    Stage,
)
from safety.questions import NO, PREVIOUS_STAGE, QUESTIONS, YES, question_text
from scoping.models import DataSource, Idea
from teams.models import User


class FrozenCheck(Exception):
    """A signed-off check cannot change: start a new version."""


class CheckError(Exception):
    """The check is not in a state for this; `message` says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ConditionInput:
    text: str
    owner: User
    due_date: date


# --- Pre-filling -----------------------------------------------------------------------------

IDENTIFIERS = {"PERSON_NAME", "EMAIL", "PHONE"}
SYSTEM_IDS = {"SYSTEM_ID", "NHS_NUMBER", "NI_NUMBER"}


def _answer(answer: str, note: str) -> dict:
    return {"answer": answer, "note": note}


def _columns(findings, kinds: set[str]) -> list[str]:
    return [
        f"{f.name} ({f.get_chosen_action_display() or 'remedy not chosen yet'})"
        for f in findings
        if f.kind in kinds
    ]


def _evaluation_prefill(source: DataSource) -> dict:
    """Answers drawn from the source's latest scanned dataset and its chosen remedies."""
    answers: dict = {}
    agreement = source.sharing_agreements.in_force().first()
    if agreement is not None:
        reference = f" ({agreement.external_reference})" if agreement.external_reference else ""
        answers["agreement"] = _answer(YES, f"{agreement.title}{reference}")
    dataset = source.datasets.exclude(rows=None).order_by("-created_at").first()
    if dataset is None:
        return answers
    findings = list(dataset.findings.all())
    personal = [f.name for f in findings if f.pii_types]
    answers["personal_data"] = _answer(
        YES if personal else NO,
        f"The scan of {dataset.original_filename} found personal data in: {', '.join(personal)}"
        if personal
        else f"The scan of {dataset.original_filename} found no personal data.",
    )
    small = [cell["column"] for cell in dataset.small_cells]
    answers["small_postcodes"] = _answer(
        YES if small else NO,
        f"Small groups in: {', '.join(small)}" if small else "The scan found no small groups.",
    )
    below = dataset.k_anonymity.get("records_below_threshold")
    if dataset.quasi_identifiers:
        answers["mosaic"] = _answer(
            YES if below else NO,
            f"Quasi-identifiers {', '.join(dataset.quasi_identifiers)}: "
            f"{below or 0} records in groups smaller than {dataset.min_cell_count}.",
        )
    for key, kinds in (("direct_identifiers", IDENTIFIERS), ("system_ids", SYSTEM_IDS)):
        columns = _columns(findings, kinds)
        answers[key] = _answer(
            YES if columns else NO, f"Columns: {', '.join(columns)}" if columns else ""
        )
    texts = [
        f"{f.name} ({f.get_chosen_action_display() or 'remedy not chosen yet'})"
        for f in findings
        if f.kind in ("free_text", "mixed") and f.pii_types
    ]
    answers["free_text"] = _answer(
        YES if texts else NO, f"Columns: {', '.join(texts)}" if texts else ""
    )
    return answers


def prefill(idea: Idea, stage: str, data_source: DataSource | None) -> dict:
    """Suggested answers for a new check: from the scans at evaluation, from the project's
    solution ideas (through `safety.extensions`) at the solution stage."""
    if stage == Stage.EVALUATION and data_source is not None:
        return _evaluation_prefill(data_source)
    if stage == Stage.SOLUTION:
        keys = {q.key for q in QUESTIONS[Stage.SOLUTION]}
        return {
            key: _answer(value.answer, value.note)
            for key, value in extensions.solution_answers(idea).items()
            if key in keys
        }
    return {}


def earlier_assumptions(idea: Idea, stage: str) -> list[tuple[SafetyCheck, str, str]]:
    """The previous stage's assumptions (checks in force, else the latest versions), shown
    again on this stage's check: (check, question, assumption)."""
    previous = PREVIOUS_STAGE.get(stage)
    if previous is None:
        return []
    checks = SafetyCheck.objects.filter(idea=idea, stage=previous).select_related("data_source")
    latest: dict = {}
    for check in checks.order_by("version"):
        key = check.data_source_id
        if check.in_force or key not in latest or not latest[key].in_force:
            latest[key] = check
    return [
        (check, question_text(previous, key), note)
        for check in latest.values()
        for key, note in check.assumptions()
    ]


# --- Writing and signing off -----------------------------------------------------------------


def current(idea: Idea, stage: str, data_source: DataSource | None = None) -> SafetyCheck | None:
    """The latest version of the idea's check at `stage` (for the data source at evaluation)."""
    return (
        SafetyCheck.objects.filter(idea=idea, stage=stage, data_source=data_source)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def check_start(
    *, idea: Idea, stage: str, author: User, data_source: DataSource | None = None
) -> SafetyCheck:
    """Start a check (its answers pre-filled), or return the draft or waiting one already open."""
    if (stage == Stage.EVALUATION) != (data_source is not None):
        raise CheckError("Evaluation checks are per data source; later checks are per project")
    Idea.objects.select_for_update().get(pk=idea.pk)  # one version number at a time
    latest = current(idea, stage, data_source)
    if latest is not None and not latest.is_frozen:
        return latest
    return SafetyCheck.objects.create(
        idea=idea,
        stage=stage,
        data_source=data_source,
        version=(latest.version + 1) if latest else 1,
        author=author,
        answers=(dict(latest.answers) if latest else prefill(idea, stage, data_source)),
    )


@transaction.atomic
def check_new_version(*, check: SafetyCheck, user: User) -> SafetyCheck:
    """A new draft from a signed-off check, its answers and analysts copied; `user` writes it.
    The signed-off version stays in force until the new one is signed off."""
    if not check.is_frozen:
        raise CheckError("This version is still open: change it rather than starting another")
    new = check_start(
        idea=check.idea, stage=check.stage, author=user, data_source=check.data_source
    )
    if new.version == check.version + 1 and not new.analysts.exists():
        new.analysts.set(check.analysts.all())
    return new


def check_save(
    *, check: SafetyCheck, user: User, answers: dict, analysts=(), submit: bool = False
) -> SafetyCheck:
    """Save the author's answers (and, at evaluation, the analysts named); with `submit`, send
    the check for sign-off. Raises FrozenCheck once it has been signed off."""
    with transaction.atomic():
        check = SafetyCheck.objects.select_for_update().get(pk=check.pk)
        if check.is_frozen:
            raise FrozenCheck(str(check))
        if user.pk != check.author_id:
            raise PermissionDenied
        check.answers = answers
        if submit:
            check.status = SafetyCheck.Status.WAITING
            check.submitted_at = timezone.now()
            check.reminded_at = None
        check.save()
        if check.stage == Stage.EVALUATION:
            check.analysts.set(analysts)
    return check


def check_sign_off(
    *,
    check: SafetyCheck,
    user: User,
    outcome: str,
    note: str = "",
    conditions: list[ConditionInput] = (),
) -> SafetyCheck:
    """Record the reviewer's decision. The reviewer must hold the information-rights role and
    be neither the author nor (for a data source) on the owning side; the check must be waiting.
    The version becomes the one in force; the access log records the decision."""
    if not rules.has_perm("safety.sign_off_check", user, check):
        raise PermissionDenied
    if outcome == Outcome.APPROVED_WITH_CONDITIONS and not conditions:
        raise CheckError("Add at least one condition, or approve without conditions")
    if outcome != Outcome.APPROVED_WITH_CONDITIONS and conditions:
        raise CheckError("Conditions go with an approval with conditions")
    with transaction.atomic():
        check = SafetyCheck.objects.select_for_update().get(pk=check.pk)
        if check.is_frozen:
            raise FrozenCheck(str(check))
        if check.status != SafetyCheck.Status.WAITING:
            raise CheckError("The author has not sent this check for sign-off yet")
        SafetyCheck.objects.filter(
            idea=check.idea, stage=check.stage, data_source=check.data_source, in_force=True
        ).update(in_force=False)
        check.status = SafetyCheck.Status.SIGNED_OFF
        check.outcome = outcome
        check.sign_off_note = note.strip()
        check.signed_off_by = user
        check.signed_off_at = timezone.now()
        check.in_force = True
        check.save()
        for condition in conditions:
            CheckCondition.objects.create(
                safety_check=check,
                text=condition.text,
                owner=condition.owner,
                due_date=condition.due_date,
            )
        DatasetAccess.objects.create(
            safety_check=check, user=user, what=DatasetAccess.What.CHECK, purpose=_decision(check)
        )
    return check


def _decision(check: SafetyCheck) -> str:
    named = ", ".join(str(u) for u in check.analysts.all())
    text = f"{check}: {check.get_outcome_display()}"
    if check.stage == Stage.EVALUATION and check.outcome in APPROVED_OUTCOMES:
        text += f"; analysts named: {named or 'none'}"
    if check.sign_off_note:
        text += f". {check.sign_off_note}"
    return text[:500]


@transaction.atomic
def condition_resolve(
    *, condition: CheckCondition, user: User, status: str, note: str = ""
) -> CheckCondition:
    """Record a condition as met (its owner or a reviewer) or accepted without change (a
    reviewer who did not write the check)."""
    perm = (
        "safety.accept_condition"
        if status == CheckCondition.Status.ACCEPTED
        else ("safety.resolve_condition")
    )
    if not rules.has_perm(perm, user, condition):
        raise PermissionDenied
    condition = CheckCondition.objects.select_for_update().get(pk=condition.pk)
    condition.status = status
    condition.resolved_by = user
    condition.resolved_at = timezone.now()
    condition.resolution_note = note.strip()
    condition.save()
    return condition


# --- What the lifecycle asks -----------------------------------------------------------------


def _in_force(idea: Idea, stage: str):
    return SafetyCheck.objects.filter(idea=idea, stage=stage, in_force=True)


def special_category_sources(data_sources) -> list[str]:
    """The names of the sources whose latest evaluation check answers that they include
    special-category data (sharing them needs an Article 9 condition)."""
    return [
        source.name
        for source in data_sources
        if (check := current(source.idea, Stage.EVALUATION, source)) is not None
        and check.answers.get("special_category", {}).get("answer") == "yes"
    ]


def in_force(idea: Idea, stage: str) -> SafetyCheck | None:
    """The project's signed-off check in force at a later stage, if any."""
    return _in_force(idea, stage).first()


def stage_missing(idea: Idea, stage: str) -> str | None:
    """What stops the project passing this stage's safety check, or None.

    Evaluation needs an approved check for every data source; later stages one for the project.
    Approval counts once every condition is met or accepted.
    """
    label = Stage(stage).label.lower()
    if stage == Stage.EVALUATION:
        sources = list(idea.data_sources.order_by("name"))
        checks = {
            c.data_source_id: c for c in _in_force(idea, stage).prefetch_related("conditions")
        }
        unapproved = [s.name for s in sources if not _passes(checks.get(s.pk))]
        if unapproved:
            return (
                "Get the evaluation safety check signed off as approved, with its conditions "
                f"met or accepted, for: {', '.join(unapproved)}"
            )
        return None
    check = _in_force(idea, stage).prefetch_related("conditions").first()
    if not _passes(check):
        return (
            f"Get the {label} safety check signed off as approved, with its conditions met "
            "or accepted"
        )
    return None


def _passes(check: SafetyCheck | None) -> bool:
    return (
        check is not None
        and check.outcome in APPROVED_OUTCOMES
        and not any(c.is_open for c in check.conditions.all())
    )


def may_publish(idea: Idea) -> bool:
    """The public sees only what a pre-publication check approved."""
    return stage_missing(idea, Stage.PRE_PUBLICATION) is None


# --- Reminders -------------------------------------------------------------------------------


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (England and Wales bank holidays
    are not working days)."""
    if end <= start:
        return 0
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(start.year, end.year + 1)
    )
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            days += 1
    return days


def overdue_check_ids(*, today: date | None = None) -> list[int]:
    """Checks waiting for sign-off longer than SAFETY_CHECK_REMINDER_WORKING_DAYS and not yet
    reminded about."""
    today = today or timezone.localdate()
    limit = settings.SAFETY_CHECK_REMINDER_WORKING_DAYS
    waiting = SafetyCheck.objects.waiting().filter(reminded_at=None)
    # Only those waiting at least `limit` calendar days can be overdue: no need to look further.
    waiting = waiting.filter(submitted_at__date__lte=today - timedelta(days=limit))
    return [
        pk
        for pk, submitted in waiting.values_list("pk", "submitted_at")
        if working_days_between(timezone.localdate(submitted), today) > limit
    ]


def checks_to_sign_off(user: User):
    """The reviewer's queue: checks waiting in programmes where `user` holds the information-
    rights role, oldest first."""
    from teams.models import Role  # noqa: PLC0415 (kept beside its only use)

    programmes = user.memberships.active().filter(role=Role.INFORMATION_RIGHTS)
    return (
        SafetyCheck.objects.waiting()
        .filter(idea__programme__in=programmes.values("programme"))
        .select_related("idea__programme", "data_source", "author")
        .order_by("submitted_at", "pk")
    )


def latest_versions(idea: Idea):
    """Every check of the idea, newest version first within each stage and source."""
    return (
        SafetyCheck.objects.filter(idea=idea)
        .select_related("data_source", "author", "signed_off_by")
        .prefetch_related("conditions__owner", "analysts")
        .order_by("stage", "data_source__name", "-version")
    )


def agreements_for(idea: Idea):
    return (
        SharingAgreement.objects.filter(data_sources__idea=idea)
        .distinct()
        .prefetch_related("parties")
    )


def open_conditions_for(user: User):
    """Conditions `user` owns that are still open, for their dashboard."""
    return (
        CheckCondition.objects.filter(owner=user, status=CheckCondition.Status.OPEN)
        .filter(Q(safety_check__in_force=True))
        .select_related("safety_check__idea", "safety_check__data_source")
    )


def access_log_for(dataset):
    """The access log a dataset's page shows: its downloads and deletion, the decisions of the
    checks on its data source, and what happened to the agreements covering it."""
    source = dataset.data_source
    return (
        DatasetAccess.objects.filter(
            Q(dataset=dataset)
            | Q(safety_check__data_source=source)
            | Q(agreement__in=source.sharing_agreements.values("pk"))
        )
        .select_related("user", "agreement", "safety_check__data_source")
        .order_by("-at", "-pk")
    )
