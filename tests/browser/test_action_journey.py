"""An action from registration to public progress, in the browser: a partner registers interest on
a published insight's public page; the facilitator sees the registration, schedules the actions
meeting, invites everyone registered and records an action owned by the partner's organisation,
which agreed to show it publicly; a colleague at that organisation adds progress; and a resident,
with JavaScript off, reads it on the insight's page. axe-core checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Insight
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, signed_in, visit
from tests.factories import give_totp
from tests.phase3_helpers import draft_insight, table_on
from tests.selection_helpers import selected

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = Organisation.objects.create(name="Riverside Council", verified=True)
    carers = Organisation.objects.create(name="Riverside Carers", verified=True)

    def person(email, name, group, organisation):
        user = User.objects.create_user(
            email,
            PASSWORD,
            display_name=name,
            organisation=organisation,
            organisation_confirmed=True,
        )
        user.groups.add(site_groups[group])
        return user

    facilitator = person("fay@council.example", "Fay Facilitator", SiteGroup.FACILITATOR, council)
    Membership.objects.create(programme=programme, user=facilitator, role=Role.FACILITATOR)
    give_totp(facilitator)
    partner = person("vic@carers.example", "Vic Partner", SiteGroup.VCS_PARTNER, carers)
    colleague = person("cal@carers.example", "Cal Colleague", SiteGroup.VCS_PARTNER, carers)
    project = selected(programme)
    insight = draft_insight(project, title="Who stops visiting the food bank")
    table_on(insight)
    Insight.objects.filter(pk=insight.pk).update(published_at=timezone.now())
    insight.refresh_from_db()
    return project, insight, facilitator, partner, colleague


def click(page, role: str, name: str) -> None:
    after_navigation(page, page.get_by_role(role, name=name, exact=True).first.click)


def fill_date(page, day) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_an_action_from_registration_to_public_progress(
    page, nojs_page, live_server, setting
) -> None:
    project, insight, facilitator, partner, colleague = setting
    public = live_server.url + insight.get_public_url()

    # The partner registers interest from the insight's public page.
    signed_in(page, partner, live_server)
    visit(page, public)
    click(page, "link", "Register your interest in acting on it")
    page.get_by_label("What might your organisation do with this insight?").fill(
        "Run a carers' drop-in at the food bank on Saturdays."
    )
    page.get_by_label("A note for the facilitator (optional)").fill("Free on Tuesdays")
    click(page, "button", "Register interest")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("actions meeting")

    # The facilitator sees it, schedules the meeting and invites everyone registered.
    signed_in(page, facilitator, live_server)
    visit(page, f"/projects/{project.pk}/actions/", live_server.url)
    click(page, "link", "People who registered interest")
    expect(page.get_by_role("main")).to_contain_text("Run a carers' drop-in")
    click(page, "link", "Schedule an actions meeting")
    fill_date(page, timezone.localdate() + timedelta(days=14))
    page.get_by_label("Start time").fill("2pm")
    page.get_by_label("Where").fill("Riverside Library, Room 1")
    click(page, "button", "Add the meeting")
    click(page, "button", "Invite everyone who registered interest")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 person has been invited")
    assert [m.to for m in mail.outbox if "actions meeting" in m.subject] == [[partner.email]]

    # ... and records the action the carers agreed to.
    visit(page, f"/projects/{project.pk}/actions/", live_server.url)
    click(page, "link", "Record an action")
    page.get_by_label("Which organisation owns it?").select_option(label="Riverside Carers")
    page.get_by_label("What will they do?").fill("Run a Saturday carers' drop-in")
    fill_date(page, timezone.localdate() + timedelta(days=60))
    page.get_by_label("Planned").check()
    click(page, "button", "Save the action")
    expect(page.get_by_role("heading", level=1)).to_have_text("Run a Saturday carers' drop-in")

    # A colleague at the carers agrees to show it publicly, and adds progress, from their
    # organisation's actions.
    signed_in(page, colleague, live_server)
    visit(page, "/actions/mine/", live_server.url)
    click(page, "link", "Run a Saturday carers' drop-in")
    click(page, "link", "Change the action, its due date or whether it is shown publicly")
    page.get_by_label("We agree to show this action and its progress publicly").check()
    click(page, "button", "Save the action")
    page.get_by_label("What has happened?").fill("First drop-in held: 14 carers came.")
    page.get_by_label("In progress").check()
    click(page, "button", "Add the update")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your update has been added")

    # A resident, with JavaScript off, reads what changed on the insight's page.
    visit(nojs_page, public)
    actions = nojs_page.locator("#actions ~ .govuk-summary-card")
    expect(actions).to_have_count(1)
    expect(actions).to_contain_text("Run a Saturday carers' drop-in")
    expect(actions).to_contain_text("Riverside Carers")
    expect(actions).to_contain_text("In progress")
    expect(actions).to_contain_text("First drop-in held: 14 carers came.")
