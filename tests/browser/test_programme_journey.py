"""The programme's team and public page: a facilitator fills the team, agrees ways of working,
rewords a principle and publishes an update; a visitor without JavaScript signs up for updates,
confirms, gets the update by email and stops the emails."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from landing.models import NewsPost, UpdateSubscription
from teams.models import Membership, Programme, Role, SiteGroup, User, WaysOfWorking
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import give_totp

pytestmark = pytest.mark.browser

READER = "reader@example.org"


@pytest.fixture
def programme(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    facilitator = User.objects.create_user("fac@council.example", PASSWORD, display_name="Fay")
    facilitator.groups.add(site_groups[SiteGroup.FACILITATOR])
    Membership.objects.create(
        programme=programme, user=facilitator, role=Role.FACILITATOR, listed_publicly=True
    )
    give_totp(facilitator)
    User.objects.create_user("ana@council.example", PASSWORD, display_name="Ana Lyst")
    return programme


def _email_link(message, part: str) -> str:
    return re.search(rf"https?://\S+/{part}/\S+/", message.body).group(0)


def test_facilitator_runs_the_team_and_a_visitor_follows_the_updates(
    page, nojs_page, live_server, programme
):
    visitor = nojs_page

    # A visitor finds the programme and asks for updates, without JavaScript.
    visit(visitor, "/", live_server.url)
    after_navigation(visitor, visitor.get_by_role("link", name=programme.name).click)
    expect(visitor.get_by_role("main")).to_contain_text("How we work together")
    expect(visitor.get_by_role("main")).to_contain_text("Fay")  # agreed to be listed
    visitor.get_by_label("Email address").fill(READER)
    after_navigation(visitor, visitor.get_by_role("button", name="Get updates").click)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your email")
    visit(visitor, _email_link(mail.outbox[-1], "confirm"))
    after_navigation(visitor, visitor.get_by_role("button", name="Confirm").click)
    expect(visitor.locator(".govuk-notification-banner")).to_contain_text("email updates")
    assert UpdateSubscription.objects.get(email=READER).is_active

    # The facilitator adds an analyst to the team; a mistake is explained first.
    signed_in(page, User.objects.get(email="fac@council.example"), live_server)
    visit(page, f"/programmes/{programme.slug}/team/", live_server.url)
    expect(page.get_by_role("main")).to_contain_text("Nobody holds 5 core roles yet")
    after_navigation(page, page.get_by_role("link", name="Add someone to the team").click)
    page.get_by_label("Email address").fill("nobody@council.example")
    page.get_by_label("Data scientist or analyst").check()
    after_navigation(page, page.get_by_role("button", name="Add to the team").click)
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("Email address").fill("ana@council.example")
    page.get_by_label(re.compile(r"Days they have agreed")).fill("8")
    after_navigation(page, page.get_by_role("button", name="Add to the team").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ana Lyst is now")
    expect(page.get_by_role("main")).to_contain_text("8 of 12 to 48")

    # ...agrees how the team works, and sees the change in the history.
    after_navigation(page, page.get_by_role("link", name="Ways of working").click)
    after_navigation(page, page.get_by_role("link", name="Change the agreement").click)
    page.get_by_label("How often the team meets").fill("Every Tuesday at 10am")
    after_navigation(page, page.get_by_role("button", name="Save the agreement").click)
    expect(page.get_by_role("table")).to_contain_text("Every Tuesday at 10am")
    assert WaysOfWorking.objects.get().updated_by.display_name == "Fay"
    after_navigation(page, page.get_by_role("link", name="Getting to know each other").click)
    expect(page.get_by_role("main")).to_contain_text("Ana Lyst")

    # ...rewords a principle and publishes an update, which is emailed to the visitor.
    visit(page, f"/programmes/{programme.slug}/", live_server.url)
    after_navigation(page, page.get_by_role("link", name="Change principle 3").click)
    page.get_by_label("Title").fill("Local voices first")
    after_navigation(page, page.get_by_role("button", name="Save the principle").click)
    expect(page.get_by_role("main")).to_contain_text("Local voices first")
    after_navigation(page, page.get_by_role("link", name="All updates").click)
    after_navigation(page, page.get_by_role("link", name="Write an update").click)
    page.get_by_label("Title").fill("Office hours are open")
    page.get_by_label("Summary").fill("Book a conversation about your idea.")
    page.get_by_label("Body").fill("Sessions run every Tuesday.")
    page.get_by_label("Publish now and email it to subscribers").check()
    after_navigation(page, page.get_by_role("button", name="Save").click)
    expect(page.get_by_role("heading", level=1)).to_have_text("Office hours are open")
    assert NewsPost.objects.get().emailed_at is not None

    # The visitor reads the update and stops the emails from the link in it.
    (update,) = [message for message in mail.outbox if message.to == [READER]][-1:]
    assert "Office hours are open" in update.subject
    visit(visitor, f"/programmes/{programme.slug}/news/", live_server.url)
    after_navigation(visitor, visitor.get_by_role("link", name="Office hours are open").click)
    visit(visitor, _email_link(update, "stop"))
    after_navigation(visitor, visitor.get_by_role("button", name="Stop updates").click)
    assert path_of(visitor) == f"/programmes/{programme.slug}/"
    assert not UpdateSubscription.objects.get(email=READER).is_active
