"""Finding your way: each role's menu, every item reached and opened by keyboard, the current
section marked; the programme switcher by keyboard; a new partner's first steps from the
dashboard to "what happens next"; and an admin's changes in Django admin, each emailed to the
person. axe checks every page, Django admin's included."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from teams.models import Membership, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def people(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    riverside = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    hillside = Programme.objects.create(
        name="Hillside Community Insights", slug="hillside", place="Hillside"
    )

    def person(email, name, group, *roles, **extra):
        user = User.objects.create_user(email, PASSWORD, display_name=name, **extra)
        user.groups.add(site_groups[group])
        for programme, role in roles:
            Membership.objects.create(programme=programme, user=user, role=role)
        return user

    food_bank = OrganisationFactory(name="Riverside Food Bank")
    people = {
        "partner": person(
            "new.partner@foodbank.example",
            "Nia Partner",
            SiteGroup.VCS_PARTNER,
            organisation=food_bank,
        ),
        "facilitator": person(
            "fay@council.example",
            "Fay Facilitator",
            SiteGroup.FACILITATOR,
            (riverside, Role.FACILITATOR),
            (hillside, Role.DELIVERY_LEAD),
        ),
        "reviewer": person(
            "rio@council.example",
            "Rio Reviewer",
            SiteGroup.STAFF,
            (riverside, Role.INFORMATION_RIGHTS),
        ),
        "admin": person(
            "ada@insights.example",
            "Ada Admin",
            SiteGroup.ADMIN,
            is_staff=True,
            is_superuser=True,
        ),
    }
    for user in (people["facilitator"], people["reviewer"], people["admin"]):
        give_totp(user)
    return people


MENUS = {
    "visitor": ["Programmes", "Sign in", "Create an account"],
    "partner": ["Dashboard", "Programmes", "Your ideas", "Office hours", "Your account"],
    "facilitator": ["Dashboard", "Programme", "Team", "Office hours", "Selection", "Ideas",
                    "Datasets", "Agreements", "Your account"],
    "reviewer": ["Dashboard", "Programme", "Team", "Selection", "Ideas", "Datasets",
                 "Safety checks", "Agreements", "Your account"],
    "admin": ["Dashboard", "Programmes", "Programme", "Team", "Office hours", "Selection",
              "Ideas", "Datasets", "Agreements", "Administration", "Your account"],
}  # fmt: skip


def menu_labels(page) -> list[str]:
    return page.locator("#navigation a.govuk-service-navigation__link").all_inner_texts()


def tab_to(page, name: str, *, limit: int = 60) -> None:
    """Press Tab from where the focus is until the menu link `name` has it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.closest('#navigation') ? "
            "document.activeElement.innerText.trim() : null"
        )
        if focused == name:
            return
    pytest.fail(f"the menu item {name!r} never took the keyboard focus on {page.url}")


@pytest.mark.parametrize("who", MENUS)
def test_every_menu_item_opens_by_keyboard_and_marks_its_section(page, live_server, people, who):
    start = "/"
    if who != "visitor":
        signed_in(page, people[who], live_server)
        start = "/dashboard/"
    visit(page, start, live_server.url)
    assert menu_labels(page) == MENUS[who]
    for label in MENUS[who]:
        if label == "Administration":
            continue  # Django admin has its own header, without our menu
        visit(page, start, live_server.url)
        tab_to(page, label)
        after_navigation(page, lambda: page.keyboard.press("Enter"))
        current = page.locator("#navigation [aria-current]")
        expect(current).to_have_count(1)
        expect(current).to_have_text(label)


def test_a_page_below_a_menu_item_is_in_its_section(page, live_server, people):
    signed_in(page, people["facilitator"], live_server)
    visit(page, "/programmes/riverside/office-hours/publish/", live_server.url)
    current = page.locator("#navigation [aria-current]")
    expect(current).to_have_text("Office hours")
    expect(current).to_have_attribute("aria-current", "true")


