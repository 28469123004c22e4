"""Dashboard tasks about data safety: files to upload, sheets to choose, remedies to confirm,
checks to sign off or change, and conditions to meet."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest
from django.urls import reverse

from cip.dashboard import Task, register
from cip.templatetags.govuk import govuk_date
from safety.checks import checks_to_sign_off, open_conditions_for
from safety.models import Dataset, Outcome, SafetyCheck
from scoping.models import DataSource
from teams.models import Role


@register
def dataset_tasks(request: HttpRequest) -> Iterator[Task]:
    user = request.user
    if user.organisation_id and user.organisation_confirmed:
        for source in DataSource.objects.filter(
            owner_id=user.organisation_id, datasets__isnull=True
        ).select_related("idea"):
            yield Task(
                title=f"Upload {source.name}",
                url=reverse("safety:dataset_upload", args=[source.pk]),
                hint=f"Your organisation holds this data for “{source.idea.title}”.",
            )
        for dataset in Dataset.objects.filter(
            owner_id=user.organisation_id, status=Dataset.Status.CHOOSING_SHEET
        ):
            yield Task(
                title=f"Choose the sheet to scan in {dataset.original_filename}",
                url=reverse("safety:dataset_sheet", args=[dataset.pk]),
            )
    reviewing = user.memberships.active().filter(role=Role.INFORMATION_RIGHTS)
    # Not their own organisation's data nor their own upload: someone else decides those.
    to_review = Dataset.objects.filter(
        data_source__idea__programme__in=reviewing.values("programme"),
        status=Dataset.Status.SCANNED,
    ).exclude(uploaded_by=user)
    if user.organisation_id and user.organisation_confirmed:
        to_review = to_review.exclude(owner_id=user.organisation_id)
    for dataset in to_review:
        yield Task(
            title=f"Choose remedies for {dataset.original_filename}",
            url=reverse("safety:dataset_remedies", args=[dataset.pk]),
            hint="The scan has finished: decide what happens to each column before analysts "
            "get a redacted copy.",
        )


@register
def safety_check_tasks(request: HttpRequest) -> Iterator[Task]:
    user = request.user
    waiting = checks_to_sign_off(user).exclude(author=user).count()
    if waiting:
        yield Task(
            title=f"Sign off data safety checks ({waiting} waiting)",
            url=reverse("safety:check_queue"),
            hint="Oldest first. You cannot sign off a check you wrote.",
        )
    changes = SafetyCheck.objects.filter(
        author=user, in_force=True, outcome=Outcome.NEEDS_CHANGES
    ).select_related("idea", "data_source")
    for check in changes:
        yield Task(
            title=f"Change the {check} for “{check.idea.title}”",
            url=check.get_absolute_url(),
            hint="The reviewer asked for changes: start a new version.",
        )
    for condition in open_conditions_for(user):
        yield Task(
            title=f"Meet the condition: {condition.text}",
            url=reverse("safety:condition", args=[condition.pk]),
            hint=f"Due {govuk_date(condition.due_date)}, on the {condition.safety_check} for "
            f"“{condition.safety_check.idea.title}”.",
        )
