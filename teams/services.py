"""Writes about programme teams. Each is recorded in the audit log by django-auditlog."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, templated_message
from cip.templatetags.govuk import govuk_date
from teams import ics
from teams.models import (
    Membership,
    Notice,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    Role,
    User,
    govuk_time,
)
from teams.rules import is_admin

logger = logging.getLogger(__name__)

# Roles that sign off data safety: only an admin appoints them, and nobody reviews the work of a
# team they facilitate.
ADMIN_APPOINTED_ROLES = frozenset({Role.FACILITATOR, Role.INFORMATION_RIGHTS})
SEPARATE_ROLES = frozenset({Role.FACILITATOR, Role.INFORMATION_RIGHTS})


@transaction.atomic
def membership_add(
    *,
    programme: Programme,
    user: User,
    role: str,
    committed_days: int | None,
    listed_publicly: bool,
    added_by: User,
) -> Membership:
    """Give `user` a role on the programme's team; refuse a role they already hold."""
    if role in ADMIN_APPOINTED_ROLES and not is_admin(added_by):
        raise ValidationError("Only an admin can make someone a facilitator or a reviewer")
    held = set(
        Membership.objects.active()
        .filter(programme=programme, user=user)
        .values_list("role", flat=True)
    )
    if role in held:
        raise ValidationError(f"{user} already holds this role on the team")
    if role in SEPARATE_ROLES and held & (SEPARATE_ROLES - {role}):
        raise ValidationError(
            "The same person cannot be both facilitator and information-rights reviewer"
        )
    membership = Membership.objects.create(
        programme=programme,
        user=user,
        role=role,
        committed_days=committed_days,
        listed_publicly=listed_publicly,
    )
    notice_send(
        user=user, kind=Notice.Kind.TEAM_ROLE_ADDED, programme=programme, role=role, by=added_by
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ended_by: User | None = None) -> None:
    """Take someone off a role and tell them. The row stays, with its end date, as the team's
    history."""
    if membership.ended_at is None:
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
        notice_send(
            user=membership.user,
            kind=Notice.Kind.TEAM_ROLE_ENDED,
            programme=membership.programme,
            role=membership.role,
            by=ended_by,
        )


# --- Telling people what changed for them ------------------------------------------------------


def notice_send(
    *, user: User, kind: str, by: User | None, role: str = "", previous_role: str = "", **about
) -> Notice | None:
    """Record a change to someone's roles or organisation and email them after commit, once.
    Nothing is sent when they made the change themselves: they know. `about` names the
    programme or organisation."""
    if by is not None and by.pk == user.pk:
        return None
    notice = Notice.objects.create(
        user=user, kind=kind, role=role, previous_role=previous_role, created_by=by, **about
    )
    from teams.tasks import email_notice

    transaction.on_commit(lambda: email_notice.delay(notice.pk), robust=True)
    return notice


def membership_changes_tell(*, membership: Membership, before: dict | None, by: User) -> None:
    """After an admin saved a membership in Django admin: tell the person it was added, its role
    changed, or it ended. `before` holds the role and end date as they were (None when new)."""
    about = {"user": membership.user, "programme": membership.programme, "by": by}
    if before is None:
        if membership.ended_at is None:
            notice_send(kind=Notice.Kind.TEAM_ROLE_ADDED, role=membership.role, **about)
        return
    if membership.ended_at is not None and before.get("ended_at") is None:
        notice_send(kind=Notice.Kind.TEAM_ROLE_ENDED, role=before["role"], **about)
    elif membership.ended_at is None and before.get("role") != membership.role:
        notice_send(
            kind=Notice.Kind.TEAM_ROLE_CHANGED,
            role=membership.role,
            previous_role=before.get("role", ""),
            **about,
        )


def site_roles_tell(*, user: User, before: set[str], by: User) -> None:
    """After an admin changed someone's site roles (groups): tell them their roles now."""
    after = set(user.groups.values_list("name", flat=True))
    if after != before:
        notice_send(
            user=user,
            kind=Notice.Kind.SITE_ROLE_CHANGED,
            role=", ".join(sorted(after)),
            previous_role=", ".join(sorted(before)),
            by=by,
        )


def organisation_confirm(*, user: User, by: User) -> bool:
    """Confirm that `user` works for the organisation they named, and tell them; False when
    there was nothing to confirm."""
    with transaction.atomic():
        # A save rather than an update, so the confirmation is in the audit log.
        person = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=user.pk)
        )
        if person.organisation_id is None or person.organisation_confirmed:
            return False
        person.organisation_confirmed = True
        person.save(update_fields=["organisation_confirmed"])
        organisation_confirmed_tell(user=person, by=by)
    return True


