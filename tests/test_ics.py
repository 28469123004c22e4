"""The calendar writer (cip/ics.py): no value, however hostile, can break a content line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cip.ics import Event, calendar

PROPERTIES = [
    "BEGIN",
    "VERSION",
    "PRODID",
    "CALSCALE",
    "METHOD",
    "BEGIN",
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SEQUENCE",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "ORGANIZER",
    "ATTENDEE",
    "STATUS",
    "END",
    "END",
]
# Every character RFC 5545 forbids in a value (all but tab), and the line separators that some
# readers honour.
CONTROL = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]] + ["\u2028", "\u2029"]


def _event(text: str) -> Event:
    starts = datetime(2030, 6, 4, 9, 30, tzinfo=UTC)
    return Event(
        uid="booking-1",
        sequence=0,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        summary=f"Office hours: {text}",
        description=text,
        location=f"Room {text}",
        url="https://insights.example/bookings/1/",
        organiser_name=text,
        attendee_name=text,
        attendee_email="ann@example.org",
    )


def _calendar(text: str) -> str:
    return calendar(_event(text), method="REQUEST", product="Tests")


def _lines(ics: str) -> list[str]:
    """The content lines, unfolded. Every line ends with CRLF and holds no other control."""
    assert ics.endswith("\r\n")
    unfolded = re.sub(r"\r\n ", "", ics).removesuffix("\r\n").split("\r\n")
    for line in unfolded:
        assert not any(char in line for char in CONTROL), repr(line)
    return unfolded


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], value)


def test_a_lone_carriage_return_cannot_start_a_new_property() -> None:
    lines = _lines(_calendar("Hall\rATTACH:https://evil.example/x"))
    assert [line.split(":")[0].split(";")[0] for line in lines] == PROPERTIES
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert location == "LOCATION:Room Hall\\nATTACH:https://evil.example/x"


def test_every_control_character_is_escaped_or_dropped() -> None:
    text = "a" + "b".join(CONTROL) + "z"
    lines = _lines(_calendar(text))
    assert [line.split(":")[0].split(";")[0] for line in lines] == PROPERTIES
    description = _unescape(next(x for x in lines if x.startswith("DESCRIPTION:")).split(":", 1)[1])
    # Line breaks survive as line breaks, tab as a space; nothing else is left.
    assert set(description) <= {"a", "b", "z", "\n", " "}


@given(st.text())
def test_any_text_keeps_the_calendar_to_its_properties(text: str) -> None:
    ics = _calendar(text)
    lines = _lines(ics)
    assert [line.split(":")[0].split(";")[0] for line in lines] == PROPERTIES
    printable = "".join(char for char in text if char not in CONTROL and char != "\t")
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    if text == printable:
        assert _unescape(summary.removeprefix("SUMMARY:")) == f"Office hours: {text}"
