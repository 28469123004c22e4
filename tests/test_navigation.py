"""The menu at the top of every page (teams/navigation.py): each role's entries, the current
section, and the programme switcher."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from teams.models import Role
from teams.navigation import ENTRIES, Entry, build_menu
from tests.factories import MembershipFactory

# What each persona's menu holds on their dashboard, in order.
MENUS = {
    "anonymous": ["Programmes", "Sign in", "Create an account"],
    # Their organisation is confirmed, so they upload its data at Datasets.
    "vcs_partner": ["Dashboard", "Programmes", "Your ideas", "Office hours", "Datasets",
                    "Your account"],
    "staff": ["Dashboard", "Programmes", "Your ideas", "Office hours", "Datasets",
              "Your account"],
    "team_member": ["Dashboard", "Programme", "Team", "Selection", "Ideas", "Datasets",
                    "Agreements", "Your account"],
    "analyst": ["Dashboard", "Programme", "Team", "Selection", "Ideas", "Datasets",
                "Agreements", "Your account"],
    "reviewer": ["Dashboard", "Programme", "Team", "Selection", "Ideas", "Datasets",
                 "Safety checks", "Agreements", "Your account"],
    "facilitator": ["Dashboard", "Programme", "Team", "Office hours", "Selection", "Ideas",
                    "Datasets", "Agreements", "Your account"],
    "admin": ["Dashboard", "Programmes", "Programme", "Team", "Office hours", "Selection",
              "Ideas", "Datasets", "Agreements", "Administration", "Your account"],
}  # fmt: skip

NAV_LINK = re.compile(
    r'<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="(?:page|true)")?>'
    r"(?:<strong[^>]*>)?([^<]+)"
)


def menu_of(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, current) for each menu link on a page."""
    return [(label, href, bool(current)) for href, current, label in NAV_LINK.findall(html)]


@pytest.mark.parametrize("name", MENUS)
def test_each_role_gets_the_menu_of_what_it_does(name, persona, client_for) -> None:
    user = persona(name)
    page = "/" if user is None else reverse("dashboard")
    html = client_for(user).get(page).content.decode()
    assert [label for label, _, _ in menu_of(html)] == MENUS[name]
    assert ("Sign out" in html) is (user is not None)


@pytest.mark.parametrize("name", [n for n in MENUS if n != "anonymous"])
def test_every_menu_item_opens_for_the_person_it_is_offered_to(name, persona, client_for) -> None:
    client = client_for(persona(name))
    for label, href, _ in menu_of(client.get(reverse("dashboard")).content.decode()):
        response = client.get(href)
        assert response.status_code == 200, f"{name}: {label} ({href}) gave {response.status_code}"


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("/dashboard/", "Dashboard"),
        ("/programmes/riverside/team/", "Team"),
        # Pages below a menu item's address are in its section.
        ("/programmes/riverside/team/add/", "Team"),
        ("/programmes/riverside/office-hours/publish/", "Office hours"),
        ("/programmes/riverside/ideas/?status=idea", "Ideas"),
        ("/programmes/riverside/ideas/new/", "Ideas"),
        ("/programmes/riverside/news/", "Programme"),
        # And the pages each entry names as its own.
        ("/programmes/riverside/ways-of-working/", "Team"),
        ("/datasets/", "Datasets"),
        ("/account/profile/", "Your account"),
        ("/accounts/password/change/", "Your account"),
    ],
)
def test_the_current_section_is_marked(page, current, facilitator, client_for) -> None:
    html = client_for(facilitator).get(page, follow=True).content.decode()
    marked = [label for label, _, is_current in menu_of(html) if is_current]
    assert marked == [current]


def test_aria_current_is_page_on_the_items_own_address_and_true_below_it(
    facilitator, client_for
) -> None:
    client = client_for(facilitator)
    own = client.get("/programmes/riverside/team/").content.decode()
    below = client.get("/programmes/riverside/team/add/").content.decode()
    assert 'href="/programmes/riverside/team/" aria-current="page"' in own
    assert 'href="/programmes/riverside/team/" aria-current="true"' in below