def organisation_confirmed_tell(*, user: User, by: User) -> None:
    notice_send(
        user=user,
        kind=Notice.Kind.ORGANISATION_CONFIRMED,
        organisation=user.organisation,
        by=by,
    )


# --- Office hours ------------------------------------------------------------------------------
# Every write that changes someone's place locks the slot row first (then the booking), always in
# that order, so two requests for the last place are served one after the other.

LONDON = ZoneInfo("Europe/London")
# The widest break between slots a facilitator can ask for (the form enforces it); it bounds the
# search for neighbouring slots.
MAX_BUFFER_MINUTES = 120

BOOKING_EMAILS = {
    # kind: (template, calendar method or None)
    "booked": ("teams/email/booking_confirmed.txt", "REQUEST"),
    "waitlisted": ("teams/email/booking_waitlisted.txt", None),
    "promoted": ("teams/email/booking_promoted.txt", "REQUEST"),
    "moved": ("teams/email/booking_moved.txt", "REQUEST"),
    "cancelled": ("teams/email/booking_cancelled.txt", "CANCEL"),
    "slot_cancelled": ("teams/email/slot_cancelled.txt", "CANCEL"),
    "reminder": ("teams/email/booking_reminder.txt", None),
}


def local_start(day: date, at: time) -> datetime:
    """`at` o'clock UK time on `day`, as an aware datetime; refuse a time the clocks skip."""
    moment = datetime.combine(day, at, tzinfo=LONDON)
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise ValidationError(
            f"{govuk_time(at)} does not exist on {govuk_date(day)} because the clocks go "
            "forward. Choose another time"
        )
    return moment


def _overlapping_slot(
    programme: Programme, start: datetime, end: datetime, buffer_minutes: int
) -> OfficeHourSlot | None:
    widest = timedelta(minutes=max(buffer_minutes, MAX_BUFFER_MINUTES))
    nearby = programme.office_hours.live().filter(
        starts_at__lt=end + widest, ends_at__gt=start - widest
    )
    for other in nearby:
        gap = timedelta(minutes=max(buffer_minutes, other.buffer_minutes))
        if other.starts_at < end + gap and other.ends_at > start - gap:
            return other
    return None


@transaction.atomic
def office_hour_slots_publish(
    *,
    programme: Programme,
    created_by: User,
    first_day: date,
    start_time: time,
    length_minutes: int,
    weeks: int,
    capacity: int,
    online_link: str,
    place: str,
    min_notice_hours: int,
    buffer_minutes: int,
    waitlist: bool,
) -> list[OfficeHourSlot]:
    """Publish one slot, or one a week for `weeks` weeks at the same UK wall-clock time.

    Refuses the lot if any would overlap another slot of the programme, counting the break
    between slots, so a series is published whole or not at all.
    """
    # Lock the programme so two facilitators publishing at once cannot both miss each other.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    series = uuid.uuid4() if weeks > 1 else None
    slots = []
    for week in range(weeks):
        start = local_start(first_day + timedelta(weeks=week), start_time)
        end = start + timedelta(minutes=length_minutes)
        clash = _overlapping_slot(programme, start, end, buffer_minutes)
        if clash:
            raise ValidationError(
                f"This overlaps office hours on {clash.when}. Leave at least "
                f"{max(buffer_minutes, clash.buffer_minutes)} minutes between slots"
            )
        slot = OfficeHourSlot(
            programme=programme,
            starts_at=start,
            ends_at=end,
            capacity=capacity,
            online_link=online_link,
            place=place,
            min_notice_hours=min_notice_hours,
            buffer_minutes=buffer_minutes,
            waitlist=waitlist,
            series=series,
            created_by=created_by,
        )
        slot.save()  # one at a time: the next week's overlap check must see this one
        slots.append(slot)
    return slots


def _lock_slot(slot_id: int) -> OfficeHourSlot:
    return (
        OfficeHourSlot.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=slot_id)
    )


def _places_taken(slot: OfficeHourSlot) -> int:
    return slot.bookings.filter(status=OfficeHourBooking.Status.CONFIRMED).count()


def _email_after_commit(booking: OfficeHourBooking, kind: str) -> None:
    from teams.tasks import email_office_hour_booking

    booking_id, sequence = booking.pk, booking.sequence
    transaction.on_commit(
        lambda: email_office_hour_booking.delay(booking_id, kind, sequence), robust=True
    )


