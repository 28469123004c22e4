"""Without JavaScript, a visitor searches what every programme has published, narrows it to the
figures, and follows a result to its insight; then reads a shared lesson, the open data sets and
a programme's method changes (axe on every page)."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import MethodChange
from tests.browser.conftest import after_navigation, path_of, visit
from tests.factories import ProgrammeFactory
from tests.test_national import lesson, open_data_set, publish

pytestmark = pytest.mark.browser


def test_search_the_national_view_without_javascript(nojs_page, live_server):
    page = nojs_page
    riverside = ProgrammeFactory(name="Riverside", slug="riverside")
    publish(riverside, "Food bank visits fall in winter")
    publish(ProgrammeFactory(name="Hillside", slug="hillside"), "Lunch clubs reach older men")
    lesson(riverside, "Book the data owners early")
    open_data_set(riverside, "Indices of deprivation")
    MethodChange.objects.create(
        programme=riverside, version="1.1", summary="Safety checks start at scoping"
    )
    visit(page, "/national/", live_server.url)
    results = page.get_by_role("main")
    expect(results).to_contain_text("Food bank visits fall in winter")
    expect(results).to_contain_text("Lunch clubs reach older men")

    page.get_by_role("searchbox", name="Search").fill("lunch")
    after_navigation(page, lambda: page.get_by_role("button", name="Search").click())
    expect(
        page.get_by_role("heading", level=2, name="Insights: 1 found for ‘lunch’")
    ).to_be_visible()
    expect(results).not_to_contain_text("Food bank visits")

    page.get_by_role("radio", name="Published figures").check()
    page.get_by_label("Programme").select_option(label="Hillside")
    page.get_by_role("searchbox", name="Search").fill("")
    after_navigation(page, lambda: page.get_by_role("button", name="Search").click())
    expect(results).to_contain_text("Households by ward")
    expect(page.get_by_role("link", name=re.compile("^CSV"))).to_have_count(1)

    after_navigation(
        page, lambda: page.get_by_role("link", name="Lunch clubs reach older men").click()
    )
    assert path_of(page).startswith("/programmes/hillside/insights/")

    # A shared lesson, the open data sets and a programme's method changes, still without scripts.
    visit(page, "/national/?kind=lessons", live_server.url)
    after_navigation(
        page, lambda: page.get_by_role("link", name="Book the data owners early").click()
    )
    expect(page.get_by_role("main")).to_contain_text("data owners")
    visit(page, "/national/?kind=datasets", live_server.url)
    expect(page.get_by_role("link", name="Indices of deprivation")).to_be_visible()
    visit(page, "/programmes/riverside/method/", live_server.url)
    expect(page.get_by_role("main")).to_contain_text("Safety checks start at scoping")