def test_a_project_page_is_in_the_ideas_section_for_the_team_and_your_ideas_for_the_proposer(
    facilitator, vcs_partner, programme_a, client_for
) -> None:
    from projects.services import idea_submit  # noqa: PLC0415

    project = idea_submit(
        programme=programme_a,
        submitted_by=vcs_partner,
        proposer=vcs_partner,
        organisation=vcs_partner.organisation,
        title="Who misses out?",
        problem="Some never appear.",
    )
    for user, section in ((facilitator, "Ideas"), (vcs_partner, "Your ideas")):
        html = client_for(user).get(project.get_absolute_url()).content.decode()
        assert [label for label, _, current in menu_of(html) if current] == [section]


def test_no_switcher_for_one_programme(facilitator, client_for) -> None:
    html = client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert 'id="programme-switcher"' not in html
    assert "Riverside Community Insights</span>" in html  # the programme names the menu


@pytest.fixture
def two_programme_facilitator(facilitator, programme_b):
    MembershipFactory(programme=programme_b, user=facilitator, role=Role.DELIVERY_LEAD)
    return facilitator


def test_someone_on_two_programmes_switches_and_stays_in_the_same_section(
    two_programme_facilitator, client_for
) -> None:
    client = client_for(two_programme_facilitator)
    html = client.get("/programmes/riverside/ideas/").content.decode()
    assert 'id="programme-switcher"' in html
    assert '<input type="hidden" name="section" value="projects:idea_queue">' in html
    choice = {"programme": "hillside", "section": "projects:idea_queue"}
    response = client.get(reverse("teams:programme_choose"), choice)
    assert response.url == "/programmes/hillside/ideas/"
    # The choice holds on pages outside any programme's address.
    menu = menu_of(client.get(reverse("dashboard")).content.decode())
    assert ("Team", "/programmes/hillside/team/", False) in menu
    # Hillside's pages offer what the person does there: a delivery lead runs no office hours.
    assert "Office hours" not in [label for label, _, _ in menu]


def test_the_switcher_opens_only_the_persons_programmes(facilitator, programme_b, client_for):
    client = client_for(facilitator)
    response = client.get(reverse("teams:programme_choose"), {"programme": programme_b.slug})
    assert response.status_code == 404
    response = client.get(
        reverse("teams:programme_choose"), {"programme": "riverside", "section": "admin:index"}
    )
    assert response.url == "/programmes/riverside/team/"  # an unknown section: the team page


def test_a_new_entry_is_one_line(rf, facilitator, programme_a) -> None:
    """What the integrator adds for a new page: one Entry, asked with the programme."""
    request = rf.get("/programmes/riverside/ways-of-working/")
    request.user, request.session = facilitator, {}
    request.resolver_match = None
    extra = Entry("Ways of working", "teams:ways_of_working", "teams.change_team", programme=True)
    menu = build_menu(request, (*ENTRIES, extra))
    assert [(i.label, i.url, i.current) for i in menu.items][-1] == (
        "Ways of working",
        "/programmes/riverside/ways-of-working/",
        True,
    )


def test_the_menu_costs_the_same_queries_on_one_programme_or_many(
    facilitator, client_for, django_assert_num_queries
) -> None:
    from teams.navigation import service_navigation  # noqa: PLC0415
    from tests.factories import ProgrammeFactory  # noqa: PLC0415

    def count_for_menu() -> int:
        request = client_for(facilitator).get(reverse("teams:profile")).wsgi_request
        request.user = type(facilitator).objects.get(pk=facilitator.pk)  # nothing cached
        from django.db import connection  # noqa: PLC0415
        from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

        with CaptureQueriesContext(connection) as queries:
            list(service_navigation(request)["menu"].items)
        return len(queries)

    one = count_for_menu()
    assert one <= 3  # their roles, their groups and their programmes
    for n in range(4):
        MembershipFactory(
            programme=ProgrammeFactory(slug=f"extra-{n}"), user=facilitator, role=Role.FACILITATOR
        )
    assert count_for_menu() == one
