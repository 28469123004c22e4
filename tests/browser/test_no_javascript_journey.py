"""With JavaScript switched off, a VCS partner can still sign in, fix a mistake and sign out."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from teams.models import SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, visit

pytestmark = pytest.mark.browser

EMAIL = "sam@hillside-youth.example"


@pytest.fixture
def vcs_partner(site_groups) -> User:
    user = User.objects.create_user(EMAIL, PASSWORD, display_name="Sam Patel")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    user.groups.add(site_groups[SiteGroup.VCS_PARTNER])
    return user


def test_sign_in_and_out_without_javascript(nojs_page, live_server, vcs_partner):
    page = nojs_page
    visit(page, "/", live_server.url)
    assert page.evaluate("() => document.body.classList.contains('js-enabled')") is False

    after_navigation(page, lambda: page.get_by_role("link", name="Sign in", exact=True).click())
    assert path_of(page) == "/accounts/login/"

    email = page.get_by_role("textbox", name=re.compile(r"email", re.I))
    email.fill(EMAIL)
    password = page.locator("input[type=password]")
    password.fill("not my password")
    after_navigation(page, lambda: password.press("Enter"))

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text(re.compile(r"There is a problem"))
    assert path_of(page) == "/accounts/login/"

    # The email address is kept; the password is not.
    expect(page.get_by_role("textbox", name=re.compile(r"email", re.I))).to_have_value(EMAIL)
    password = page.locator("input[type=password]")
    password.fill(PASSWORD)
    after_navigation(
        page, lambda: page.get_by_role("button", name=re.compile(r"sign in", re.I)).click()
    )
    assert path_of(page) == "/dashboard/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_role("main")).to_contain_text("Sam Patel")

    # Signing out is a plain form post from the navigation.
    after_navigation(page, lambda: page.get_by_role("button", name="Sign out", exact=True).click())
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    visit(page, "/dashboard/", live_server.url)
    assert path_of(page) == "/accounts/login/"
