"""Emails about safety checks and sharing agreements. Each claims its row before sending, so a
task run twice sends once, and gives the claim back if sending fails, so a retry can send it."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated
from safety.models import Dataset, SafetyCheck, SharingAgreement
from teams.models import Role, User


def _emails(programme, roles, *, leaving_out: int | None = None) -> list[str]:
    people = User.objects.filter(
        memberships__programme=programme,
        memberships__role__in=roles,
        memberships__ended_at__isnull=True,
        is_active=True,
    )
    if leaving_out is not None:
        people = people.exclude(pk=leaving_out)
    return sorted(set(people.values_list("email", flat=True)))


def check_reminder_email(*, check_id: int) -> bool:
    """Remind the programme's reviewers (not the author) that a check is still waiting."""
    with transaction.atomic():
        claimed = SafetyCheck.objects.filter(
            pk=check_id, status=SafetyCheck.Status.WAITING, reminded_at=None
        ).update(reminded_at=timezone.now())
        if not claimed:
            return False
        check = SafetyCheck.objects.select_related("idea__programme", "data_source").get(
            pk=check_id
        )
        to = _emails(check.idea.programme, [Role.INFORMATION_RIGHTS], leaving_out=check.author_id)
        if not to:
            return False
        context = {"check": check, "url": absolute_url(check.get_absolute_url())}
        send_templated("safety/email/check_waiting.txt", to=to, context=context)
    return True


def agreement_reminder_email(*, agreement_id: int, which: str) -> bool:
    """Remind the register's keepers that an agreement's review or end date is near."""
    field = "review_reminded_at" if which == "review" else "end_reminded_at"
    with transaction.atomic():
        claimed = SharingAgreement.objects.filter(pk=agreement_id, **{field: None}).update(
            **{field: timezone.now()}
        )
        if not claimed:
            return False
        agreement = SharingAgreement.objects.select_related("programme").get(pk=agreement_id)
        to = _emails(agreement.programme, [Role.INFORMATION_RIGHTS, Role.CONTRACTS_AND_LEGAL])
        if not to:
            return False
        context = {
            "agreement": agreement,
            "which": which,
            "date": agreement.review_date if which == "review" else agreement.end_date,
            "url": absolute_url(agreement.get_absolute_url()),
        }
        send_templated("safety/email/agreement_date.txt", to=to, context=context)
    return True


def _dataset_people(dataset: Dataset) -> list[str]:
    """Who hears that a dataset's work failed: its uploader (or, if they have gone, their
    organisation's confirmed members), and for a redaction the reviewer who confirmed it."""
    people = User.objects.filter(is_active=True)
    if dataset.uploaded_by_id and dataset.uploaded_by.is_active:
        to = {dataset.uploaded_by.email}
    else:
        owners = people.filter(organisation_id=dataset.owner_id, organisation_confirmed=True)
        to = set(owners.values_list("email", flat=True))
    reviewer = dataset.remedies_confirmed_by
    if dataset.failed_in_redaction and reviewer is not None and reviewer.is_active:
        to.add(reviewer.email)
    return sorted(to)


def dataset_failed_email(*, dataset_id: int) -> bool:
    """Tell the dataset's people that its scan or redaction failed, and what they can do."""
    with transaction.atomic():
        claimed = Dataset.objects.filter(
            pk=dataset_id, status=Dataset.Status.FAILED, failure_emailed_at=None
        ).update(failure_emailed_at=timezone.now())
        if not claimed:
            return False
        dataset = Dataset.objects.select_related(
            "uploaded_by", "remedies_confirmed_by", "data_source__idea__programme"
        ).get(pk=dataset_id)
        to = _dataset_people(dataset)
        if not to:
            return False
        path = reverse("safety:dataset_progress", args=[dataset.pk])
        context = {"dataset": dataset, "url": absolute_url(path)}
        send_templated("safety/email/dataset_failed.txt", to=to, context=context)
    return True
