"""Reflecting, in the browser: the facilitator opens the reflections survey on a published
project (it moves to reflecting and everyone involved is emailed a link); the analyst answers
anonymously from their link without signing in; once enough people have answered, the
facilitator reads the results: charts with their tables, and the answers in people's own words.
axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects import reflection
from projects.models import ProjectMember, Status, SurveyResponse
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, signed_in, visit
from tests.factories import give_totp
from tests.phase3_helpers import at
from tests.selection_helpers import selected

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = Organisation.objects.create(name="Riverside Council", verified=True)

    def person(email, name, group, role):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, organisation=council, organisation_confirmed=True
        )
        user.groups.add(site_groups[group])
        Membership.objects.create(programme=programme, user=user, role=role)
        give_totp(user)
        return user

    facilitator = person(
        "fay@council.example", "Fay Facilitator", SiteGroup.FACILITATOR, Role.FACILITATOR
    )
    analyst = person("ari@council.example", "Ari Analyst", SiteGroup.STAFF, Role.DATA_ANALYST)
    project = at(selected(programme), Status.PUBLISHED)
    ProjectMember.objects.create(
        project=project,
        name="Pat Partner",
        email="pat@carers.example",
        role="Communities representative",
        expectations="Two workshops",
    )
    return {"project": project, "facilitator": facilitator, "analyst": analyst}


def test_an_anonymous_answer_then_the_results(page, nojs_page, live_server, setting) -> None:
    project, facilitator, analyst = setting["project"], setting["facilitator"], setting["analyst"]

    # The facilitator opens the survey.
    signed_in(page, facilitator, live_server)
    visit(page, f"/projects/{project.pk}/", live_server.url)
    after_navigation(
        page, lambda: page.get_by_role("link", name=re.compile("The reflections survey")).click()
    )
    after_navigation(
        page, lambda: page.get_by_role("link", name="Open the reflections survey").click()
    )
    expect(page.get_by_text("3 people are involved")).to_be_visible()
    after_navigation(
        page, lambda: page.get_by_role("button", name="Open the survey and email everyone").click()
    )
    expect(page.get_by_text("0 of 3 people asked have answered")).to_be_visible()
    project.refresh_from_db()
    assert project.status == Status.REFLECTING
    to_analyst = next(m for m in mail.outbox if m.to == [analyst.email])
    link = re.search(r"https?://\S+/reflections/\S+/", to_analyst.body).group(0)

    # The analyst answers anonymously, without signing in and without JavaScript.
    nojs_page.context.clear_cookies()
    visit(nojs_page, link)
    after_navigation(
        nojs_page, lambda: nojs_page.get_by_role("button", name="Send my answers").click()
    )
    expect(nojs_page.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether to answer with your name or anonymously"
    )
    nojs_page.get_by_label("Anonymously: store nothing that links them to me").check()
    nojs_page.get_by_label("As aggregate tables only").check()
    nojs_page.get_by_label("It worked well").check()
    nojs_page.get_by_label("Which new relationships worked best, and why?").fill(
        "The carers' group and the housing team now share a monthly call."
    )
    after_navigation(
        nojs_page, lambda: nojs_page.get_by_role("button", name="Send my answers").click()
    )
    expect(nojs_page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert SurveyResponse.objects.get().user is None

    # Two more people answer; the facilitator reads the results.
    for invitation in project.reflection_survey.invitations.filter(answered=False):
        reflection.survey_answer(
            invitation=invitation, answers={"selection": "partly"}, anonymous=False
        )
    signed_in(page, facilitator, live_server)
    visit(page, f"/projects/{project.pk}/reflections/", live_server.url)
    after_navigation(page, lambda: page.get_by_role("link", name="See the results").click())
    expect(page.get_by_text("3 people have answered.")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(6)
    expect(
        page.get_by_role("table", name=re.compile("Did the way the project was selected"))
    ).to_contain_text("It partly worked")
    expect(page.get_by_text("now share a monthly call")).to_be_visible()
