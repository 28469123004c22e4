"""Dashboard tasks about datasets: files to upload, sheets to choose, remedies to confirm."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest
from django.urls import reverse

from cip.dashboard import Task, TaskGroup, register
from safety.models import Dataset
from scoping.models import DataSource
from teams.models import Role


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
    reviewing = user.memberships.active().filter(role=Role.INFORMATION_RIGHTS)
    scanned = Dataset.objects.filter(
        data_source__idea__programme__in=reviewing.values("programme"),
        status=Dataset.Status.SCANNED,
    ).order_by("pk")
    yield TaskGroup("Remedies to choose", scanned, _remedies_task)


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
