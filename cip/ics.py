"""Calendar invitations (RFC 5545 / iTIP RFC 5546): one event per file, for email attachments.

Written by hand: one event per file is all we need, and it keeps the exact bytes under test.
Times are written in UTC (with Z), so every calendar shows them in its own local time. Office
hours and scoping sessions describe their events with `Event`; this module writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings


@dataclass(frozen=True)
class Event:
    uid: str  # the same for the event's whole life; the site's host is appended
    sequence: int  # counts changes, so calendars update the event they already have
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str
    url: str
    organiser_name: str
    attendee_name: str
    attendee_email: str


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# RFC 5545 allows no control character in a value but tab, and escapes only the line break (as
# \n in TEXT). So line breaks of every kind become that escape (or a space where there is none),
# tabs a space, and every other control character (C0, DEL, C1) is dropped: no value can end its
# content line or start a new property.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(value: str, *, line_break: str) -> str:
    return _CONTROL.sub("", _LINE_BREAK.sub(line_break, value).replace("\t", " "))


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _clean(value, line_break="\\\\n")


def _param(value: str) -> str:
    """A parameter value (RFC 5545 3.2): quoted when it holds a separator; quotes cannot appear."""
    value = _clean(value.replace('"', "'"), line_break=" ")
    return f'"{value}"' if any(char in value for char in ",;:") else value


def _uri(value: str) -> str:
    """A URI value (ours, but it must not break the line it is on either)."""
    return _clean(value, line_break="").replace(" ", "")


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


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def calendar(event: Event, *, method: str, product: str) -> str:
    """The event as an invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL)."""
    _, organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Community Insights//{product}//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}@{_host()}",
        f"DTSTAMP:{_utc(datetime.now(UTC))}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{_text(event.summary)}",
        f"DESCRIPTION:{_text(event.description)}",
        # Left out when empty: a cancellation says no more than it must.
        *([f"LOCATION:{_text(event.location)}"] if event.location else []),
        *([f"URL:{_uri(event.url)}"] if event.url else []),
        f"ORGANIZER;CN={_param(event.organiser_name)}:mailto:{_uri(organiser)}",
        f"ATTENDEE;CN={_param(event.attendee_name)};RSVP=FALSE:mailto:{_uri(event.attendee_email)}",
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def attachment(text: str, *, method: str, filename: str) -> MIMEText:
    """The calendar as an email attachment that mail clients offer to add."""
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part
