"""Dashboard tasks about data safety: files to upload, sheets to choose, remedies to confirm,
checks to sign off or change, and conditions to meet."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse

from cip.dashboard import Task, TaskGroup, register
from cip.templatetags.govuk import govuk_date
from safety.checks import checks_to_sign_off, open_conditions_for
from safety.models import Dataset, Outcome, SafetyCheck
from scoping.models import DataSource
from teams.models import Role
from teams.rules import programmes_where


@register
def dataset_tasks(request: HttpRequest) -> Iterator[TaskGroup]:
    user = request.user
    if user.organisation_id and user.organisation_confirmed:
        sources = (
            DataSource.objects.filter(owner_id=user.organisation_id, datasets__isnull=True)
            .select_related("idea")
            .order_by("pk")
        )
        yield TaskGroup("Data to upload", sources, _upload_task)
        sheets = Dataset.objects.filter(
            owner_id=user.organisation_id, status=Dataset.Status.CHOOSING_SHEET
        ).order_by("pk")
        yield TaskGroup("Sheets to choose", sheets, _sheet_task)
        # Until a newer file for the same data source replaces it.
        newer = Dataset.objects.filter(data_source=OuterRef("data_source"), pk__gt=OuterRef("pk"))
        failed = (
            Dataset.objects.filter(
                owner_id=user.organisation_id,
                status=Dataset.Status.FAILED,
                remedies_confirmed_at__isnull=True,
                files_deleted_at__isnull=True,
            )
            .exclude(Exists(newer))
            .order_by("pk")
        )
        yield TaskGroup("Files that could not be scanned", failed, _failed_task)
    reviewing = programmes_where(user, Role.INFORMATION_RIGHTS)
    if not reviewing:
        yield TaskGroup("Remedies to choose", [], _remedies_task)
        return
    # Not their own organisation's data nor their own upload: someone else decides those.
    to_review = (
        Dataset.objects.filter(
            data_source__idea__programme__in=reviewing,
            status=Dataset.Status.SCANNED,
        )
        .exclude(uploaded_by=user)
        .order_by("pk")
    )
    if user.organisation_id and user.organisation_confirmed:
        to_review = to_review.exclude(owner_id=user.organisation_id)
    yield TaskGroup("Remedies to choose", to_review, _remedies_task)


@register
def safety_check_tasks(request: HttpRequest) -> Iterator[Task | TaskGroup]:
    user = request.user
    reviewing = programmes_where(user, Role.INFORMATION_RIGHTS)
    waiting = checks_to_sign_off(user).exclude(author=user).count() if reviewing else 0
    if waiting:
        yield Task(
            title=f"Sign off data safety checks ({waiting} waiting)",
            url=reverse("safety:check_queue"),
            hint="Oldest first. You cannot sign off a check you wrote.",
        )
    changes = (
        SafetyCheck.objects.filter(author=user, in_force=True, outcome=Outcome.NEEDS_CHANGES)
        .select_related("idea", "data_source")
        .order_by("pk")
    )
    yield TaskGroup("Safety checks to change", changes, _change_task)
    yield TaskGroup("Conditions to meet", open_conditions_for(user), _condition_task)


def _change_task(check: SafetyCheck) -> Task:
    return Task(
        title=f"Change the {check} for “{check.idea.title}”",
        url=check.get_absolute_url(),
        hint="The reviewer asked for changes: start a new version.",
    )


def _condition_task(condition) -> Task:
    return Task(
        title=f"Meet the condition: {condition.text}",
        url=reverse("safety:condition", args=[condition.pk]),
        hint=f"Due {govuk_date(condition.due_date)}, on the {condition.safety_check} for "
        f"“{condition.safety_check.idea.title}”.",
    )


def _upload_task(source: DataSource) -> Task:
    return Task(
        title=f"Upload {source.name}",
        url=reverse("safety:dataset_upload", args=[source.pk]),
        hint=f"Your organisation holds this data for “{source.idea.title}”.",
    )


def _sheet_task(dataset: Dataset) -> Task:
    return Task(
        title=f"Choose the sheet to scan in {dataset.original_filename}",
        url=reverse("safety:dataset_sheet", args=[dataset.pk]),
    )


def _remedies_task(dataset: Dataset) -> Task:
    return Task(
        title=f"Choose remedies for {dataset.original_filename}",
        url=reverse("safety:dataset_remedies", args=[dataset.pk]),
        hint="The scan has finished: decide what happens to each column before analysts "
        "get a redacted copy.",
    )


def _failed_task(dataset: Dataset) -> Task:
    again = "try the scan again once, or " if dataset.may_try_again else ""
    return Task(
        title=f"{dataset.original_filename} could not be scanned",
        url=reverse("safety:dataset_progress", args=[dataset.pk]),
        hint=f"{dataset.error_message} You can {again}upload a corrected file.",
    )
