"""Every date on every page reads one way: "4 December 2026" (with the weekday for meetings,
"Friday 4 December 2026"), times as "2:30pm", "midday". Pages are every GET in the URL matrix,
opened by someone who may see them; templates and Python code are checked for other formats."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.test_url_matrix import GET, MATRIX, url_for

ROOT = Path(__file__).resolve().parent.parent
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
ONE_FORMAT = re.compile(rf"\b([1-9]|[12]\d|3[01]) ({MONTHS}) \d{{4}}\b")
# Anything that looks like a date or time written another way.
OTHER_FORMATS = {
    "abbreviated month": re.compile(
        r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?(?! ?\w*ember)"
    ),
    "lower-case month": re.compile(rf"\b\d{{1,2}} ({MONTHS.lower()})\b"),
    "leading zero": re.compile(rf"\b0\d ({MONTHS})\b"),
    "month first": re.compile(rf"\b({MONTHS}) \d{{1,2}}(st|nd|rd|th)?,? \d{{4}}\b"),
    "numbers": re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    "24-hour or upper-case time": re.compile(
        r"\b\d{1,2}:\d{2}(?!\d|am|pm)|\b\d{1,2}(:\d{2})? ?(AM|PM|a\.m\.|p\.m\.)"
    ),
    "noon": re.compile(r"\bnoon\b"),
}
# Who opens each page: the first of these who may.
READERS = ("facilitator", "admin", "vcs_partner", "team_member", "reviewer", "analyst", "staff",
           "outsider", "anonymous")  # fmt: skip


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def other_formats(text: str) -> list[str]:
    return [
        f"{name}: {match.group(0)!r}"
        for name, pattern in OTHER_FORMATS.items()
        for match in pattern.finditer(text)
    ]


def test_the_checker_finds_other_formats() -> None:
    bad = "4 Dec 2026; 4 december 2026; 04 December 2026; December 4, 2026; 04/12/2026; "
    bad += "2026-12-04; 14:30; 2:30 PM; noon"
    assert len(other_formats(bad)) == 9
    good = "Friday 4 December 2026, 2:30pm to 3pm; 1 September 2026 at midday; 10:30am"
    assert other_formats(good) == []
    assert ONE_FORMAT.findall(good)


PAGES = [
    pytest.param(name, next(who for who in READERS if MATRIX[name][GET][who] == 200), id=name)
    for name in MATRIX
    if any(MATRIX[name][GET][who] == 200 for who in READERS)
    # Feeds carry RFC 822 dates for feed readers, not for people.
    and name != "landing:news_feed"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who"), PAGES)
def test_every_date_on_every_page_uses_the_one_format(
    name, who, persona, client_for, programme_a
) -> None:
    user = persona(who)
    response = client_for(user).get(url_for(name, programme_a))
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        # PDFs come from the pages' own templates, checked here as pages; data files and
        # images carry machine-readable dates, if any.
        return
    assert other_formats(visible_text(response.content.decode())) == []


def test_templates_format_dates_only_with_the_govuk_filters() -> None:
    templates = [*ROOT.glob("templates/**/*.*"), *ROOT.glob("*/templates/**/*.*")]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates
        for match in re.finditer(
            r"\|\s*(date|time|naturalday|naturaltime)\b(:\s*['\"][^'\"]*['\"])?", path.read_text()
        )
        # Machine-readable: the article's published time for link previews.
        if match.group(2) not in (":'c'", ':"c"')
    ]
    assert offenders == []


def test_python_code_writes_dates_only_through_the_govuk_functions() -> None:
    sources = [
        path
        for app in ("cip", "teams", "scoping", "safety", "projects", "landing")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "scanning" not in path.parts
    ]
    allowed = {ROOT / "cip/templatetags/govuk.py"}
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources
        if path not in allowed
        for match in re.finditer(
            r"%[dbBjeAaHIMp]\b|strftime|date_format\(|\bdateformat\.", path.read_text()
        )
    ]
    # The calendar writer's UTC timestamps are for calendars, and a backup's for its file name,
    # not for people.
    machine_stamps = ("cip/ics.py", "cip/backup.py")
    assert [o for o in offenders if not o.startswith(machine_stamps)] == []