def _check_open(slot: OfficeHourSlot) -> None:
    if slot.is_cancelled:
        raise ValidationError("This session has been cancelled. Choose another time")
    if timezone.now() >= slot.bookings_close_at:
        raise ValidationError("Booking has closed for this session. Choose another time")


@transaction.atomic
def office_hour_book(
    *,
    slot: OfficeHourSlot,
    user: User,
    topic: str,
    access_needs: str,
    organisation: Organisation | None = None,
) -> OfficeHourBooking:
    """Book a place, or join the waiting list when the slot is full and keeps one.

    The slot row is locked while places are counted, so the last place goes to exactly one of two
    people pressing the button at once. `organisation` also fills a profile that lacks one.
    """
    slot = _lock_slot(slot.pk)
    _check_open(slot)
    if slot.bookings.active().filter(user=user).exists():
        raise ValidationError("You have already booked this session")
    status = OfficeHourBooking.Status.CONFIRMED
    if _places_taken(slot) >= slot.capacity:
        if not slot.waitlist:
            raise ValidationError("This session is full. Choose another time")
        status = OfficeHourBooking.Status.WAITLISTED
    if organisation and user.organisation_id is None:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    booking = OfficeHourBooking.objects.create(
        slot=slot,
        user=user,
        organisation=organisation or user.organisation,
        topic=topic.strip(),
        access_needs=access_needs.strip(),
        status=status,
        confirmed_at=timezone.now() if status == OfficeHourBooking.Status.CONFIRMED else None,
    )
    _email_after_commit(booking, "booked" if booking.confirmed_at else "waitlisted")
    return booking


def _promote_waiting(slot: OfficeHourSlot) -> None:
    """Give free places to the people waiting longest (the caller holds the slot's lock)."""
    if slot.is_cancelled or timezone.now() >= slot.bookings_close_at:
        return
    free = slot.capacity - _places_taken(slot)
    waiting = slot.bookings.select_for_update().filter(status=OfficeHourBooking.Status.WAITLISTED)
    for booking in waiting.order_by("created_at", "pk")[: max(free, 0)]:
        booking.status = OfficeHourBooking.Status.CONFIRMED
        booking.confirmed_at = timezone.now()
        booking.sequence += 1
        booking.save(update_fields=["status", "confirmed_at", "sequence"])
        _email_after_commit(booking, "promoted")


@transaction.atomic
def office_hour_booking_cancel(*, booking: OfficeHourBooking) -> None:
    """Cancel someone's booking and offer the place to the first person waiting."""
    slot = _lock_slot(booking.slot_id)
    booking = OfficeHourBooking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active:
        return
    had_place = booking.status == OfficeHourBooking.Status.CONFIRMED
    booking.status = OfficeHourBooking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "sequence"])
    _email_after_commit(booking, "cancelled")
    if had_place:
        _promote_waiting(slot)


@transaction.atomic
def office_hour_booking_move(
    *, booking: OfficeHourBooking, to_slot: OfficeHourSlot
) -> OfficeHourBooking:
    """Move a booking to another slot of the same programme with a free place.

    The booking keeps its calendar UID, so the invitation in the person's calendar moves too.
    """
    ids = sorted({booking.slot_id, to_slot.pk})
    slots = {s.pk: s for s in OfficeHourSlot.objects.select_for_update().filter(pk__in=ids)}
    booking = OfficeHourBooking.objects.select_for_update().get(pk=booking.pk)
    old, new = slots[booking.slot_id], slots[to_slot.pk]
    if not booking.is_active or old.pk == new.pk or old.programme_id != new.programme_id:
        raise ValidationError("Choose another session of the same programme")
    _check_open(new)
    if new.bookings.active().filter(user=booking.user_id).exists():
        raise ValidationError("You have already booked that session")
    if _places_taken(new) >= new.capacity:
        raise ValidationError("That session is now full. Choose another time")
    had_place = booking.status == OfficeHourBooking.Status.CONFIRMED
    booking.slot = new
    booking.status = OfficeHourBooking.Status.CONFIRMED
    booking.confirmed_at = timezone.now()
    booking.reminder_sent_at = None
    booking.sequence += 1
    booking.save(update_fields=["slot", "status", "confirmed_at", "reminder_sent_at", "sequence"])
    _email_after_commit(booking, "moved")
    if had_place:
        _promote_waiting(old)
    return booking


