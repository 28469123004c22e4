"""A VCS member of the core team drafts a blog post without JavaScript and adds a council
colleague as co-author, who edits it; the post goes for review, the facilitator publishes it and
it appears on the programme's public page."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import BlogPost
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser


def _person(email, name, organisation, programme, role, group):
    person = User.objects.create_user(
        email, PASSWORD, display_name=name, organisation=organisation, organisation_confirmed=True
    )
    person.groups.add(group)
    Membership.objects.create(programme=programme, user=person, role=role)
    return person


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = OrganisationFactory(name="Riverside Council", kind=Organisation.Kind.COUNCIL)
    carers = OrganisationFactory(name="Riverside Carers", kind=Organisation.Kind.VCS)
    facilitator = _person(
        "fac@council.example", "Fay", council, programme, Role.FACILITATOR,
        site_groups[SiteGroup.FACILITATOR],
    )  # fmt: skip
    give_totp(facilitator)
    author = _person(
        "amina@carers.example", "Amina Yusuf", carers, programme, Role.VCS_MEMBER_LEAD,
        site_groups[SiteGroup.VCS_PARTNER],
    )  # fmt: skip
    colleague = _person(
        "dev@council.example", "Dev Sharma", council, programme, Role.DELIVERY_LEAD,
        site_groups[SiteGroup.STAFF],
    )  # fmt: skip
    return programme, facilitator, author, colleague


def test_a_co_written_post_from_draft_to_the_public_page(nojs_page, page, live_server, setting):
    programme, facilitator, author, colleague = setting
    signed_in(nojs_page, author, live_server)

    # The VCS member starts a draft from the team's sharing page, without JavaScript.
    visit(nojs_page, f"/programmes/{programme.slug}/sharing/", live_server.url)
    start = nojs_page.get_by_role("button", name="Start a blog post")
    after_navigation(nojs_page, start.click)
    nojs_page.get_by_label("Title").fill("Why carers stop asking for help")
    nojs_page.get_by_label("Summary").fill("What we heard, and what the numbers say.")
    nojs_page.get_by_label("The post").fill("## What we heard\n\nCarers told us **why**.")
    after_navigation(nojs_page, nojs_page.get_by_role("button", name="Save the draft").click)
    post = BlogPost.objects.get()
    assert path_of(nojs_page) == post.get_absolute_url()
    expect(nojs_page.locator(".govuk-warning-text")).to_contain_text("from the council")

    # ... and adds a council colleague from the core team.
    add = nojs_page.get_by_role("button", name="Add or remove co-authors")
    after_navigation(nojs_page, add.click)
    nojs_page.get_by_label("Who else is writing this post?").select_option(
        label="Dev Sharma, Riverside Council"
    )
    after_navigation(nojs_page, nojs_page.get_by_role("button", name="Add as a co-author").click)
    expect(nojs_page.locator("#authors + ul")).to_contain_text("Dev Sharma")

    # The colleague adds a paragraph.
    signed_in(page, colleague, live_server)
    visit(page, f"/blog/{post.pk}/edit/", live_server.url)
    body = page.get_by_label("The post")
    body.fill(body.input_value() + "\n\nThe council's figures agree.")
    after_navigation(page, page.get_by_role("button", name="Save the draft").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("changes have been saved")

    # The author sends it for review.
    visit(nojs_page, post.get_absolute_url(), live_server.url)
    expect(nojs_page.get_by_role("main")).to_contain_text("The council's figures agree.")
    after_navigation(nojs_page, nojs_page.get_by_role("button", name="Send for review").click)
    expect(nojs_page.get_by_role("main")).to_contain_text("Waiting for review")

    # The facilitator publishes it.
    signed_in(page, facilitator, live_server)
    visit(page, post.get_absolute_url(), live_server.url)
    after_navigation(page, page.get_by_role("button", name="Review the post").click)
    page.get_by_label("Publish it").check()
    after_navigation(page, page.get_by_role("button", name="Save the decision").click)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been published")

    # Anyone can read it from the programme's public page, without JavaScript.
    nojs_page.context.clear_cookies()
    visit(nojs_page, f"/programmes/{programme.slug}/", live_server.url)
    link = nojs_page.get_by_role("link", name="Why carers stop asking for help", exact=True)
    after_navigation(nojs_page, link.click)
    main = nojs_page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Why carers stop asking for help")
    expect(main).to_contain_text(re.compile(r"Amina Yusuf \(Riverside Carers\) and Dev Sharma"))
