"""Every page that lists things makes the same queries and stays under 150 KB whatever the data.

Two programmes are seeded (benchmarks/web_seed.py), one small and one several pages deep in every
list; each page is requested for both as the same kind of person, and the query counts must match.
A new list page joins with one row in PAGES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.web_seed import Seeded, Size, seed_programme
from cip.public_cache import SITE, invalidate
from teams.models import SiteGroup, User
from tests.factories import UserFactory, give_totp

# No page may be bigger than this, however much data there is.
MAX_HTML_BYTES = 150 * 1024
SMALL = Size(
    ideas=12, projects=10, bookings=20, news=3, programmes=2, people=12,
    conversation=8, datasets=2, columns=3, accesses=2,
)  # fmt: skip
# More than two pages of every list.
LARGE = Size(
    ideas=90, projects=70, bookings=300, news=60, programmes=60, people=60,
    conversation=60, datasets=60, columns=60, accesses=60,
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # an attribute of Seeded, "admin", or None for an anonymous visitor
    url: Callable[[Seeded], str]


def _programme(name: str, query: str = "") -> Callable[[Seeded], str]:
    return lambda s: reverse(name, args=[s.programme.slug]) + query


PAGES = [
    Page("home", None, lambda s: reverse("landing:home")),
    Page("programme page", None, _programme("landing:programme")),
    Page("news", None, _programme("landing:news")),
    Page("news, page 2", None, _programme("landing:news", "?page=2")),
    Page("news feed", None, _programme("landing:news_feed")),
    Page("dashboard, analyst", "analyst", lambda s: reverse("dashboard")),
    Page("dashboard, facilitator", "facilitator", lambda s: reverse("dashboard")),
    Page("dashboard, partner", "partner", lambda s: reverse("dashboard")),
    Page("dashboard, reviewer", "reviewer", lambda s: reverse("dashboard")),
    Page(
        "candidates to score",
        "analyst",
        lambda s: reverse("dashboard_tasks", args=["candidates-to-score"]),
    ),
    Page("idea queue", "analyst", _programme("projects:idea_queue")),
    Page(
        "idea queue, filtered, page 2",
        "analyst",
        _programme("projects:idea_queue", "?status=idea&q=ward&page=2"),
    ),
    Page("your ideas", "partner", lambda s: reverse("projects:my_ideas")),
    Page("selection", "analyst", _programme("projects:selection")),
    Page("selection, page 2", "analyst", _programme("projects:selection", "?page=2&decided=2")),
    Page(
        "project page", "analyst", lambda s: reverse("projects:project", args=[s.busy_project.pk])
    ),
    Page(
        "project team", "facilitator", lambda s: reverse("projects:team", args=[s.busy_project.pk])
    ),
    Page(
        "merge an idea",
        "facilitator",
        lambda s: reverse("projects:idea_merge", args=[s.new_project.pk]),
    ),
    Page(
        "scoping overview",
        "analyst",
        lambda s: reverse("scoping:overview", args=[s.busy_project.idea_id]),
    ),
    Page("office hours", "facilitator", _programme("teams:office_hours")),
    Page("your bookings", "partner", lambda s: reverse("teams:my_bookings")),
    Page("datasets", "partner", lambda s: reverse("safety:dataset_list")),
    Page(
        "dataset report",
        "analyst",
        lambda s: reverse("safety:dataset_report", args=[s.busy_dataset.pk]),
    ),
    *(
        Page(
            f"admin: {model}", "admin", lambda s, model=model: reverse(f"admin:{model}_changelist")
        )
        for model in (
            "scoping_idea",
            "projects_project",
            "projects_selectionscore",
            "teams_user",
            "teams_officehourbooking",
            "landing_newspost",
            "safety_datasetaccess",
        )
    ),
]


def _client(seeded: Seeded, who: str | None, admin: User) -> Client:
    client = Client()
    if who == "admin":
        client.force_login(admin)
    elif who:
        client.force_login(getattr(seeded, who))
    return client


def _measure(client: Client, url: str) -> tuple[int, int, int]:
    """(status, queries, bytes) of the page as rendered, not as served from the public cache."""
    client.get(url)  # sessions, content types and other caches warm
    invalidate(SITE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), len(response.content)


@pytest.mark.django_db
def test_every_list_page_keeps_its_queries_and_its_size() -> None:
    admin_user = UserFactory(
        email="admin@example.org", is_staff=True, is_superuser=True, groups=[SiteGroup.ADMIN]
    )
    give_totp(admin_user)

    def measure_all(seeded: Seeded) -> list[tuple[int, int, int]]:
        return [_measure(_client(seeded, page.who, admin_user), page.url(seeded)) for page in PAGES]

    # The large programme comes second, so pages listing every programme or every row of a
    # model (the home page, Django admin) grow too.
    small = measure_all(seed_programme(slug="small", size=SMALL))
    large = measure_all(seed_programme(slug="large", size=LARGE))
    problems = []
    for page, few, many in zip(PAGES, small, large, strict=True):
        if few[0] != 200 or many[0] != 200:
            problems.append(f"{page.name}: status {few[0]} and {many[0]}")
        elif few[1] != many[1]:
            problems.append(f"{page.name}: {few[1]} queries with little data, {many[1]} with more")
        if many[2] > MAX_HTML_BYTES:
            problems.append(f"{page.name}: {many[2] // 1024} KB")
    assert not problems, "\n".join(problems)
