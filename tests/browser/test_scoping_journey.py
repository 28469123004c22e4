"""The facilitator scopes an idea from start to finish: schedules a session, invites people by
role until no needed role is missing, records the preparation, the prompts and the refined
question, builds the data inventory (a suggested public data set and a VCS-owned source), adds
the suggested skills and names who fills one, writes and shares the evaluation summary, and
opens the printable record. Every page is checked with axe."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from scoping.models import DataSource, EvaluationSummary, Idea, ScopingSession, SkillNeed
from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests.browser.conftest import PASSWORD, after_navigation, path_of, signed_in, visit
from tests.factories import OrganisationFactory, give_totp
from tests.scoping_helpers import calendar_of

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(site_groups, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    council = OrganisationFactory(name="Riverside Council", kind=Organisation.Kind.COUNCIL)
    food_bank = OrganisationFactory(name="Northgate Food Bank", kind=Organisation.Kind.VCS)

    def person(email, name, org, group, role=None):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, organisation=org, organisation_confirmed=True
        )
        user.groups.add(site_groups[group])
        if role:
            Membership.objects.create(programme=programme, user=user, role=role)
        return user

    facilitator = person(
        "fay@council.example", "Fay", council, SiteGroup.FACILITATOR, Role.FACILITATOR
    )
    give_totp(facilitator)
    person("ana@council.example", "Ana", council, SiteGroup.STAFF, Role.DATA_ANALYST)
    person("sam@council.example", "Sam", council, SiteGroup.STAFF, Role.COMMUNITIES_REPRESENTATIVE)
    ola = person("ola@food.example", "Ola", food_bank, SiteGroup.VCS_PARTNER)
    idea = Idea.objects.create(
        programme=programme,
        title="Who stops coming to the food bank?",
        question="Why do regular visitors stop coming?",
        proposer=ola,
        proposing_organisation=food_bank,
    )
    return idea, facilitator


def _click(page, role: str, name: str) -> None:
    after_navigation(page, page.get_by_role(role, name=name, exact=True).click)


def test_facilitator_scopes_an_idea(page, live_server, setting):
    idea, facilitator = setting
    warning = page.locator("#missing-roles")
    banner = page.locator(".govuk-notification-banner")
    signed_in(page, facilitator, live_server)

    # Schedule the session.
    visit(page, f"/ideas/{idea.pk}/scoping/", live_server.url)
    _click(page, "button", "Schedule a scoping session")
    day = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("Place or online link").fill("Riverside Library, Room 2")
    _click(page, "button", "Schedule the session")
    session = ScopingSession.objects.get()
    assert path_of(page) == f"/scoping-sessions/{session.pk}/"
    expect(warning).to_contain_text("facilitator; VCS colleague who proposed the idea")

    # Invite people by role; the warning shrinks and goes.
    _click(page, "link", "Invite someone as facilitator")
    page.get_by_label("Who?").select_option(label="Fay")
    _click(page, "button", "Invite")
    expect(banner).to_contain_text("Fay is invited as facilitator")
    expect(warning).not_to_contain_text("facilitator;")

    _click(page, "link", "Invite someone as VCS colleague who proposed the idea")
    expect(page.get_by_label("Who?")).to_have_value(str(idea.proposer_id))
    _click(page, "button", "Invite")

    _click(page, "link", "Invite someone as data scientist or data engineer")
    page.get_by_label("Who?").select_option(label="Ana")
    _click(page, "button", "Invite")
    expect(warning).to_contain_text("subject-matter expert from service delivery")

    _click(page, "link", "Invite someone as subject-matter expert from service delivery")
    page.get_by_label("If they are not listed, what is their email address?").fill(
        "sam@council.example"
    )
    _click(page, "button", "Invite")
    expect(warning).to_have_count(0)
    assert session.invitations.count() == 4
    assert len(mail.outbox) == 4
    assert all(m.attachments or m.message().is_multipart() for m in mail.outbox)

    # The session moves to the afternoon: each invitee gets an updated calendar entry.
    mail.outbox.clear()
    _click(page, "link", "Change the time or place")
    expect(page.get_by_label("Start time")).to_have_value("10am")
    page.get_by_label("Start time").fill("2pm")
    _click(page, "button", "Save the changes")
    expect(banner).to_contain_text("Scoping session changed")
    assert len(mail.outbox) == 4
    assert all(calendar_of(m)["SEQUENCE"] == "1" for m in mail.outbox)

    # Preparation, then agenda item 1 and the refined question.
    _click(page, "link", "Write the preparation notes")
    page.get_by_label("Existing work in this area").fill("A neighbouring borough's survey")
    _click(page, "button", "Save the preparation notes")
    _click(page, "link", "Agenda item 1: the problem as a question")
    page.get_by_label("What decisions would the answer inform?").fill("Where outreach goes")
    page.get_by_label("Hunches and hypotheses").fill("School holidays end")
    page.get_by_label("The biggest pain point").fill("Not knowing who is in crisis")
    page.get_by_label("The refined question").fill(
        "Which households stop visiting while still in crisis?"
    )
    _click(page, "button", "Save the answers")
    expect(banner).to_contain_text("refined question saved")
    idea.refresh_from_db()
    assert idea.refined_question == "Which households stop visiting while still in crisis?"

    # Agenda item 2: a suggested public data set, then a source the food bank holds.
    _click(page, "link", "Agenda item 2: the data inventory")
    _click(page, "link", "Add London Datastore")
    expect(page.get_by_label("Name of the data source")).to_have_value("London Datastore")
    _click(page, "button", "Save the data source")
    expect(banner).to_contain_text("London Datastore added")
    _click(page, "button", "Add a data source")
    page.get_by_label("Name of the data source").fill("Food bank visits export")
    page.get_by_label("Informal tools, such as spreadsheets or messaging groups").check()
    page.get_by_label("Which organisation holds it? (optional)").select_option(
        label="Northgate Food Bank"
    )
    page.get_by_role("radio", name="Yes").check()
    _click(page, "button", "Save the data source")
    sources = {s.name: s for s in DataSource.objects.select_related("owner")}
    assert sources["London Datastore"].kind == DataSource.Kind.OPEN_DATA
    assert sources["Food bank visits export"].owner.name == "Northgate Food Bank"
    expect(page.get_by_role("main")).to_contain_text(
        "Only people confirmed to work at Northgate Food Bank can upload files for it"
    )

    # People and skills: the suggestions, then who fills one.
    _click(page, "link", "Next: the people and skills these sources need")
    _click(page, "button", "Add the suggested skills")
    assert SkillNeed.objects.filter(suggested=True).count() >= 4
    expect(page.locator("#unfilled-skills")).to_be_visible()
    _click(page, "link", "Change Someone who knows the data in depth")
    page.get_by_label("Who on the core team fills it? (optional)").select_option(label="Ana")
    _click(page, "button", "Save the skill")
    assert SkillNeed.objects.get(skill="knows_the_data").filled_by.display_name == "Ana"

    # The evaluation summary, written and shared.
    _click(page, "link", "Next: the evaluation summary")
    _click(page, "button", "Write the summary")
    expect(page.get_by_label("Work already being done in this area")).to_have_value(
        "A neighbouring borough's survey"
    )
    expect(page.get_by_label("Extra people and skills needed")).to_contain_text("filled by Ana")
    page.get_by_label("Data safety considerations").fill("Names and phone numbers in the export")
    _click(page, "button", "Save the summary")
    mail.outbox.clear()
    _click(page, "button", "Share with the core team")
    _click(page, "button", "Share with the core team")
    expect(banner).to_contain_text("Evaluation summary shared")
    assert EvaluationSummary.objects.get().shared_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@council.example",
        "fay@council.example",
        "sam@council.example",
    ]

    # The printable record.
    visit(page, f"/scoping-sessions/{session.pk}/", live_server.url)
    _click(page, "link", "The printable session record")
    record = page.locator("main")
    expect(record).to_contain_text("Which households stop visiting while still in crisis?")
    expect(record).to_contain_text("School holidays end")
    expect(record).to_contain_text("Food bank visits export")
    expect(record).to_contain_text("Ola, Northgate Food Bank")
