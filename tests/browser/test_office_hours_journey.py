"""A VCS partner finds office hours on a programme's page, creates an account, books, gets the
email and cancels, all without JavaScript; the facilitator sees the booking come and go."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Programme,
    Role,
    SiteGroup,
    User,
)
from tests.browser.conftest import (
    PASSWORD,
    after_navigation,
    confirmation_link,
    path_of,
    signed_in,
    visit,
)
from tests.factories import OrganisationFactory, give_totp

pytestmark = pytest.mark.browser

EMAIL = "amina@riverside-carers.example"


@pytest.fixture
def setting(site_groups, settings, live_server):
    """A programme with one upcoming one-to-one slot, its facilitator and a VCS partner."""
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )
    facilitator = User.objects.create_user("fac@council.example", PASSWORD, display_name="Fay")
    facilitator.groups.add(site_groups[SiteGroup.FACILITATOR])
    Membership.objects.create(programme=programme, user=facilitator, role=Role.FACILITATOR)
    give_totp(facilitator)
    OrganisationFactory(name="Riverside Carers")
    return programme, facilitator


def test_vcs_partner_books_and_cancels_office_hours(nojs_page, page, live_server, setting):
    programme, facilitator = setting
    partner_page = nojs_page

    # The facilitator publishes a one-to-one session a week from now.
    signed_in(page, facilitator, live_server)
    visit(page, f"/programmes/{programme.slug}/office-hours/", live_server.url)
    after_navigation(page, page.get_by_role("button", name="Publish office hours").click)
    day = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10:30am")
    page.get_by_label("Online meeting link (optional)").fill("https://meet.example.org/riverside")
    after_navigation(page, page.get_by_role("button", name="Publish office hours").click)
    assert path_of(page) == f"/programmes/{programme.slug}/office-hours/"
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 office-hours session")
    slot = OfficeHourSlot.objects.get()
    assert slot.when.endswith("10:30am to 11am")

    visit(partner_page, f"/programmes/{programme.slug}/", live_server.url)
    expect(partner_page.get_by_role("main")).to_contain_text(slot.when)
    book = partner_page.get_by_role("button", name=re.compile(r"^Book office hours on"))
    after_navigation(partner_page, book.click)
    assert path_of(partner_page) == "/accounts/login/"

    # They have no account yet: create one, confirm the email, then come back to book.
    after_navigation(
        partner_page, partner_page.get_by_role("link", name="Create an account").first.click
    )
    partner_page.get_by_role("textbox", name=re.compile(r"email", re.I)).fill(EMAIL)
    partner_page.get_by_label("Your name").fill("Amina Yusuf")
    partner_page.get_by_role("combobox").select_option(label="Riverside Carers")
    passwords = partner_page.locator("input[type=password]")
    passwords.nth(0).fill(PASSWORD)
    passwords.nth(1).fill(PASSWORD)
    after_navigation(partner_page, partner_page.get_by_role("button", name="Create account").click)
    visit(partner_page, confirmation_link())
    after_navigation(
        partner_page, partner_page.get_by_role("button", name=re.compile(r"confirm", re.I)).click
    )
    assert path_of(partner_page) == "/dashboard/"
    mail.outbox.clear()

    visit(partner_page, f"/programmes/{programme.slug}/", live_server.url)
    after_navigation(partner_page, book.click)
    book_path = f"/programmes/{programme.slug}/office-hours/{slot.pk}/book/"
    assert path_of(partner_page) == book_path
    expect(partner_page.get_by_role("main")).to_contain_text("Riverside Carers")

    # Forgetting the topic is explained, with a link to the question.
    submit = partner_page.get_by_role("button", name="Book this session")
    after_navigation(partner_page, submit.click)
    expect(partner_page).to_have_title(re.compile(r"^Error: "))
    summary = partner_page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Enter what you would like to talk about")
    ).to_be_visible()

    partner_page.get_by_label("What would you like to talk about?").fill(
        "Carers who cannot get respite"
    )
    partner_page.get_by_label(re.compile(r"access needs")).fill("Captions, please")
    after_navigation(
        partner_page, partner_page.get_by_role("button", name="Book this session").click
    )
    booking = OfficeHourBooking.objects.get()
    assert path_of(partner_page) == booking.get_absolute_url()
    expect(partner_page.locator(".govuk-notification-banner")).to_contain_text("Your place is")

    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL]
    assert confirmation.subject == f"Office hours booked: {slot.when}"
    assert any(part.get_content_type() == "text/calendar" for part in confirmation.message().walk())
    manage_url = re.search(r"https?://\S+/office-hours/bookings/\d+/", confirmation.body).group(0)

    # The facilitator sees who booked, what about, and their access needs.
    after_navigation(page, page.reload)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Amina Yusuf")
    expect(main).to_contain_text("Carers who cannot get respite")
    expect(main).to_contain_text("Captions, please")
    expect(main).to_contain_text("1 of 1 booked")

    # Back in the partner's tab: the email's link, then cancel.
    visit(partner_page, manage_url)
    after_navigation(
        partner_page,
        partner_page.get_by_role("button", name=re.compile(r"^Cancel my booking")).click,
    )
    expect(partner_page.get_by_role("heading", level=1)).to_contain_text("Cancel your booking")
    after_navigation(
        partner_page, partner_page.get_by_role("button", name="Cancel my booking").click
    )
    assert path_of(partner_page) == "/office-hours/bookings/"
    expect(partner_page.get_by_role("main")).to_contain_text("You have no office hours booked")
    assert mail.outbox[-1].subject.startswith("Office hours cancelled")

    after_navigation(page, page.reload)
    expect(page.get_by_role("main")).to_contain_text("Nobody has booked yet")
