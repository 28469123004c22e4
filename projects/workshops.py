"""Writes while testing and refining: workshops, invitations and places, feedback, and the final
checks before publishing. Keyword-only; emails go after commit, through tasks that send once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from projects.models import (
    FeedbackItem,
    FinalCheck,
    Project,
    TestingWorkshop,
    WorkshopBooking,
    WorkshopInvitation,
)
from teams.models import User


def workshop_create(*, project: Project, user: User, **fields) -> TestingWorkshop:
    return TestingWorkshop.objects.create(project=project, created_by=user, **fields)


@transaction.atomic
def workshop_invite(
    *, workshop: TestingWorkshop, people: list[User], invited_by: User
) -> list[WorkshopInvitation]:
    """Invite people to book a place; each is emailed once, after commit. People already
    invited are left as they are."""
    from projects.tasks import email_workshop_invitation  # noqa: PLC0415 (tasks import us)

    new = []
    for person in people:
        invitation, created = WorkshopInvitation.objects.get_or_create(
            workshop=workshop, user=person, defaults={"invited_by": invited_by}
        )
        if created:
            new.append(invitation)
            transaction.on_commit(
                lambda pk=invitation.pk: email_workshop_invitation.delay(pk), robust=True
            )
    return new


def _email_booking(booking: WorkshopBooking) -> None:
    from projects.tasks import email_workshop_booking  # noqa: PLC0415

    pk, sequence = booking.pk, booking.sequence
    transaction.on_commit(lambda: email_workshop_booking.delay(pk, sequence), robust=True)


@transaction.atomic
def workshop_book(
    *, workshop: TestingWorkshop, user: User, access_needs: str = ""
) -> WorkshopBooking:
    """Book a place. The workshop row is locked while places are counted, so the last place
    goes to one of two people pressing the button at once."""
    workshop = TestingWorkshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.starts_at <= timezone.now():
        raise ValidationError("This workshop has already started")
    places = workshop.bookings.filter(status=WorkshopBooking.Status.BOOKED)
    if places.filter(user=user).exists():
        raise ValidationError("You already have a place at this workshop")
    if places.count() >= workshop.capacity:
        raise ValidationError("This workshop is full. Ask the facilitator about another one")
    booking = WorkshopBooking.objects.create(
        workshop=workshop,
        user=user,
        organisation=user.organisation,
        access_needs=access_needs.strip(),
    )
    _email_booking(booking)
    return booking


@transaction.atomic
def workshop_booking_cancel(*, booking: WorkshopBooking) -> None:
    """Give up a place; the calendar entry is cancelled by email."""
    booking = WorkshopBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == WorkshopBooking.Status.CANCELLED:
        return
    booking.status = WorkshopBooking.Status.CANCELLED
    booking.sequence += 1
    booking.save(update_fields=["status", "sequence"])
    _email_booking(booking)


def feedback_save(*, item: FeedbackItem, user: User, kept_identifiers: bool) -> FeedbackItem:
    """Save feedback whose text has been checked for personal data; record when someone chose
    to keep what the check found (the feedback list says so)."""
    if item.pk is None:
        item.recorded_by = user
    item.kept_identifiers = kept_identifiers
    item.save()
    return item


@transaction.atomic
def final_checks_save(*, project: Project, user: User, done: dict[str, str | None]) -> None:
    """Tick or untick each final check (notes when done, None when not done)."""
    for item, notes in done.items():
        if notes is None:
            FinalCheck.objects.filter(project=project, item=item).delete()
            continue
        check, created = FinalCheck.objects.get_or_create(
            project=project, item=item, defaults={"done_by": user, "notes": notes}
        )
        if not created and check.notes != notes:
            check.notes = notes
            check.save(update_fields=["notes"])
