"""The calendar event of an office-hours booking (written by `cip.ics`)."""

from __future__ import annotations

from email.mime.text import MIMEText

from cip.ics import Event, attachment, calendar


def booking_invitation(booking, *, method: str, manage_url: str) -> str:
    """An invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) for one booking.

    The UID stays the same for the booking's whole life, and SEQUENCE is the booking's change
    counter, so calendars update or remove the event they already have.
    """
    slot = booking.slot
    programme = slot.programme
    description = f"Office hours with {programme.name}.\nManage your booking: {manage_url}"
    if slot.online_link:
        description += f"\nJoin online: {slot.online_link}"
    event = Event(
        uid=str(booking.uid),
        sequence=booking.sequence,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=f"Office hours: {programme.name}",
        description=description,
        location=slot.place or slot.online_link,
        url=manage_url,
        organiser_name=programme.name,
        attendee_name=str(booking.user),
        attendee_email=booking.user.email,
    )
    return calendar(event, method=method, product="Office hours")


def booking_attachment(booking, *, method: str, manage_url: str) -> MIMEText:
    text = booking_invitation(booking, method=method, manage_url=manage_url)
    return attachment(text, method=method, filename="office-hours.ics")
