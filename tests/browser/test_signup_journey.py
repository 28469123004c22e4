"""A new VCS partner creates an account, confirms their email and reaches their dashboard."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from teams.models import SiteGroup, User
from tests.browser.conftest import (
    PASSWORD,
    after_navigation,
    confirmation_link,
    path_of,
    visit,
)

pytestmark = pytest.mark.browser

EMAIL = "vera@riverside-foodbank.example"


def test_new_vcs_partner_signs_up_confirms_email_and_sees_dashboard(
    page, live_server, site_groups, settings
):
    settings.SITE_URL = live_server.url  # emailed links are on the site's public address
    visit(page, "/", live_server.url)

    # The first Tab lands on the skip link, and Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    start = page.get_by_role("main").get_by_role("button", name="Create an account")
    start.focus()
    after_navigation(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/accounts/signup/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile(r"create an account|sign up", re.I)
    )

    # First attempt: no name, no organisation, and passwords that do not match.
    page.get_by_role("textbox", name=re.compile(r"email", re.I)).fill(EMAIL)
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill(PASSWORD)
    passwords.nth(1).fill(PASSWORD + " typo")
    after_navigation(page, lambda: passwords.nth(1).press("Enter"))

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text(re.compile(r"There is a problem"))
    expect(summary.get_by_role("link", name="Enter your name")).to_be_visible()
    expect(summary).to_contain_text("Choose your organisation")
    expect(summary).to_contain_text(re.compile(r"password", re.I))
    # Each error is repeated by its question, and what was typed is kept.
    expect(page.locator(".govuk-form-group--error").first).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile(r"email", re.I))).to_have_value(EMAIL)
    # GOV.UK Frontend moves focus to the summary so screen reader users hear it first...
    expect(summary).to_be_focused()
    # ...and each link in it takes the user to the question that needs fixing.
    summary.get_by_role("link", name="Enter your name").press("Enter")
    name = page.get_by_label("Your name")
    expect(name).to_be_focused()
    assert User.objects.count() == 0

    name.fill("Vera Okafor")
    page.get_by_role("combobox").select_option(label="My organisation is not listed")
    page.get_by_role("textbox", name=re.compile(r"not listed", re.I)).fill("Riverside Food Bank")
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill(PASSWORD)
    passwords.nth(1).fill(PASSWORD)
    after_navigation(page, lambda: passwords.nth(1).press("Enter"))

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile(r"verify your email|check your email", re.I)
    )
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    assert not EmailAddress.objects.get(email=EMAIL).verified

    visit(page, confirmation_link())
    confirm = page.get_by_role("button", name=re.compile(r"confirm", re.I))
    confirm.focus()
    after_navigation(page, lambda: page.keyboard.press("Enter"))

    # Confirming in the browser that signed up signs you in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    assert path_of(page) == "/dashboard/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_role("main")).to_contain_text("Vera Okafor")

    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert user.display_name == "Vera Okafor"
    assert user.organisation.name == "Riverside Food Bank"
    assert not user.organisation.verified
    assert list(user.groups.values_list("name", flat=True)) == [SiteGroup.VCS_PARTNER]
