"""From an idea to a selected project, as three people: a VCS partner suggests it without
JavaScript, the facilitator scopes it and moves it through the lifecycle (a blocked move says
what is missing), a core-team member from the VCS scores it without JavaScript, the facilitator
scores and selects it, and the partner reads the news on "Your ideas". axe checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Status
from scoping.models import DataSource, Idea
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.browser.test_selection_journey import score_candidate
from tests.dataset_helpers import approve_evaluation
from tests.factories import give_totp

pytestmark = pytest.mark.browser

TITLE = "Older carers who never get a break"


@pytest.fixture
def people(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = Organisation.objects.create(name="Riverside Council", verified=True)
    carers = Organisation.objects.create(
        name="Riverside Carers", kind=Organisation.Kind.VCS, verified=True
    )

    def person(email, name, organisation, group, role=None):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, organisation=organisation,
            organisation_confirmed=True,
        )  # fmt: skip
        user.groups.add(site_groups[group])
        if role:
            Membership.objects.create(programme=programme, user=user, role=role)
        return user

    facilitator = person(
        "fay@council.example", "Fay Facilitator", council, SiteGroup.FACILITATOR, Role.FACILITATOR
    )
    give_totp(facilitator)
    lead = person(
        "lee@cvs.example", "Lee Lead", carers, SiteGroup.VCS_PARTNER, Role.VCS_MEMBER_LEAD
    )
    partner = person("amina@carers.example", "Amina Yusuf", carers, SiteGroup.VCS_PARTNER)
    return programme, facilitator, lead, partner


def _click(page, role: str, name: str) -> None:
    after_navigation(page, page.get_by_role(role, name=name, exact=True).click)


def test_an_idea_becomes_the_selected_project(page, nojs_page, live_server, people):
    programme, facilitator, lead, partner = people
    banner = page.locator(".govuk-notification-banner")

    # The partner suggests the idea.
    signed_in(nojs_page, partner, live_server)
    visit(nojs_page, f"/programmes/{programme.slug}/ideas/new/", live_server.url)
    nojs_page.get_by_label("Give your idea a short title").fill(TITLE)
    nojs_page.get_by_label("What is the problem?").fill("Carers over 70 say they are exhausted.")
    nojs_page.get_by_label("What question would you like answered").fill(
        "How many older carers in Riverside have had no respite this year?"
    )
    _click(nojs_page, "button", "Send your idea")
    idea = Idea.objects.get(title=TITLE)
    project_url = idea.project.get_absolute_url()
    assert path_of(nojs_page) == project_url

    # The facilitator cannot start scoping before a session is scheduled: the page says so.
    signed_in(page, facilitator, live_server)
    visit(page, project_url, live_server.url)
    _click(page, "button", "Start scoping")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Schedule a scoping session for the idea first"
    )
    assert idea.project.status == Status.IDEA

    # Schedule the session, then start scoping: the partner is told.
    visit(page, f"/ideas/{idea.pk}/scoping/", live_server.url)
    _click(page, "button", "Schedule a scoping session")
    day = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("2pm")
    page.get_by_label("Place or online link").fill("Riverside Library, Room 2")
    _click(page, "button", "Schedule the session")
    session_url = path_of(page)
    mail.outbox.clear()
    visit(page, project_url, live_server.url)
    _click(page, "button", "Start scoping")
    expect(banner).to_contain_text("is now scoping")
    assert [m.to for m in mail.outbox] == [[partner.email]]

    # Marking it evaluated too early lists everything still missing.
    _click(page, "button", "Mark as evaluated")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record the refined question")
    expect(summary).to_contain_text("Add at least one data source")
    expect(summary).to_contain_text("Complete the evaluation summary")

    # Scope it: the refined question, a data source, the skills, the evaluation summary.
    visit(page, session_url, live_server.url)
    _click(page, "link", "Agenda item 1: the problem as a question")
    page.get_by_label("The refined question").fill(
        "Which older carers have had no break this year, and what stops them?"
    )
    _click(page, "button", "Save the answers")
    _click(page, "link", "Agenda item 2: the data inventory")
    _click(page, "button", "Add a data source")
    page.get_by_label("Name of the data source").fill("Carers' assessment records")
    page.get_by_label("Data in a council or VCS digital system").check()
    page.get_by_role("radio", name="Yes").check()
    _click(page, "button", "Save the data source")
    _click(page, "link", "Next: the people and skills these sources need")
    _click(page, "button", "Add the suggested skills")
    _click(page, "link", "Next: the evaluation summary")
    _click(page, "button", "Write the summary")
    page.get_by_label("Work already being done in this area").fill("The carers' strategy refresh")
    page.get_by_label("Data safety considerations").fill("Assessments name carers and relatives")
    _click(page, "button", "Save the summary")
    # The data source's evaluation safety check is signed off (its own journey:
    # test_safety_check_journey.py).
    approve_evaluation(DataSource.objects.get(name="Carers' assessment records"))

    visit(page, project_url, live_server.url)
    _click(page, "button", "Mark as evaluated")
    expect(banner).to_contain_text("is now evaluated")

    # A core-team member from the VCS scores it, without JavaScript.
    comparison = f"/programmes/{programme.slug}/selection/"
    signed_in(nojs_page, lead, live_server)
    visit(nojs_page, comparison, live_server.url)
    score_candidate(nojs_page, TITLE, [4, 5, 4, 3, 5, 4, 3], "Nobody counts these carers now.")

    # The facilitator scores it too and selects it with the reasons.
    visit(page, comparison, live_server.url)
    expect(page.locator("#candidates tbody tr").first).to_contain_text("1 of 2")
    score_candidate(page, TITLE, [4, 4, 5, 3, 4, 4, 4], "The assessment data is within reach.")
    mail.outbox.clear()
    _click(page, "button", "Record the decision")
    page.get_by_role("radio", name=TITLE).check()
    page.get_by_label("Why this project?").fill("Both scorers rank it high and the data exists.")
    _click(page, "button", "Record the decision")
    assert path_of(page) == f"/projects/{idea.project.pk}/team/"
    idea.project.refresh_from_db()
    assert idea.project.status == Status.SELECTED
    assert [m.to for m in mail.outbox] == [[partner.email]]

    # The partner reads the news and the history, without the team's scores or notes.
    signed_in(nojs_page, partner, live_server)
    visit(nojs_page, "/ideas/mine/", live_server.url)
    expect(nojs_page.get_by_role("main")).to_contain_text("Selected")
    visit(nojs_page, project_url, live_server.url)
    history = nojs_page.locator("#history ~ table")
    expect(history).to_contain_text("Evaluated → Selected")
    expect(history).to_contain_text("Both scorers rank it high")
    expect(nojs_page.get_by_role("main")).not_to_contain_text("Nobody counts these carers now.")
