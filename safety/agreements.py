"""Sharing agreements: the register's writes, the signed document and the dates that matter.

The document is encrypted at rest beside the datasets (safety.storage) and every read is in the
access log. An agreement past its end date expires (the hourly task records it; the rules treat it
as expired from that day anyway), and the data it covered stops until it is renewed: a new end
date on a signed agreement, or another agreement signed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cip.templatetags.govuk import govuk_date
from safety import storage
from safety.encryption import encrypt_to_path
from safety.models import DatasetAccess, SharingAgreement, _stored_name
from teams.models import User

PDF, ZIP = b"%PDF-", b"PK\x03\x04"


class DocumentError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _log(agreement: SharingAgreement, user: User | None, what: str, purpose: str) -> None:
    DatasetAccess.objects.create(agreement=agreement, user=user, what=what, purpose=purpose[:500])


DATE_FIELDS = ("start_date", "review_date", "end_date")


@transaction.atomic
def agreement_save(*, agreement: SharingAgreement, user: User, changed: list[str]) -> None:
    """Save a new or changed agreement (its form has set the fields). A moved review or end date
    is reminded about again; a signed agreement given a future end date is renewed."""
    creating = agreement.pk is None
    if creating:
        agreement.created_by = user
    if "review_date" in changed:
        agreement.review_reminded_at = None
    if "end_date" in changed:
        agreement.end_reminded_at = None
    renewed = (
        agreement.status == SharingAgreement.Status.EXPIRED
        and agreement.end_date >= timezone.localdate()
    )
    if renewed:
        agreement.status = SharingAgreement.Status.SIGNED
    agreement.save()
    if renewed:
        _log(
            agreement,
            user,
            DatasetAccess.What.AGREEMENT_STATUS,
            f"Renewed until {govuk_date(agreement.end_date)}",
        )
    elif not creating and set(changed) & set(DATE_FIELDS):
        _log(agreement, user, DatasetAccess.What.AGREEMENT_STATUS, "Dates changed")


def _check_document(path: str) -> None:
    size = Path(path).stat().st_size
    if size > settings.AGREEMENT_MAX_UPLOAD_BYTES:
        limit = settings.AGREEMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise DocumentError(f"The file must be smaller than {limit} MB")
    with open(path, "rb") as fh:
        start = fh.read(5)
    if not (start.startswith(PDF) or start.startswith(ZIP)):
        raise DocumentError("The file must be a PDF or a Word document (.docx)")


def agreement_sign(*, agreement: SharingAgreement, user: User, path: str, filename: str) -> None:
    """Store the signed document encrypted (replacing any earlier one) and mark it signed."""
    _check_document(path)
    old = agreement.document_stored_name if agreement.has_document else None
    stored = _stored_name()
    destination = storage.path_for(stored)
    with open(path, "rb") as source:
        written = encrypt_to_path(source, destination, storage.key())
    try:
        with transaction.atomic():
            agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
            agreement.document_stored_name = stored
            agreement.document_name = Path(filename).name[:255] or "agreement"
            agreement.document_size = written.size
            agreement.document_sha256 = written.sha256
            agreement.signed_at = timezone.now()
            agreement.status = SharingAgreement.Status.SIGNED
            agreement.save()
            _log(agreement, user, DatasetAccess.What.AGREEMENT_STATUS, "Signed document stored")
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    if old:
        storage.path_for(old).unlink(missing_ok=True)


def agreement_document_read(*, agreement: SharingAgreement, user: User, purpose: str) -> Path:
    """Log a read of the signed document and return the encrypted file to stream."""
    path = storage.path_for(agreement.document_stored_name)
    if not agreement.has_document or not path.exists():
        raise FileNotFoundError("No signed document")
    _log(agreement, user, DatasetAccess.What.AGREEMENT, purpose)
    return path


@transaction.atomic
def agreement_end(*, agreement: SharingAgreement, user: User, reason: str) -> None:
    """End an agreement early: the data it covered stops until another is in force."""
    SharingAgreement.objects.filter(pk=agreement.pk).update(status=SharingAgreement.Status.ENDED)
    _log(agreement, user, DatasetAccess.What.AGREEMENT_STATUS, f"Ended: {reason.strip()}")


def agreements_expire(*, today: date | None = None) -> int:
    """Record as expired the signed agreements past their end date (once each)."""
    today = today or timezone.localdate()
    done = 0
    for pk in SharingAgreement.objects.filter(
        status=SharingAgreement.Status.SIGNED, end_date__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            if SharingAgreement.objects.filter(pk=pk, status=SharingAgreement.Status.SIGNED).update(
                status=SharingAgreement.Status.EXPIRED
            ):
                agreement = SharingAgreement.objects.get(pk=pk)
                _log(
                    agreement,
                    None,
                    DatasetAccess.What.AGREEMENT_STATUS,
                    f"Expired: its end date, {govuk_date(agreement.end_date)}, passed",
                )
                done += 1
    return done


def agreement_reminders_due(*, today: date | None = None) -> list[tuple[int, str]]:
    """(agreement id, "review" or "end") for signed agreements whose date is near and whose
    reminder has not gone yet."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.AGREEMENT_REMINDER_DAYS)
    signed = SharingAgreement.objects.filter(status=SharingAgreement.Status.SIGNED)
    due = [
        (pk, "review")
        for pk in signed.filter(
            review_date__lte=soon, review_date__gte=today, review_reminded_at=None
        ).values_list("pk", flat=True)
    ]
    due += [
        (pk, "end")
        for pk in signed.filter(
            end_date__lte=soon, end_date__gte=today, end_reminded_at=None
        ).values_list("pk", flat=True)
    ]
    return due
