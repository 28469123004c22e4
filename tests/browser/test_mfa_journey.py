"""A facilitator must set up an authenticator app before anything else, then signs in with it."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from teams.models import Membership, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, visit

pytestmark = pytest.mark.browser

EMAIL = "fatima@council.example"
ACTIVATE_PATH = "/accounts/2fa/totp/activate/"
# A TOTP secret is 32 base32 characters (allauth makes it from 20 random bytes).
SECRET = re.compile(r"\b[A-Z2-7]{32}\b")


@pytest.fixture
def new_facilitator(site_groups) -> User:
    """A facilitator with a confirmed email address and no second factor yet."""
    user = User.objects.create_user(EMAIL, PASSWORD, display_name="Fatima Hassan")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    user.groups.add(site_groups[SiteGroup.FACILITATOR])
    programme = Programme.objects.create(
        name="Northtown Insights", slug="northtown", place="Northtown"
    )
    Membership.objects.create(programme=programme, user=user, role=Role.FACILITATOR)
    return user


def current_code(secret: str) -> str:
    """The authenticator app's code now, waiting out the last seconds of a 30-second window."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, live_server) -> None:
    visit(page, "/accounts/login/", live_server.url)
    page.get_by_role("textbox", name=re.compile(r"email", re.I)).fill(EMAIL)
    password = page.locator("input[type=password]")
    password.fill(PASSWORD)
    after_navigation(page, lambda: password.press("Enter"))


def shown_secret(page) -> str:
    """The secret as text on the page, for people who cannot scan the QR code."""
    text = page.evaluate(
        """() => [document.body.innerText,
            ...[...document.querySelectorAll('input')]
                .filter((el) => el.checkVisibility()).map((el) => el.value)].join(' ')"""
    )
    match = SECRET.search(text)
    assert match, (
        f"{page.url} does not show the authenticator secret as text: people who cannot scan "
        "the QR code need it to set up their app"
    )
    return match.group(0)


def enter_code(page, code: str) -> None:
    field = page.get_by_role("textbox", name=re.compile(r"code", re.I))
    field.fill(code)
    after_navigation(page, lambda: field.press("Enter"))


def test_facilitator_sets_up_an_authenticator_app_and_signs_in_with_it(
    page, live_server, new_facilitator
):
    sign_in(page, live_server)
    # One password step: straight to setting up the app, not "confirm it's you".
    assert path_of(page) == ACTIVATE_PATH

    # Nothing else opens until the second factor is set up.
    visit(page, "/dashboard/", live_server.url)
    assert path_of(page) == ACTIVATE_PATH
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile(r"authenticator|two-factor|2-step|set up", re.I)
    )

    secret = shown_secret(page)
    enter_code(page, "000000" if current_code(secret) != "000000" else "111111")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert not Authenticator.objects.filter(user=new_facilitator).exists()

    enter_code(page, current_code(shown_secret(page)))
    assert Authenticator.objects.filter(user=new_facilitator, type=Authenticator.Type.TOTP).exists()
    # The new recovery codes next, without the password again, in words for a first set-up.
    assert path_of(page) == "/accounts/2fa/recovery-codes/"
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"recovery codes", re.I))
    expect(page.get_by_role("main")).not_to_contain_text("no longer work")

    after_navigation(page, lambda: page.get_by_role("link", name="Dashboard", exact=True).click())
    assert path_of(page) == "/dashboard/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_role("main")).to_contain_text("Northtown Insights")

    after_navigation(page, lambda: page.get_by_role("button", name="Sign out", exact=True).click())
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    visit(page, "/dashboard/", live_server.url)
    assert path_of(page) == "/accounts/login/"

    sign_in(page, live_server)
    assert path_of(page) == "/accounts/2fa/authenticate/"
    enter_code(page, current_code(secret))
    assert path_of(page) == "/dashboard/"
    expect(page.get_by_role("main")).to_contain_text("Fatima Hassan")
