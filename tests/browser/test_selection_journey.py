"""Selection in the browser: two core-team members score two candidates (one of them without
JavaScript), the facilitator compares them, selects one with reasons and parks the other, invites
a member and announces the project; a signed-in VCS partner finds it on the public page and
registers interest. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import Criterion, InterestRegistration, ProjectMember, Status
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import give_totp
from tests.selection_helpers import candidate

pytestmark = pytest.mark.browser

FOOD_BANK = "Who stops visiting the food bank?"
WARM_SPACES = "Are older residents missing warm spaces?"


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = Organisation.objects.create(name="Riverside Council", verified=True)
    carers = Organisation.objects.create(name="Riverside Carers", verified=True)

    def person(email, name, group, role=None, organisation=council):
        user = User.objects.create_user(
            email,
            PASSWORD,
            display_name=name,
            organisation=organisation,
            organisation_confirmed=True,
        )
        user.groups.add(site_groups[group])
        if role:
            Membership.objects.create(programme=programme, user=user, role=role)
        return user

    facilitator = person(
        "fay@council.example", "Fay Facilitator", SiteGroup.FACILITATOR, Role.FACILITATOR
    )
    give_totp(facilitator)
    analyst = person("ari@council.example", "Ari Analyst", SiteGroup.STAFF, Role.DATA_ANALYST)
    give_totp(analyst)  # analysts may download data
    partner = person("vic@carers.example", "Vic Partner", SiteGroup.VCS_PARTNER, None, carers)
    food_bank, warm_spaces = candidate(programme, FOOD_BANK), candidate(programme, WARM_SPACES)
    return programme, facilitator, analyst, partner, food_bank, warm_spaces


def score_candidate(page, title: str, scores: list[int], comment: str) -> None:
    """From the comparison table, score one candidate and come back to the table."""
    after_navigation(page, page.get_by_role("link", name=f"Score ‘{title}’").click)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score ‘{title}’")
    expect(page.get_by_role("link", name=re.compile("Read the evaluation summary"))).to_be_visible()
    for criterion, value in zip(Criterion, scores, strict=True):
        # Each criterion's radios are a fieldset named by the criterion; the nth radio scores n.
        group = page.get_by_role("group", name=criterion.label)
        group.get_by_role("radio").nth(value - 1).check()
    page.get_by_label("Why this score? (optional)").nth(2).fill(comment)
    after_navigation(page, page.get_by_role("button", name="Save my scores").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"‘{title}’")


def test_core_team_selects_announces_and_a_partner_registers_interest(
    page, nojs_page, live_server, setting
):
    programme, facilitator, analyst, partner, food_bank, warm_spaces = setting
    comparison = f"/programmes/{programme.slug}/selection/"

    # The analyst scores both candidates, without JavaScript; a score left out is explained.
    signed_in(nojs_page, analyst, live_server)
    visit(nojs_page, comparison, live_server.url)
    expect(nojs_page.get_by_role("main")).to_contain_text("Not scored yet: Ari Analyst, Fay")
    after_navigation(nojs_page, nojs_page.get_by_role("link", name=f"Score ‘{FOOD_BANK}’").click)
    after_navigation(nojs_page, nojs_page.get_by_role("button", name="Save my scores").click)
    expect(nojs_page).to_have_title(re.compile(r"^Error: "))
    summary = nojs_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a score from 1 to 5 for ‘It is a blind spot’")
    visit(nojs_page, comparison, live_server.url)
    score_candidate(nojs_page, FOOD_BANK, [5, 4, 5, 4, 4, 4, 3], "The visit data is ready.")
    score_candidate(nojs_page, WARM_SPACES, [2, 4, 3, 1, 3, 3, 2], "Paper records take weeks.")

    # The facilitator scores too, then compares: the food bank ranks first.
    signed_in(page, facilitator, live_server)
    visit(page, comparison, live_server.url)
    score_candidate(page, FOOD_BANK, [4, 4, 5, 3, 5, 4, 4], "A clear use for the answer.")
    score_candidate(page, WARM_SPACES, [5, 3, 4, 2, 3, 4, 2], "Volunteers are keen.")
    ranking = page.locator("#candidates tbody tr")
    expect(ranking.nth(0)).to_contain_text(FOOD_BANK)
    expect(ranking.nth(0)).to_contain_text("2 of 2")
    expect(ranking.nth(1)).to_contain_text("Scores differ widely")  # 2 and 5 for roles

    # The decision: forgetting the parking reason is explained, then all goes through.
    after_navigation(page, page.get_by_role("button", name="Record the decision").click)
    expect(page.locator("#candidates")).to_be_visible()
    page.get_by_role("radio", name=FOOD_BANK).check()
    page.get_by_label("Why this project?").fill("Highest scores and data we can reach now.")
    after_navigation(page, page.get_by_role("button", name="Record the decision").click)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"Enter why ‘{WARM_SPACES}’ is parked"
    )
    page.get_by_label(f"Why is ‘{WARM_SPACES}’ parked?").fill("Next winter, once records improve.")
    after_navigation(page, page.get_by_role("button", name="Record the decision").click)
    assert path_of(page) == f"/projects/{food_bank.pk}/team/"
    food_bank.refresh_from_db()
    warm_spaces.refresh_from_db()
    assert food_bank.status == Status.SELECTED and warm_spaces.status == Status.PARKED
    assert warm_spaces.status_reason == "Next winter, once records improve."

    # Mobilise: invite a member, who is emailed what is expected of them.
    mail.outbox.clear()
    page.get_by_label("Full name").fill("Nadia Rahman")
    page.get_by_label("Email address").fill("nadia@foodbank.example")
    page.get_by_label("Role on the project").fill("Someone who knows the data in depth")
    page.get_by_label("What is expected of them").fill("Two hours a week for eight weeks.")
    page.get_by_label("They agree to be named on the programme's public page").check()
    after_navigation(page, page.get_by_role("button", name="Invite to the project team").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Nadia Rahman")
    expect(page.locator("#members")).to_contain_text("Someone who knows the data in depth")
    assert ProjectMember.objects.get().emailed_at is not None
    (invitation,) = mail.outbox
    assert invitation.to == ["nadia@foodbank.example"]
    assert "Two hours a week for eight weeks." in invitation.body

    # Announce it on the public page.
    after_navigation(
        page, page.get_by_role("link", name="Announce the project on the public page").click
    )
    page.get_by_label("What should the public page say about the project?").fill(
        "The food bank and the council are finding out who stops visiting while still in need."
    )
    after_navigation(page, page.get_by_role("button", name="Publish on the public page").click)
    assert path_of(page) == f"/programmes/{programme.slug}/"
    project_card = page.locator(".govuk-summary-card", has_text=FOOD_BANK)
    expect(project_card).to_contain_text("Nadia Rahman")
    expect(project_card).not_to_contain_text("nadia@foodbank.example")

    # A VCS partner, signed in, registers their organisation's interest (no JavaScript).
    mail.outbox.clear()
    signed_in(nojs_page, partner, live_server)
    visit(nojs_page, f"/programmes/{programme.slug}/", live_server.url)
    card = nojs_page.locator(".govuk-summary-card", has_text=FOOD_BANK)
    expect(card).to_contain_text("who stops visiting while still in need")
    expect(card).not_to_contain_text(WARM_SPACES)
    after_navigation(
        nojs_page, card.get_by_role("button", name=re.compile("Register interest in joining")).click
    )
    expect(nojs_page.get_by_label("Your organisation", exact=True)).to_have_value(
        "Riverside Carers"
    )
    nojs_page.get_by_label("How could your organisation help?").fill(
        "We support carers who use the food bank and could interview some."
    )
    after_navigation(nojs_page, nojs_page.get_by_role("button", name="Register interest").click)
    expect(nojs_page.locator(".govuk-notification-banner")).to_contain_text("Thank you")
    registration = InterestRegistration.objects.get()
    assert registration.user == partner
    (notice,) = mail.outbox
    assert notice.to == [facilitator.email]

    # The facilitator sees it on the project team page.
    visit(page, f"/projects/{food_bank.pk}/team/", live_server.url)
    expect(page.locator("#interest ~ dl")).to_contain_text("Riverside Carers")
