"""Calendar invitations (RFC 5545 / iTIP RFC 5546) for office-hours bookings.

Written by hand: one event per file is all we need, and it keeps the exact bytes under test.
Times are written in UTC (with Z), so every calendar shows them in its own local time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings

PRODID = "-//Community Insights//Office hours//EN"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value (RFC 5545 3.2): quoted when it holds a separator; quotes cannot appear."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(char in value for char in ",;:") else value


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets, never splitting a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def booking_invitation(booking, *, method: str, manage_url: str) -> str:
    """An invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) for one booking.

    The UID stays the same for the booking's whole life, and SEQUENCE is the booking's change
    counter, so calendars update or remove the event they already have.
    """
    slot = booking.slot
    programme = slot.programme
    _, organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)
    description = f"Office hours with {programme.name}.\nManage your booking: {manage_url}"
    if slot.online_link:
        description += f"\nJoin online: {slot.online_link}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{booking.uid}@{_host()}",
        f"DTSTAMP:{_utc(datetime.now(UTC))}",
        f"DTSTART:{_utc(slot.starts_at)}",
        f"DTEND:{_utc(slot.ends_at)}",
        f"SEQUENCE:{booking.sequence}",
        f"SUMMARY:{_text(f'Office hours: {programme.name}')}",
        f"DESCRIPTION:{_text(description)}",
        f"LOCATION:{_text(slot.place or slot.online_link)}",
        f"URL:{manage_url}",
        f"ORGANIZER;CN={_param(programme.name)}:mailto:{organiser}",
        f"ATTENDEE;CN={_param(str(booking.user))};RSVP=FALSE:mailto:{booking.user.email}",
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
