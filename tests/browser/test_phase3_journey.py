"""From a selected project to a published insight, in the browser: the facilitator starts
exploring; the analyst records similar work, a research session (the personal-data warning, then
the replaced text), a solution idea with a sketch and its skills; a partner books a place at the
testing workshop; the team records feedback and the final checks, uploads boundaries, writes the
insight with a table, a chart and a map, and marks it ready; the facilitator marks the project
ready and publishes it. The public page and its downloads are then read with JavaScript off.
axe-core checks every page, charts and maps included.

The steps just before "Mark ready to publish" and "Publish" are in `before_ready` and
`before_publish`, where steps such as approving a data safety check belong.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.demo_solutions import synthetic_wards
from projects.models import Insight, ProjectMember, Status
from safety.demo import approved_check
from safety.models import Stage
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, signed_in, visit
from tests.factories import give_totp
from tests.phase3_helpers import TINY_PNG
from tests.selection_helpers import selected

pytestmark = pytest.mark.browser

TABLE = "area,measure,value\n" + "".join(
    f"{f['properties']['WDNM']},Stopped visiting,{6 if n == 3 else 20 + 3 * n}\n"
    f"{f['properties']['WDNM']},Still visiting,{50 + 5 * n}\n"
    for n, f in enumerate(synthetic_wards()["features"])
)


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
    give_totp(analyst)  # analysts may take data, so they use a second factor
    partner = person("vic@carers.example", "Vic Partner", SiteGroup.VCS_PARTNER, None, carers)
    project = selected(programme)
    ProjectMember.objects.create(
        project=project,
        user=analyst,
        name="Ari Analyst",
        email=analyst.email,
        role="Data analyst",
        expectations="Two days a week",
    )
    return programme, project, facilitator, analyst, partner


def click(page, role: str, name: str) -> None:
    after_navigation(page, page.get_by_role(role, name=name, exact=True).first.click)


def move(page, live_server, project, label: str) -> None:
    visit(page, f"/projects/{project.pk}/", live_server.url)
    click(page, "button", label)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now")


def before_ready(page, live_server, project, user) -> None:
    """The solution and pre-publication safety checks, signed off (recorded here: signing off in
    the browser is tests/browser/test_safety_check_journey.py). The pre-publication check's page
    shows the reviewer what the insight hides, and why."""
    approved_check(project.idea, Stage.SOLUTION, author=user)
    check = approved_check(project.idea, Stage.PRE_PUBLICATION, author=user)
    visit(page, f"/safety-checks/{check.pk}/", live_server.url)
    expect(page.get_by_role("main")).to_contain_text("fewer than 10")
    expect(page.get_by_role("main")).to_contain_text("Hidden because of a count below 10")


def before_publish(page, live_server, project, user) -> None:
    """What must be true before "Publish" beyond being ready: nothing more."""


def test_a_selected_project_becomes_a_published_insight(
    page, nojs_page, live_server, setting, tmp_path
) -> None:
    programme, project, facilitator, analyst, partner = setting
    hub = f"/projects/{project.pk}/solutions/"

    signed_in(page, facilitator, live_server)
    move(page, live_server, project, "Start exploring solutions")

    # Exploring, as the analyst on the project team.
    signed_in(page, analyst, live_server)
    visit(page, hub, live_server.url)
    click(page, "link", "Look at similar work elsewhere")
    page.get_by_label("What is it?").fill("A neighbouring borough's ward map")
    page.get_by_label("What we can learn from it").fill("They paired the map with quotes.")
    click(page, "button", "Add it")
    expect(page.get_by_role("main")).to_contain_text("A neighbouring borough's ward map")

    visit(page, f"/projects/{project.pk}/research/new/", live_server.url)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Who was reached").fill("Six food bank volunteers")
    page.get_by_label("Quotes (optional)").fill("Call Sam on 07700 900123, she knows everyone.")
    click(page, "button", "Save the session")
    expect(page.get_by_role("main")).to_contain_text("a phone number")
    page.get_by_label("Replace it as shown").check()
    click(page, "button", "Save the session")
    expect(page.get_by_role("main")).to_contain_text("Six food bank volunteers")

    visit(page, f"/projects/{project.pk}/solution-ideas/new/", live_server.url)
    page.get_by_label("Name the solution").fill("A ward map of households who stopped visiting")
    page.get_by_label("Map", exact=True).check()
    page.get_by_label("Who it is for").fill("Outreach workers")
    page.get_by_label("What would they need to see on a screen to act?").fill(
        "Wards to visit first"
    )
    page.get_by_label("It shows a map of where people or needs are").check()
    sketch = tmp_path / "sketch.png"
    sketch.write_bytes(TINY_PNG)
    page.get_by_label("A sketch (optional)").set_input_files(str(sketch))
    page.get_by_label("Describe the sketch (needed with a sketch)").fill("Three shaded wards")
    click(page, "button", "Save the solution idea")
    expect(page.get_by_role("img", name="Three shaded wards")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Gap")
    click(page, "link", "Say who brings each skill")
    page.get_by_label(re.compile("Data engineer")).select_option(label="Ari Analyst, Data analyst")
    click(page, "button", "Save who brings each skill")

    # Testing: the facilitator schedules a workshop and invites the partner, who books.
    signed_in(page, facilitator, live_server)
    move(page, live_server, project, "Start testing")
    visit(page, f"/projects/{project.pk}/workshops/new/", live_server.url)
    day = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("Address or room (optional)").fill("Riverside Library")
    click(page, "button", "Add the workshop")
    page.get_by_label("Who do you want to invite?").fill(partner.email)
    click(page, "button", "Invite them")
    expect(page.get_by_role("main")).to_contain_text("1 person has been invited")
    workshop_page = page.url

    signed_in(nojs_page, partner, live_server)
    visit(nojs_page, workshop_page + "book/")
    nojs_page.get_by_label("Do you have any access needs? (optional)").fill("Step-free access")
    click(nojs_page, "button", "Book a place")
    expect(nojs_page.get_by_role("main")).to_contain_text("You have a place")

    signed_in(page, analyst, live_server)
    visit(page, f"/projects/{project.pk}/feedback/new/", live_server.url)
    page.get_by_label("Accessibility").check()
    page.get_by_label("What was said").fill("The map colours were hard to tell apart.")
    page.get_by_label("Acted on").check()
    page.get_by_label(re.compile("What we did")).fill("One colour from light to dark.")
    click(page, "button", "Save the feedback")
    visit(page, f"/projects/{project.pk}/final-checks/", live_server.url)
    for label in (
        "It behaves as expected: done",
        "Final check for personal data: done",
        "Security check: done",
    ):
        page.get_by_label(label).check()
    click(page, "button", "Save the final checks")

    # The insight: boundaries, words, a table, a chart and a map.
    visit(page, f"/projects/{project.pk}/boundaries/", live_server.url)
    wards = tmp_path / "wards.geojson"
    wards.write_text(json.dumps(synthetic_wards()))
    page.get_by_label("Name", exact=True).fill("Riverside wards")
    page.get_by_label("Source and licence").fill("Made up for the test")
    page.get_by_label("GeoJSON file").set_input_files(str(wards))
    click(page, "button", "Upload the boundaries")
    expect(page.get_by_role("main")).to_contain_text("12 areas")

    visit(page, f"/projects/{project.pk}/insights/new/", live_server.url)
    page.get_by_label("Title").fill("Households stop visiting while still in need")
    page.get_by_label("The question it answers").fill("Who stops visiting the food bank?")
    page.get_by_label("Summary").fill("A third stop within six months.")
    page.get_by_label("What we found").fill(
        "Around **one in three** stop.\n\n## Why\n\n- Bus routes"
    )
    page.get_by_label("Caveats and limits").fill("Paper records.")
    page.get_by_label("Who may use it, and for what").fill("Anyone, to plan outreach.")
    page.get_by_label("How we made it").fill("We counted households.")
    click(page, "button", "Save the insight")
    click(page, "link", "Upload a table of figures (CSV)")
    table = tmp_path / "table.csv"
    table.write_text(TABLE)
    page.get_by_label("Title of the table").fill("Households by ward")
    page.get_by_label("What are the rows?").fill("Ward")
    page.get_by_label("The table as a CSV file").set_input_files(str(table))
    click(page, "button", "Upload the table")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "hidden to protect small numbers"
    )
    click(page, "link", "Add a chart")
    page.get_by_label("Stacked bar chart").check()
    page.get_by_label("Title").fill("Households by ward")
    page.get_by_label("Describe what it shows").fill("More households kept visiting in every ward.")
    click(page, "button", "Add the chart")
    click(page, "link", "Add a map")
    page.get_by_label("Which figures?").select_option(label="Households by ward: Stopped visiting")
    page.get_by_label("Title").fill("Households that stopped, by ward")
    page.get_by_label("Describe what it shows").fill("Most live in the south of the area.")
    click(page, "button", "Add the map")
    expect(
        page.get_by_role("img", name=re.compile("Households that stopped, by ward"))
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("What small-number protection hid")
    click(page, "button", "Mark it ready to publish")

    # Ready, then published, by the facilitator.
    signed_in(page, facilitator, live_server)
    before_ready(page, live_server, project, facilitator)
    move(page, live_server, project, "Mark ready to publish")
    before_publish(page, live_server, project, facilitator)
    move(page, live_server, project, "Publish")
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED

    # The public reads it without JavaScript: the page, the programme's list, the downloads.
    insight = Insight.objects.published().get()
    nojs_page.context.clear_cookies()
    visit(nojs_page, f"/programmes/{programme.slug}/", live_server.url)
    click(nojs_page, "link", insight.title)
    main = nojs_page.get_by_role("main")
    expect(main).to_contain_text("fewer than 10")
    expect(nojs_page.get_by_role("img", name=re.compile("Households by ward"))).to_be_visible()
    expect(main).to_contain_text("Open Government Licence v3.0")
    download = nojs_page.get_by_role("link", name=re.compile("CSV of"))
    rows = list(
        csv.DictReader(io.StringIO(nojs_page.request.get(download.get_attribute("href")).text()))
    )
    assert {r["note"] for r in rows if r["value"] == ""} == {"fewer than 10", "not published"}
    data = nojs_page.request.get(
        nojs_page.get_by_role("link", name=re.compile("JSON of")).get_attribute("href")
    ).json()
    assert data["licence"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    pdf = nojs_page.request.get(live_server.url + insight.get_public_url() + "insight.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
