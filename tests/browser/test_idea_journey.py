"""A VCS partner suggests an idea without JavaScript; the facilitator finds it in the queue and
asks for more; the partner replies; the facilitator withdraws the partner's other idea with a
reason, which the partner reads on "Your ideas"."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import Project, Status
from projects.services import idea_submit
from scoping.models import Idea, IdeaMessage
from teams.models import Membership, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    facilitator = User.objects.create_user("fac@council.example", PASSWORD, display_name="Fay")
    facilitator.groups.add(site_groups[SiteGroup.FACILITATOR])
    Membership.objects.create(programme=programme, user=facilitator, role=Role.FACILITATOR)
    give_totp(facilitator)
    partner = User.objects.create_user(
        "amina@carers.example",
        PASSWORD,
        display_name="Amina Yusuf",
        organisation=OrganisationFactory(name="Riverside Carers"),
        organisation_confirmed=True,
    )
    partner.groups.add(site_groups[SiteGroup.VCS_PARTNER])
    earlier = idea_submit(
        programme=programme,
        submitted_by=partner,
        proposer=partner,
        organisation=partner.organisation,
        title="How many carers do we need next year?",
        problem="We never know how many volunteers to recruit.",
    )
    return programme, facilitator, partner, earlier


def test_an_idea_from_suggestion_to_reply_and_a_withdrawal(nojs_page, page, live_server, setting):
    programme, facilitator, partner, earlier = setting
    partner_page = nojs_page
    signed_in(partner_page, partner, live_server)
    signed_in(page, facilitator, live_server)
    mail.outbox.clear()

    # The partner finds "Suggest an idea" on the programme's page (no JavaScript).
    visit(partner_page, f"/programmes/{programme.slug}/", live_server.url)
    suggest = partner_page.get_by_role("button", name=re.compile(r"^Suggest an idea"))
    after_navigation(partner_page, suggest.click)
    assert path_of(partner_page) == f"/programmes/{programme.slug}/ideas/new/"
    expect(partner_page.get_by_role("main")).to_contain_text("Riverside Carers")

    # Sending it empty explains what is missing.
    send = partner_page.get_by_role("button", name="Send your idea")
    after_navigation(partner_page, send.click)
    expect(partner_page).to_have_title(re.compile(r"^Error: "))
    summary = partner_page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter a short title for your idea")).to_be_visible()

    partner_page.get_by_label("Give your idea a short title").fill("Carers who cannot get respite")
    partner_page.get_by_label("What is the problem?").fill(
        "Carers tell us they have not had a break in months."
    )
    partner_page.get_by_label("What question would you like answered").fill(
        "How many carers in Riverside never get respite, and why?"
    )
    partner_page.get_by_label("What do you believe is going on").fill(
        "The respite service is only advertised at GP surgeries."
    )
    after_navigation(partner_page, send.click)
    idea = Idea.objects.get(title="Carers who cannot get respite")
    assert path_of(partner_page) == idea.project.get_absolute_url()
    expect(partner_page.locator(".govuk-notification-banner")).to_contain_text("has been sent")
    (arrived,) = mail.outbox
    assert arrived.to == [facilitator.email]

    # The facilitator sees it at the top of the queue and asks for more.
    visit(page, f"/programmes/{programme.slug}/ideas/", live_server.url)
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Carers who cannot get respite")
    expect(rows.first).to_contain_text("Riverside Carers")
    after_navigation(page, page.get_by_role("link", name="Carers who cannot get respite").click)
    page.get_by_label("Ask the proposer for more information (emailed to them)").check()
    page.get_by_label("Message").fill("Which parts of Riverside do these carers live in?")
    after_navigation(page, page.get_by_role("button", name="Send").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to Amina Yusuf")
    assert mail.outbox[-1].to == [partner.email]

    # Back in the queue, the idea waits for the partner's reply.
    visit(page, f"/programmes/{programme.slug}/ideas/", live_server.url)
    expect(rows.first).to_contain_text("Waiting for the proposer's reply")

    # The partner replies from the idea's page, without JavaScript.
    visit(partner_page, idea.project.get_absolute_url(), live_server.url)
    expect(partner_page.get_by_role("main")).to_contain_text("Which parts of Riverside")
    partner_page.get_by_label("Your reply to the team").fill("Mostly the northern villages.")
    after_navigation(partner_page, partner_page.get_by_role("button", name="Send reply").click)
    expect(partner_page.locator(".govuk-notification-banner")).to_contain_text("reply has been")
    assert IdeaMessage.objects.filter(idea=idea, kind="reply").exists()
    assert mail.outbox[-1].to == [facilitator.email]
    visit(page, f"/programmes/{programme.slug}/ideas/", live_server.url)
    expect(page.get_by_role("main")).not_to_contain_text("Waiting for the proposer's reply")

    # The facilitator withdraws the partner's earlier idea with a reason.
    visit(page, earlier.get_absolute_url(), live_server.url)
    page.locator("summary", has_text="Withdraw").click()
    withdraw = page.get_by_role("button", name="Withdraw")
    after_navigation(page, withdraw.click)  # no reason: explained on the confirmation page
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    page.get_by_label("Why? (withdraw)").fill(
        "The council's carers' strategy team already counts this: we have put you in touch."
    )
    after_navigation(page, page.get_by_role("button", name="Withdraw").click)
    assert path_of(page) == earlier.get_absolute_url()
    assert Project.objects.get(pk=earlier.pk).status == Status.WITHDRAWN

    # The partner reads why on "Your ideas".
    visit(partner_page, "/dashboard/", live_server.url)
    your_ideas = partner_page.get_by_role("link", name="Your ideas", exact=True)
    after_navigation(partner_page, your_ideas.click)
    main = partner_page.get_by_role("main")
    expect(main).to_contain_text("Withdrawn")
    expect(main).to_contain_text("carers' strategy team already counts this")
    expect(main).to_contain_text("Carers who cannot get respite")
