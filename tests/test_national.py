"""The national view, its Atom feed and the public JSON API (landing/national.py, landing/api.py):
what they show, that they show nothing private, constant query counts, caching and rate limits."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import Insight, Lesson
from scoping.models import DataSource, ProgrammeDataSet
from teams.models import Membership, Role
from tests.factories import ProgrammeFactory, UserFactory
from tests.phase3_helpers import draft_insight, table_on
from tests.selection_helpers import selected

pytestmark = pytest.mark.django_db

NATIONAL = "/national/"
FEED = "/national/feed/"
API = "/api/v1"
LISTS = ("/programmes", "/insights", "/data-sources", "/open-data-sets", "/lessons")


def publish(programme, title: str, *, project_title: str = "Who stops visiting the food bank?"):
    """A published insight with one table, on a selected project of `programme`."""
    project = selected(programme, project_title)
    insight = draft_insight(project, title=title)
    table_on(insight)
    Insight.objects.filter(pk=insight.pk).update(published_at=timezone.now())
    insight.refresh_from_db()
    return insight


def lesson(programme, title: str, *, public: bool = True, project=None) -> Lesson:
    return Lesson.objects.create(
        programme=programme,
        project=project,
        step="scoping",
        title=title,
        body="Invite the **data owners** to the first session.",
        is_public=public,
    )


@pytest.fixture
def two_programmes(programme_a, programme_b):
    return (
        publish(programme_a, "Food bank visits fall in winter"),
        publish(programme_b, "Lunch clubs reach older men"),
    )


def test_national_view_shows_every_programmes_published_insights(client, two_programmes):
    page = client.get(NATIONAL).content.decode()
    assert "Food bank visits fall in winter" in page
    assert "Lunch clubs reach older men" in page
    assert "Riverside Community Insights" in page and "Hillside Community Insights" in page


def test_national_view_filters_by_programme_search_and_kind(client, two_programmes):
    page = client.get(NATIONAL, {"programme": "hillside"}).content.decode()
    assert "Lunch clubs" in page and "Food bank visits" not in page
    page = client.get(NATIONAL, {"q": "winter"}).content.decode()
    assert "Food bank visits" in page and "Lunch clubs" not in page
    page = client.get(NATIONAL, {"kind": "data"}).content.decode()
    assert page.count('__title">Households by ward<') == 2
    assert "/data/" in page and ".csv" in page


def test_national_view_shows_public_lessons_only(client, programme_a, programme_b):
    shared = lesson(programme_a, "Ask data owners early")
    lesson(programme_b, "Kept in the team", public=False)
    page = client.get(NATIONAL, {"kind": "lessons"}).content.decode()
    assert "Ask data owners early" in page and "Kept in the team" not in page
    detail = client.get(f"/national/lessons/{shared.pk}/").content.decode()
    assert "<strong>data owners</strong>" in detail
    hidden = Lesson.objects.get(title="Kept in the team")
    assert client.get(f"/national/lessons/{hidden.pk}/").status_code == 404
    body = client.get(f"{API}/lessons").json()
    assert [item["title"] for item in body["items"]] == ["Ask data owners early"]
    detail = client.get(f"{API}/lessons/{shared.pk}").json()
    assert detail["body"].startswith("Invite") and detail["step_label"] == "Scoping"
    assert client.get(f"{API}/lessons/{hidden.pk}").status_code == 404


def test_national_view_ignores_filters_it_does_not_know(client, two_programmes):
    response = client.get(NATIONAL, {"programme": "nowhere", "kind": "secrets", "q": "x" * 500})
    assert response.status_code == 200
    assert "Food bank visits" in response.content.decode()


def test_national_view_leaves_drafts_out(client, programme_a):
    draft_insight(selected(programme_a), title="Still a draft")
    assert "Still a draft" not in client.get(NATIONAL).content.decode()


def test_national_view_is_paginated(client, programme_a):
    for number in range(27):
        publish(programme_a, f"Insight number {number}")
    first = client.get(NATIONAL).content.decode()
    assert "govuk-pagination" in first and "?page=2" in first
    second = client.get(NATIONAL, {"page": 2}).content.decode()
    assert second.count('govuk-summary-card__title"') == 2


def test_the_national_view_is_cached_and_renewed_when_an_insight_is_published(
    client, programme_a, programme_b
):
    publish(programme_a, "First finding")
    assert client.get(NATIONAL)["Cache-Control"] == "no-cache, public"
    publish(programme_b, "Second finding")
    assert "Second finding" in client.get(NATIONAL).content.decode()


def test_a_cached_national_page_is_renewed_by_any_programmes_change(
    client, programme_a, programme_b, django_assert_num_queries
):
    lessons = {"kind": "lessons"}
    lesson(programme_a, "First lesson")
    client.get(NATIONAL, lessons)
    with django_assert_num_queries(0):  # from the shared cache
        assert "First lesson" in client.get(NATIONAL, lessons).content.decode()
    lesson(programme_b, "Second lesson")  # another programme's save renews the page
    assert "Second lesson" in client.get(NATIONAL, lessons).content.decode()


def test_feed_lists_the_latest_insights_of_every_programme(client, two_programmes):
    response = client.get(FEED)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
    assert sorted(titles) == [
        "Food bank visits fall in winter (Riverside Community Insights)",
        "Lunch clubs reach older men (Hillside Community Insights)",
    ]
    links = [e.find(f"{atom}link").get("href") for e in root.iter(f"{atom}entry")]
    assert all("/programmes/" in link and "/insights/" in link for link in links)


# --- The API ------------------------------------------------------------------------------------


def test_api_lists_are_paginated_with_a_maximum(client, two_programmes):
    body = client.get(f"{API}/insights", {"limit": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    assert client.get(f"{API}/insights", {"limit": 1000}).status_code == 422


def test_api_insight_detail_has_its_protected_figures(client, two_programmes):
    insight = two_programmes[0]
    body = client.get(f"{API}/insights/riverside/{insight.slug}").json()
    assert body["title"] == insight.title
    (source,) = body["data_sources"]
    detail = client.get(f"{API}/data-sources/{source['id']}").json()
    hidden = [f for f in detail["figures"] if f["value"] is None]
    assert hidden and all(f["note"] for f in hidden)
    assert client.get(f"{API}/insights/hillside/{insight.slug}").status_code == 404


def test_api_search_and_programme_filter(client, two_programmes):
    found = client.get(f"{API}/insights", {"q": "lunch"}).json()["items"]
    assert [i["title"] for i in found] == ["Lunch clubs reach older men"]
    found = client.get(f"{API}/data-sources", {"programme": "riverside"}).json()["items"]
    assert [s["programme"] for s in found] == ["riverside"]


def test_openapi_document_and_no_docs_page(client):
    document = client.get(f"{API}/openapi.json").json()
    assert {"/api/v1/insights", "/api/v1/data-sources", "/api/v1/programmes"} <= set(
        document["paths"]
    )
    assert client.get(f"{API}/docs").status_code == 404


def test_api_is_rate_limited_per_address(client, settings, programme_a):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"public_api": "3/m/ip"}
    for _ in range(3):
        assert client.get(f"{API}/programmes").status_code == 200
    refused = client.get(f"{API}/programmes")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    other = client.get(f"{API}/programmes", REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 200


# --- Constant query counts ---------------------------------------------------------------------


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (NATIONAL, {}),
        (NATIONAL, {"kind": "data"}),
        (NATIONAL, {"q": "finding"}),
        (NATIONAL, {"kind": "lessons"}),
        (NATIONAL, {"kind": "datasets"}),
        (FEED, {}),
        *((API + path, {}) for path in LISTS),
    ],
)
def test_query_count_does_not_grow_with_the_data(client, programme_a, url, params) -> None:
    publish(programme_a, "A finding")
    lesson(programme_a, "A finding about scoping")
    open_data_set(programme_a, "Findings by ward")
    few = _queries(client, url, params)
    for number in range(6):
        programme = ProgrammeFactory()
        publish(programme, f"Another finding {number}")
        lesson(programme, f"Another finding about scoping {number}")
        open_data_set(programme, f"Findings by ward {number}")
    assert _queries(client, url, params) == few


def open_data_set(programme, name: str, **fields) -> ProgrammeDataSet:
    values = {
        "publisher": "Office for National Statistics",
        "holds": "Households by ward",
        "kind": "Census counts",
        "licence": "Open Government Licence v3.0",
        "url": "https://www.ons.gov.uk/census",
    }
    return ProgrammeDataSet.objects.create(programme=programme, name=name, **(values | fields))


def test_national_view_and_api_list_the_open_data_sets_programmes_use(
    client, programme_a, programme_b
):
    added_by = UserFactory(email="adder7731@example.org")
    open_data_set(programme_a, "Indices of deprivation", added_by=added_by)
    open_data_set(programme_b, "Fuel poverty by area", publisher="DESNZ")

    page = client.get(NATIONAL, {"kind": "datasets", "q": "deprivation"}).content.decode()
    assert "Indices of deprivation" in page and "Fuel poverty" not in page
    assert "Office for National Statistics" in page and "adder7731" not in page
    items = client.get(f"{API}/open-data-sets", {"programme": programme_b.slug}).json()["items"]
    assert [(i["name"], i["publisher"]) for i in items] == [("Fuel poverty by area", "DESNZ")]
    assert "adder7731" not in client.get(f"{API}/open-data-sets").content.decode()


# --- Nothing private ---------------------------------------------------------------------------

CANARY = "canary7731"


def _seed_private_things(programme_a, programme_b) -> None:
    """Everything here is private; each holds the canary."""
    project = selected(programme_b, f"Project {CANARY} idea")
    project.idea.problem = f"Resident {CANARY} Smith visits"
    project.idea.save()
    draft_insight(project, title=f"Draft {CANARY} insight")
    DataSource.objects.create(
        idea=project.idea, name=f"Case notes for {CANARY} Jones", kind="paper", notes=CANARY
    )
    member = UserFactory(email=f"{CANARY}@example.org", display_name=f"Pat {CANARY}")
    Membership.objects.create(programme=programme_a, user=member, role=Role.DATA_ANALYST)
    lesson(programme_b, f"Team only {CANARY}", public=False, project=project)
    # A public lesson from a private project, written by the member: neither is named.
    shared = lesson(programme_b, "Shared lesson", project=project)
    Lesson.objects.filter(pk=shared.pk).update(created_by=member)


def _every_public_url(client) -> list[str]:
    urls = [NATIONAL, FEED, f"{API}/openapi.json"]
    urls += [f"{NATIONAL}?kind={kind}" for kind in ("data", "lessons", "datasets")]
    for path in LISTS:
        urls.append(API + path)
        body = client.get(API + path, {"limit": 100}).json()
        for item in body["items"]:
            if path == "/programmes":
                urls.append(f"{API}/programmes/{item['slug']}")
            elif path == "/insights":
                urls.append(f"{API}/insights/{item['programme']}/{item['slug']}")
            elif path == "/lessons":
                urls += [f"{API}/lessons/{item['id']}", f"/national/lessons/{item['id']}/"]
            elif path == "/open-data-sets":
                continue  # each links to its publisher's page
            else:
                urls.append(f"{API}/data-sources/{item['id']}")
    return urls


def test_nothing_private_in_any_response(client, programme_a, programme_b):
    publish(programme_a, "Food bank visits fall in winter")
    _seed_private_things(programme_a, programme_b)
    urls = _every_public_url(client)
    assert len(urls) > len(LISTS) + 4  # the details were walked too
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY not in response.content.decode(), url
    for words in (CANARY, "Smith", "Jones"):
        for path in ("/insights", "/data-sources", "/lessons"):
            assert client.get(API + path, {"q": words}).json()["count"] == 0
        assert "Nothing matches" in client.get(NATIONAL, {"q": words}).content.decode()