def test_someone_on_two_programmes_switches_by_keyboard_without_javascript(
    nojs_page, live_server, people
):
    page = nojs_page
    signed_in(page, people["facilitator"], live_server)
    visit(page, "/programmes/riverside/ideas/", live_server.url)
    expect(page.locator(".govuk-service-navigation__service-name")).to_have_text(
        "Riverside Community Insights"
    )
    switcher = page.get_by_label("Switch to another programme")
    switcher.focus()
    page.keyboard.press("ArrowUp")  # Hillside comes first
    page.keyboard.press("Tab")
    after_navigation(page, lambda: page.keyboard.press("Enter"))
    assert path_of(page) == "/programmes/hillside/ideas/"
    expect(page.locator(".govuk-service-navigation__service-name")).to_have_text(
        "Hillside Community Insights"
    )
    # On Hillside they are a delivery lead: no office hours to run there.
    assert "Office hours" not in menu_labels(page)


def test_a_new_partner_is_shown_what_to_do_next_and_what_happens_after(page, live_server, people):
    signed_in(page, people["partner"], live_server)
    visit(page, "/dashboard/", live_server.url)
    expect(page.get_by_role("heading", name="What you can do next")).to_be_visible()
    expect(
        page.get_by_role("link", name="Book office hours with Riverside Community Insights")
    ).to_have_attribute("href", "/programmes/riverside/#office-hours")
    after_navigation(
        page,
        page.get_by_role("link", name="Suggest an idea to Riverside Community Insights").click,
    )
    page.get_by_label("Give your idea a short title").fill("Families who stop coming")
    page.get_by_label("What is the problem?").fill("Regular visitors stop coming.")
    page.get_by_label("What question would you like answered").fill("Who stops coming, and why?")
    after_navigation(page, page.get_by_role("button", name="Send your idea").click)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(main).to_contain_text("The programme's facilitator and core team")
    expect(main).to_contain_text(f"We will email you at {people['partner'].email}")
    expect(page.locator("#navigation [aria-current]")).to_have_text("Your ideas")


def test_an_admin_confirms_a_workplace_and_changes_a_role_and_each_person_is_told(
    page, live_server, people
):
    partner, reviewer = people["partner"], people["reviewer"]
    signed_in(page, people["admin"], live_server)
    mail.outbox.clear()

    # From the admin's dashboard to the people waiting for confirmation, in Django admin.
    visit(page, "/dashboard/", live_server.url)
    after_navigation(
        page, page.get_by_role("link", name=re.compile(r"^Confirm where 1 person")).click
    )
    assert path_of(page) == "/admin/teams/user/"
    page.get_by_role("checkbox", name=re.compile(partner.display_name)).check()
    page.get_by_label("Action:").select_option("confirm_organisation")
    after_navigation(page, page.get_by_role("button", name="Go").click)
    expect(page.locator(".messagelist")).to_contain_text("1 person confirmed and emailed.")
    (message,) = mail.outbox
    assert message.to == [partner.email]
    assert message.subject == "We have confirmed you work for Riverside Food Bank"

    # The reviewer becomes a facilitator: a site role, ticked on their page in admin.
    mail.outbox.clear()
    visit(page, f"/admin/teams/user/{reviewer.pk}/change/", live_server.url)
    page.get_by_role("checkbox", name="Facilitator").check()
    after_navigation(page, page.get_by_role("button", name="Save and continue editing").click)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert "Your roles now: Facilitator, Staff" in message.body

    # And on Riverside's team their role changes, on the membership's own page.
    mail.outbox.clear()
    membership = Membership.objects.get(user=reviewer)
    visit(page, f"/admin/teams/membership/{membership.pk}/change/", live_server.url)
    page.get_by_label("Role:").select_option(Role.DELIVERY_LEAD.value)
    after_navigation(page, page.get_by_role("button", name="Save", exact=True).click)
    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert "You are now a delivery lead on the Riverside Community Insights team" in (message.body)
