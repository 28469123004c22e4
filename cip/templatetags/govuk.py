"""Template filters every page uses, loaded as builtins (cip/settings.py): dates and times in
GOV.UK style, one format everywhere.

    {{ slot.starts_at|govuk_date }}      4 December 2026
    {{ slot.starts_at|govuk_datetime }}  4 December 2026, 2:30pm
    {{ slot.starts_at|govuk_time }}      2:30pm (midday, midnight)

Python code that writes dates into messages, emails and calendar entries calls the same functions
(and `govuk_day`, "Friday 4 December 2026", for meetings).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


def _local(value):
    return (
        timezone.localtime(value)
        if isinstance(value, datetime) and timezone.is_aware(value)
        else value
    )


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_time(value: datetime | None) -> str:
    if not value:
        return ""
    value = _local(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    if not value:
        return ""
    return f"{govuk_date(value)}, {govuk_time(value)}"


def govuk_day(value: date | datetime) -> str:
    """The date with its weekday, for meetings: Tuesday 4 March 2025."""
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value:%A} {govuk_date(value)}"