@transaction.atomic
def office_hour_slot_cancel(*, slot: OfficeHourSlot, message: str) -> int:
    """Cancel a slot and email everyone booked or waiting, with the facilitator's message.

    Returns how many people will be emailed.
    """
    slot = _lock_slot(slot.pk)
    if slot.is_cancelled:
        return 0
    slot.cancelled_at = timezone.now()
    slot.cancellation_message = message.strip()
    slot.save(update_fields=["cancelled_at", "cancellation_message"])
    bookings = list(slot.bookings.active().select_for_update())
    for booking in bookings:
        booking.status = OfficeHourBooking.Status.CANCELLED
        booking.cancelled_at = slot.cancelled_at
        booking.sequence += 1
        booking.save(update_fields=["status", "cancelled_at", "sequence"])
        _email_after_commit(booking, "slot_cancelled")
    return len(bookings)


def office_hour_attendance_record(
    *, booking: OfficeHourBooking, attendance: str, notes: str
) -> None:
    """Record whether someone came to a session, with the facilitator's notes.

    The notes are kept for the idea they may become (ideas arrive with the scoping phase).
    """
    if booking.slot.starts_at > timezone.now():
        raise ValidationError("You can record attendance once the session has started")
    booking.attendance = attendance
    booking.notes = notes.strip()
    booking.save(update_fields=["attendance", "notes"])


def _send_booking_email(booking: OfficeHourBooking, kind: str) -> None:
    template, method = BOOKING_EMAILS[kind]
    manage_url = absolute_url(booking.get_absolute_url())
    context = {
        "booking": booking,
        "slot": booking.slot,
        "programme": booking.slot.programme,
        "manage_url": manage_url,
        "programme_url": absolute_url(
            reverse("landing:programme", args=[booking.slot.programme.slug])
        ),
    }
    message = templated_message(template, to=[booking.user.email], context=context)
    # Only bookings that once had a place are in the person's calendar to update or remove.
    if method and booking.confirmed_at:
        message.attach(ics.booking_attachment(booking, method=method, manage_url=manage_url))
    message.send()


def office_hour_booking_email(*, booking_id: int, kind: str, sequence: int) -> bool:
    """Send the email for one change to a booking, once: a task run twice sends nothing twice.

    A change already superseded by a newer one (a booking cancelled before its confirmation went
    out) sends nothing: the newer change has its own email, which describes the booking as it is.
    """
    # Claim and send in one transaction: if sending fails the claim is undone, so a retry sends
    # it; while it is in flight the claimed row is locked, so a parallel run cannot send it too.
    with transaction.atomic():
        claimed = (
            OfficeHourBooking.objects.filter(pk=booking_id, sequence=sequence)
            .filter(Q(emailed_sequence__isnull=True) | Q(emailed_sequence__lt=sequence))
            .update(emailed_sequence=sequence)
        )
        if not claimed:
            return False
        booking = OfficeHourBooking.objects.select_related("slot__programme", "user").get(
            pk=booking_id
        )
        _send_booking_email(booking, kind)
    return True


def office_hour_reminders_send(*, now: datetime | None = None) -> int:
    """Remind people of sessions in the next 24 hours; returns how many reminders were sent.

    Each booking is claimed with a conditional update before its email goes, so overlapping runs
    never send one twice. People who booked within 24 hours of the start just had their
    confirmation, so they get no reminder.
    """
    now = now or timezone.now()
    day = timedelta(hours=24)
    due = OfficeHourBooking.objects.filter(
        status=OfficeHourBooking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        slot__cancelled_at__isnull=True,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + day,
        confirmed_at__lte=F("slot__starts_at") - day,
    )
    sent = 0
    for booking_id in due.values_list("pk", flat=True):
        try:
            sent += _send_reminder(booking_id, now)
        except (SMTPException, OSError):
            # Unclaimed again by the rollback: the next run tries this one once more.
            logger.exception("Office-hours reminder for booking %s not sent", booking_id)
    return sent


@transaction.atomic
def _send_reminder(booking_id: int, now: datetime) -> int:
    claimed = OfficeHourBooking.objects.filter(
        pk=booking_id,
        reminder_sent_at__isnull=True,
        status=OfficeHourBooking.Status.CONFIRMED,
    ).update(reminder_sent_at=now)
    if not claimed:
        return 0
    booking = OfficeHourBooking.objects.select_related("slot__programme", "user").get(pk=booking_id)
    _send_booking_email(booking, "reminder")
    return 1
