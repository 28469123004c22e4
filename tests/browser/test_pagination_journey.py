"""With JavaScript off, a data analyst pages through a long idea queue, filters it, and the filters
stay with them from page to page; a visitor pages through a programme's news."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from landing.models import NewsPost
from scoping.models import Idea
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import after_navigation, path_of, signed_in, visit
from tests.factories import give_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(transactional_db) -> Programme:
    programme = Programme.objects.create(name="Riverside Community Insights", slug="riverside")
    food_bank = Organisation.objects.create(name="Northgate Food Bank", verified=True)
    tenants = Organisation.objects.create(name="Riverside Tenants", verified=True)
    now = timezone.now()
    for n in range(30):
        Idea.objects.create(
            programme=programme,
            title=f"Food parcels in ward {n}",
            problem="Families stop coming.",
            proposing_organisation=food_bank,
            created_at=now - timedelta(hours=n),
        )
    for n in range(12):
        Idea.objects.create(
            programme=programme,
            title=f"Damp homes on estate {n}",
            problem="Repairs take months.",
            proposing_organisation=tenants,
            created_at=now - timedelta(hours=n, minutes=30),
        )
    for n in range(30):
        NewsPost.objects.create(
            programme=programme,
            title=f"Update number {n}",
            slug=f"update-{n}",
            summary="What happened this month.",
            body="More.",
            published_at=now - timedelta(days=n),
        )
    return programme


@pytest.fixture
def analyst(site_groups, programme) -> User:
    user = User.objects.create_user("ana@riverside.example", display_name="Ana Lyst")
    user.groups.add(site_groups[SiteGroup.STAFF])
    Membership.objects.create(programme=programme, user=user, role=Role.DATA_ANALYST)
    give_totp(user)  # analysts may take data, so they use a second factor
    return user


def _titles(page) -> list[str]:
    return page.locator("table.govuk-table tbody tr td:first-child a").all_inner_texts()


def test_paging_and_filtering_the_idea_queue_without_javascript(
    nojs_page, live_server, programme, analyst
):
    page = nojs_page
    signed_in(page, analyst, live_server)
    visit(page, "/programmes/riverside/ideas/", live_server.url)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Showing 1 to 25 of 42")
    assert len(_titles(page)) == 25

    pages = page.get_by_role("navigation", name="Pages of ideas")
    after_navigation(page, lambda: pages.get_by_role("link", name="Next page").click())
    expect(main).to_contain_text("Showing 26 to 42 of 42")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    after_navigation(page, lambda: pages.get_by_role("link", name="Previous page").click())
    expect(main).to_contain_text("Showing 1 to 25 of 42")

    # Filter: one organisation's ideas with a word in them; the form is sent by GET.
    page.get_by_label("Proposed by").select_option(label="Northgate Food Bank")
    page.get_by_label("Words in the idea").fill("parcels")
    after_navigation(page, lambda: page.get_by_role("button", name="Apply filters").click())
    expect(main).to_contain_text("30 of 42 ideas match the filters")
    assert all(title.startswith("Food parcels") for title in _titles(page))

    # The next page keeps the filters, in the address and in the form.
    after_navigation(page, lambda: pages.get_by_role("link", name="Next page").click())
    assert re.search(r"[?&]q=parcels", page.url) and re.search(r"[?&]organisation=\d+", page.url)
    expect(main).to_contain_text("Showing 26 to 30 of 30")
    assert len(_titles(page)) == 5
    assert all(title.startswith("Food parcels") for title in _titles(page))
    expect(page.get_by_label("Words in the idea")).to_have_value("parcels")
    expect(page.get_by_label("Proposed by").locator("option:checked")).to_have_text(
        "Northgate Food Bank"
    )
    after_navigation(page, lambda: pages.get_by_role("link", name="Previous page").click())
    expect(main).to_contain_text("Showing 1 to 25 of 30")
    assert path_of(page) == "/programmes/riverside/ideas/"

    after_navigation(page, lambda: page.get_by_role("link", name="Clear filters").click())
    expect(main).to_contain_text("Showing 1 to 25 of 42")


def test_a_visitor_pages_through_the_news_without_javascript(nojs_page, live_server, programme):
    page = nojs_page
    visit(page, "/programmes/riverside/news/", live_server.url)
    expect(page.get_by_role("main")).to_contain_text("Update number 0")
    pages = page.get_by_role("navigation", name="Updates")
    after_navigation(page, lambda: pages.get_by_role("link", name="Next page").click())
    expect(page.get_by_role("main")).to_contain_text("Showing 26 to 30 of 30")
    assert page.locator("main article").count() == 5
    after_navigation(page, lambda: pages.get_by_role("link", name="Page 1").click())
    expect(page.get_by_role("main")).to_contain_text("Showing 1 to 25 of 30")
