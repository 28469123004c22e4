"""Office hours: publishing slots, booking, waiting lists, moving and cancelling, the emails and
calendar invitations they send, reminders, attendance, and the pages for each role."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from datetime import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cip.public_cache import SITE, invalidate
from teams import services, tasks
from teams.models import OfficeHourBooking, OfficeHourSlot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")


def make_slot(programme, *, starts_in=timedelta(days=3), length=30, **fields) -> OfficeHourSlot:
    """A slot starting `starts_in` from now (fields override the defaults)."""
    starts_at = fields.pop("starts_at", None) or timezone.now() + starts_in
    fields = {
        "capacity": 1,
        "online_link": "https://meet.example.org/riverside",
        "min_notice_hours": 24,
        "buffer_minutes": 0,
        **fields,
    }
    return OfficeHourSlot.objects.create(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=length),
        **fields,
    )


def book(slot, user, topic="Food bank referrals by ward", **extra) -> OfficeHourBooking:
    return services.office_hour_book(
        slot=slot, user=user, topic=topic, access_needs=extra.pop("access_needs", ""), **extra
    )


def calendar_part(message) -> tuple[str, dict[str, str]] | None:
    """An email's text/calendar attachment: its METHOD parameter and unfolded properties."""
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            text = part.get_payload(decode=True).decode()
            assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
            properties: dict[str, str] = {}
            for line in re.sub(r"\r\n[ \t]", "", text).split("\r\n"):
                if line:
                    name, _, value = line.partition(":")
                    properties.setdefault(name.split(";")[0], value)
            return part.get_param("method"), properties
    return None


@pytest.fixture
def emails(django_capture_on_commit_callbacks):
    """Run after-commit work (queued emails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- publishing slots ------------------------------------------------------------------------


def _publish(programme, user, **overrides):
    fields = {
        "first_day": date(2030, 6, 4),
        "start_time": time(10),
        "length_minutes": 60,
        "weeks": 1,
        "capacity": 1,
        "online_link": "https://meet.example.org/x",
        "place": "",
        "min_notice_hours": 24,
        "buffer_minutes": 15,
        "waitlist": False,
    }
    return services.office_hour_slots_publish(
        programme=programme, created_by=user, **(fields | overrides)
    )


@pytest.mark.parametrize(
    ("first_day", "utc_hours"),
    [
        # Clocks go forward on Sunday 28 March 2027: 10am GMT is 10:00Z, 10am BST is 09:00Z.
        (date(2027, 3, 16), [10, 10, 9, 9]),
        # Clocks go back on Sunday 31 October 2027.
        (date(2027, 10, 19), [9, 9, 10, 10]),
    ],
)
def test_weekly_slots_keep_the_same_uk_time_across_the_clock_change(
    programme_a, facilitator, first_day, utc_hours
):
    slots = _publish(programme_a, facilitator, first_day=first_day, weeks=4)

    assert [s.starts_at.astimezone(UTC).hour for s in slots] == utc_hours
    assert {s.starts_at.astimezone(LONDON).time() for s in slots} == {time(10)}
    assert all(s.when.endswith("10am to 11am") for s in slots)
    assert len({s.series for s in slots}) == 1 and slots[0].series is not None


def test_a_time_the_clocks_skip_is_refused(programme_a, facilitator):
    with pytest.raises(ValidationError, match="clocks go forward"):
        _publish(programme_a, facilitator, first_day=date(2027, 3, 28), start_time=time(1, 30))


def test_overlapping_slots_are_refused_including_the_break(programme_a, facilitator):
    _publish(programme_a, facilitator)  # 10am to 11am, 15-minute break
    with pytest.raises(ValidationError, match="Leave at least 15 minutes"):
        _publish(programme_a, facilitator, start_time=time(11, 10), buffer_minutes=0)
    _publish(programme_a, facilitator, start_time=time(11, 15), buffer_minutes=0)
    assert programme_a.office_hours.count() == 2


def test_a_series_with_one_clash_publishes_nothing(programme_a, facilitator):
    _publish(programme_a, facilitator, first_day=date(2030, 6, 18))
    with pytest.raises(ValidationError):
        _publish(programme_a, facilitator, weeks=4)  # the third week clashes
    assert programme_a.office_hours.count() == 1


def test_slots_of_another_programme_do_not_clash(programme_a, programme_b, facilitator):
    _publish(programme_a, facilitator)
    _publish(programme_b, facilitator)
    assert OfficeHourSlot.objects.count() == 2


# --- booking, waiting lists, moving and cancelling -------------------------------------------


def test_a_full_slot_refuses_another_booking(programme_a, vcs_partner, team_member):
    slot = make_slot(programme_a)
    book(slot, vcs_partner)
    with pytest.raises(ValidationError, match="full"):
        book(slot, team_member)
    roomy = make_slot(programme_a, starts_in=timedelta(days=5), capacity=2)
    book(roomy, vcs_partner)
    with pytest.raises(ValidationError, match="already booked"):
        book(roomy, vcs_partner)


def test_booking_closes_at_the_minimum_notice(programme_a, vcs_partner):
    slot = make_slot(programme_a, starts_in=timedelta(hours=20), min_notice_hours=24)
    with pytest.raises(ValidationError, match="Booking has closed"):
        book(slot, vcs_partner)


def test_a_freed_place_goes_to_the_first_in_line_with_an_email(
    programme_a, vcs_partner, team_member, staff, emails
):
    slot = make_slot(programme_a, waitlist=True)
    with emails():
        first = book(slot, vcs_partner)
        second = book(slot, team_member)
        third = book(slot, staff)
    assert (second.status, third.status) == ("waitlisted", "waitlisted")
    assert "waiting list" in mail.outbox[1].subject
    assert calendar_part(mail.outbox[1]) is None  # nothing to put in a calendar yet
    mail.outbox.clear()

    with emails():
        services.office_hour_booking_cancel(booking=first)

    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("confirmed", "waitlisted")
    assert sorted(m.to[0] for m in mail.outbox) == [team_member.email, vcs_partner.email]
    (promoted,) = [m for m in mail.outbox if m.to == [team_member.email]]
    assert promoted.subject.startswith("A place came free")
    assert calendar_part(promoted)[0] == "REQUEST"


def test_moving_keeps_the_calendar_uid_and_frees_the_old_place(
    programme_a, vcs_partner, team_member, emails
):
    old = make_slot(programme_a, waitlist=True)
    new = make_slot(programme_a, starts_in=timedelta(days=4))
    with emails():
        booking = book(old, vcs_partner)
        waiting = book(old, team_member)
    mail.outbox.clear()

    with emails():
        services.office_hour_booking_move(booking=booking, to_slot=new)

    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert (booking.slot, booking.sequence, waiting.status) == (new, 1, "confirmed")
    moved = next(m for m in mail.outbox if m.to == [vcs_partner.email])
    method, ics = calendar_part(moved)
    assert (method, ics["UID"], ics["SEQUENCE"]) == ("REQUEST", f"{booking.uid}@127.0.0.1", "1")
    assert ics["DTSTART"] == new.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_moving_to_a_full_slot_or_another_programme_is_refused(
    programme_a, programme_b, vcs_partner, team_member
):
    booking = book(make_slot(programme_a), vcs_partner)
    full = make_slot(programme_a, starts_in=timedelta(days=4))
    book(full, team_member)
    with pytest.raises(ValidationError, match="full"):
        services.office_hour_booking_move(booking=booking, to_slot=full)
    with pytest.raises(ValidationError, match="same programme"):
        services.office_hour_booking_move(booking=booking, to_slot=make_slot(programme_b))


def test_cancelling_a_slot_emails_everyone_with_the_message(
    programme_a, vcs_partner, team_member, emails
):
    slot = make_slot(programme_a, waitlist=True)
    with emails():
        booked = book(slot, vcs_partner)
        book(slot, team_member)
    mail.outbox.clear()

    with emails():
        count = services.office_hour_slot_cancel(slot=slot, message="I am unwell, sorry.")

    assert count == 2
    assert OfficeHourBooking.objects.filter(status="cancelled").count() == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {vcs_partner.email, team_member.email}
    assert all("I am unwell, sorry." in m.body for m in mail.outbox)
    method, ics = calendar_part(by_person[vcs_partner.email])
    assert (method, ics["METHOD"], ics["STATUS"]) == ("CANCEL", "CANCEL", "CANCELLED")
    assert ics["UID"] == f"{booked.uid}@127.0.0.1"
    assert calendar_part(by_person[team_member.email]) is None  # was only waiting
    assert services.office_hour_slot_cancel(slot=slot, message="again") == 0


def test_an_email_task_run_twice_sends_once(programme_a, vcs_partner, emails):
    with emails():
        booking = book(make_slot(programme_a), vcs_partner)
    assert len(mail.outbox) == 1
    assert tasks.email_office_hour_booking.apply(args=[booking.pk, "booked", 0]).get() is False
    assert len(mail.outbox) == 1


def test_a_superseded_change_sends_only_the_newest_email(programme_a, vcs_partner, emails):
    with emails():  # both commit before the first email goes
        booking = book(make_slot(programme_a), vcs_partner)
        services.office_hour_booking_cancel(booking=booking)
    (message,) = mail.outbox
    assert message.subject.startswith("Office hours cancelled")


# --- the emails and the calendar invitation ------------------------------------------------------


def test_confirmation_email_has_the_local_time_a_link_and_an_invitation(
    programme_a, vcs_partner, emails, settings
):
    settings.SITE_URL = "https://insights.example"
    # 9:30 UTC in June is 10:30am in the UK.
    slot = make_slot(
        programme_a,
        starts_at=dt(2030, 6, 4, 9, 30, tzinfo=UTC),
        length=45,
        place="Riverside Library, Room 2; ground floor",
    )
    with emails():
        booking = book(slot, vcs_partner, access_needs="Step-free access")

    (message,) = mail.outbox
    assert message.to == [vcs_partner.email]
    assert message.subject == "Office hours booked: Tuesday 4 June 2030, 10:30am to 11:15am"
    manage_url = f"https://insights.example/office-hours/bookings/{booking.pk}/"
    assert manage_url in message.body
    assert "Step-free access" in message.body
    assert "Riverside Library, Room 2; ground floor" in message.body

    method, ics = calendar_part(message)
    assert method == "REQUEST"
    assert ics["METHOD"] == "REQUEST"
    assert ics["UID"] == f"{booking.uid}@insights.example"
    assert (ics["DTSTART"], ics["DTEND"]) == ("20300604T093000Z", "20300604T101500Z")
    assert ics["SEQUENCE"] == "0"
    assert ics["LOCATION"] == "Riverside Library\\, Room 2\\; ground floor"
    assert ics["URL"] == manage_url
    assert ics["ATTENDEE"] == f"mailto:{vcs_partner.email}"


def test_winter_times_are_gmt_in_emails(programme_a, vcs_partner, emails):
    slot = make_slot(programme_a, starts_at=dt(2030, 12, 3, 14, 0, tzinfo=UTC))
    with emails():
        book(slot, vcs_partner)
    assert "Tuesday 3 December 2030, 2pm to 2:30pm" in mail.outbox[0].body
    assert calendar_part(mail.outbox[0])[1]["DTSTART"] == "20301203T140000Z"


def test_cancellation_email_removes_the_event_with_a_higher_sequence(
    programme_a, vcs_partner, emails
):
    with emails():
        booking = book(make_slot(programme_a), vcs_partner)
    with emails():
        services.office_hour_booking_cancel(booking=booking)
    confirmation, cancellation = mail.outbox
    _, first = calendar_part(confirmation)
    method, second = calendar_part(cancellation)
    assert cancellation.subject.startswith("Office hours cancelled")
    assert (method, second["UID"]) == ("CANCEL", first["UID"])
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])


def test_reminders_go_once_24_hours_before(programme_a, vcs_partner, team_member, staff):
    soon = make_slot(programme_a, starts_in=timedelta(days=3), capacity=5)
    booking = book(soon, vcs_partner)
    late = book(soon, team_member)
    cancelled = book(soon, staff)
    services.office_hour_booking_cancel(booking=cancelled)
    # Booked two days ahead; the late one only an hour before the session (no reminder needed).
    OfficeHourBooking.objects.filter(pk=booking.pk).update(
        confirmed_at=soon.starts_at - timedelta(days=2)
    )
    OfficeHourBooking.objects.filter(pk=late.pk).update(
        confirmed_at=soon.starts_at - timedelta(hours=1)
    )
    mail.outbox.clear()

    assert services.office_hour_reminders_send(now=soon.starts_at - timedelta(hours=25)) == 0
    at = soon.starts_at - timedelta(hours=23, minutes=50)
    assert services.office_hour_reminders_send(now=at) == 1
    assert services.office_hour_reminders_send(now=at + timedelta(minutes=15)) == 0

    (reminder,) = mail.outbox
    assert reminder.to == [vcs_partner.email]
    assert reminder.subject.startswith("Reminder: office hours")
    assert f"/office-hours/bookings/{booking.pk}/" in reminder.body


def test_a_reminder_the_mail_server_refused_is_tried_again(programme_a, vcs_partner, monkeypatch):
    from smtplib import SMTPServerDisconnected

    soon = make_slot(programme_a, starts_in=timedelta(days=3))
    booking = book(soon, vcs_partner)
    OfficeHourBooking.objects.filter(pk=booking.pk).update(
        confirmed_at=soon.starts_at - timedelta(days=2)
    )
    mail.outbox.clear()
    at = soon.starts_at - timedelta(hours=23)
    real_send = services._send_booking_email

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(services, "_send_booking_email", refuse)
    assert services.office_hour_reminders_send(now=at) == 0
    monkeypatch.setattr(services, "_send_booking_email", real_send)
    assert services.office_hour_reminders_send(now=at + timedelta(minutes=15)) == 1
    assert len(mail.outbox) == 1


def test_a_booking_email_the_mail_server_refused_can_be_sent_by_a_retry(
    programme_a, vcs_partner, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    booking = book(make_slot(programme_a), vcs_partner)
    mail.outbox.clear()
    OfficeHourBooking.objects.filter(pk=booking.pk).update(emailed_sequence=None)
    real_send = services._send_booking_email

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(services, "_send_booking_email", refuse)
    with pytest.raises(SMTPServerDisconnected):
        services.office_hour_booking_email(
            booking_id=booking.pk, kind="booked", sequence=booking.sequence
        )
    monkeypatch.setattr(services, "_send_booking_email", real_send)
    assert services.office_hour_booking_email(
        booking_id=booking.pk, kind="booked", sequence=booking.sequence
    )
    assert len(mail.outbox) == 1


def test_the_reminder_task_is_scheduled_every_15_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["office-hour-reminders"]
    assert entry == {"task": "teams.tasks.send_office_hour_reminders", "schedule": 900.0}
    assert tasks.send_office_hour_reminders.name == entry["task"]
    assert "worker-heartbeat" in settings.CELERY_BEAT_SCHEDULE


# --- the facilitator's pages ---------------------------------------------------------------------


def _url(name, programme, **kwargs):
    return reverse(f"teams:{name}", kwargs={"slug": programme.slug, **kwargs})


PUBLISH = {
    "day_0": "4",
    "day_1": "6",
    "day_2": "2030",
    "start_time": "2:30pm",
    "length_minutes": "45",
    "weeks": "3",
    "capacity": "4",
    "online_link": "meet.example.org/riverside",
    "place": "",
    "min_notice_hours": "24",
    "buffer_minutes": "15",
    "waitlist": "on",
}


def test_facilitator_publishes_a_weekly_series(client_for, facilitator, programme_a):
    response = client_for(facilitator).post(_url("office_hours_publish", programme_a), PUBLISH)
    assert response.status_code == 302
    assert response["Location"] == _url("office_hours", programme_a)
    slots = list(programme_a.office_hours.all())
    assert len(slots) == 3
    assert slots[0].when == "Tuesday 4 June 2030, 2:30pm to 3:15pm"
    assert (slots[0].capacity, slots[0].waitlist) == (4, True)
    assert slots[0].online_link == "https://meet.example.org/riverside"
    assert slots[0].created_by == facilitator


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day_0": "", "day_1": "", "day_2": ""}, "Enter the date of the session"),
        ({"day_2": "2020"}, "The date must be today or in the future"),
        ({"day_0": "31", "day_1": "2"}, "The date must be a real date, like 27 3 2026"),
        ({"day_1": "13"}, "The date must be a real date, like 27 3 2026"),
        (
            {"day_0": "28", "day_1": "3", "day_2": "2032", "start_time": "1:30am"},
            "1:30am does not exist on 28 March 2032 because the clocks go forward",
        ),
        ({"start_time": "half two"}, "Enter a start time like 10am or 2:30pm"),
        ({"start_time": ""}, "Enter the start time"),
        ({"capacity": "0"}, "The number of places must be 1 or more"),
        ({"weeks": "x"}, "The number of weeks must be a whole number"),
        ({"online_link": ""}, "Enter an online meeting link or an address"),
        ({"buffer_minutes": "500"}, "The break between slots must be 120 or fewer"),
    ],
)
def test_publishing_explains_what_to_fix(client_for, facilitator, programme_a, changes, message):
    response = client_for(facilitator).post(
        _url("office_hours_publish", programme_a), PUBLISH | changes
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert not programme_a.office_hours.exists()


def test_an_overlap_is_shown_in_the_error_summary(client_for, facilitator, programme_a):
    client = client_for(facilitator)
    client.post(_url("office_hours_publish", programme_a), PUBLISH | {"weeks": "1"})
    response = client.post(
        _url("office_hours_publish", programme_a), PUBLISH | {"start_time": "3:20pm"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "This overlaps office hours on Tuesday 4 June 2030, 2:30pm to 3:15pm" in html
    assert 'href="#id_start_time"' in html
    assert programme_a.office_hours.count() == 1


@pytest.mark.parametrize("name", ["office_hours", "office_hours_publish"])
def test_only_facilitators_manage_office_hours(
    client_for, programme_a, analyst, outsider, vcs_partner, admin, name
):
    url = _url(name, programme_a)
    assert client_for(analyst).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(vcs_partner).get(url).status_code == 404
    assert client_for(admin).get(url).status_code == 200
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_the_office_hours_page_refuses_post(client_for, facilitator, programme_a):
    assert client_for(facilitator).post(_url("office_hours", programme_a)).status_code == 405
    assert client_for(facilitator).put(_url("office_hours_publish", programme_a)).status_code == 405


def test_facilitator_sees_bookings_topics_access_needs_and_attendance_rate(
    client_for, facilitator, programme_a, vcs_partner, team_member
):
    upcoming = make_slot(programme_a, capacity=3)
    book(upcoming, vcs_partner, topic="Isolation among older people", access_needs="Captions")
    past = make_slot(programme_a, starts_in=-timedelta(days=2), capacity=3)
    came = OfficeHourBooking.objects.create(slot=past, user=vcs_partner, topic="Housing")
    absent = OfficeHourBooking.objects.create(slot=past, user=team_member, topic="Transport")
    came.attendance, absent.attendance = "attended", "absent"
    came.save()
    absent.save()

    html = client_for(facilitator).get(_url("office_hours", programme_a)).content.decode()
    assert "Isolation among older people" in html
    assert "Captions" in html
    assert "1 of 3 booked" in html
    assert "Attendance rate: <strong>50%</strong>" in html
    assert "Did not attend" in html


def test_facilitator_records_attendance_and_notes(
    client_for, facilitator, programme_a, vcs_partner
):
    slot = make_slot(programme_a, starts_in=-timedelta(hours=2))
    booking = OfficeHourBooking.objects.create(slot=slot, user=vcs_partner, topic="Housing")
    client = client_for(facilitator)
    url = _url("office_hours_attendance", programme_a, pk=booking.pk)

    invalid = client.post(url, {"notes": "x"})
    assert "Select whether they came to the session" in invalid.content.decode()
    assert "govuk-error-summary" in invalid.content.decode()

    response = client.post(url, {"attendance": "attended", "notes": "Wants to map damp homes."})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.attendance, booking.notes) == ("attended", "Wants to map damp homes.")


def test_attendance_waits_for_the_session_to_start(
    client_for, facilitator, programme_a, vcs_partner
):
    booking = book(make_slot(programme_a), vcs_partner)
    url = _url("office_hours_attendance", programme_a, pk=booking.pk)
    response = client_for(facilitator).post(url, {"attendance": "attended"})
    assert "You can record attendance once the session has started" in response.content.decode()
    assert client_for(vcs_partner).get(url).status_code == 404  # not on the team
    assert (
        client_for(facilitator)
        .get(_url("office_hours_attendance", programme_a, pk=booking.pk + 999))
        .status_code
        == 404
    )


def test_facilitator_cancels_a_slot_with_a_message(
    client_for, facilitator, programme_a, vcs_partner, emails
):
    slot = make_slot(programme_a)
    book(slot, vcs_partner)
    client = client_for(facilitator)
    url = _url("office_hours_slot_cancel", programme_a, pk=slot.pk)
    assert "1 person has booked" in client.get(url).content.decode()
    assert "Enter a message" in client.post(url, {"message": ""}).content.decode()
    with emails():
        response = client.post(url, {"message": "The room is flooded."})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.is_cancelled
    assert "The room is flooded." in mail.outbox[-1].body
    assert client.get(url).status_code == 404  # nothing left to cancel


def test_the_office_hours_page_keeps_a_constant_query_count(client_for, facilitator, programme_a):
    client = client_for(facilitator)
    url = _url("office_hours", programme_a)
    client.get(url)

    def seed(offset):
        upcoming = make_slot(programme_a, starts_in=timedelta(days=offset + 3), capacity=5)
        past = make_slot(programme_a, starts_in=-timedelta(days=offset + 1), capacity=5)
        for _ in range(2):
            book(upcoming, UserFactory())
            OfficeHourBooking.objects.create(slot=past, user=UserFactory(), topic="x")

    seed(0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for offset in range(1, 5):
        seed(offset * 10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- the person booking --------------------------------------------------------------------------


def test_vcs_partner_books_a_place_and_gets_an_email(client_for, vcs_partner, programme_a, emails):
    slot = make_slot(programme_a)
    client = client_for(vcs_partner)
    url = _url("office_hours_book", programme_a, pk=slot.pk)
    page = client.get(url).content.decode()
    assert f"You are booking for <strong>{vcs_partner.organisation}</strong>" in page

    with emails():
        response = client.post(url, {"topic": "Food poverty by ward", "access_needs": "BSL"})

    booking = OfficeHourBooking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert (booking.user, booking.organisation, booking.status) == (
        vcs_partner,
        vcs_partner.organisation,
        "confirmed",
    )
    assert mail.outbox[0].to == [vcs_partner.email]
    detail = client.get(response["Location"]).content.decode()
    assert "Your place is booked" in detail
    assert "Food poverty by ward" in detail


def test_booking_asks_for_the_organisation_when_the_profile_lacks_one(client_for, programme_a):
    person = UserFactory(organisation=None)
    slot = make_slot(programme_a)
    client = client_for(person)
    url = _url("office_hours_book", programme_a, pk=slot.pk)

    missing = client.post(url, {"topic": "Loneliness"})
    assert "Choose your organisation, or enter its name below" in missing.content.decode()

    response = client.post(url, {"topic": "Loneliness", "new_organisation": "Riverside Men's Shed"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organisation.name == "Riverside Men's Shed"
    assert OfficeHourBooking.objects.get().organisation == person.organisation


def test_booking_explains_what_to_fix(client_for, vcs_partner, programme_a):
    url = _url("office_hours_book", programme_a, pk=make_slot(programme_a).pk)
    response = client_for(vcs_partner).post(url, {"topic": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter what you would like to talk about" in html
    assert html.count("<title>Error: ") == 1
    assert not OfficeHourBooking.objects.exists()


def test_anonymous_visitors_sign_in_first_and_come_back(client, programme_a):
    url = _url("office_hours_book", programme_a, pk=make_slot(programme_a).pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_booking_pages_refuse_other_methods(client_for, vcs_partner, programme_a):
    url = _url("office_hours_book", programme_a, pk=make_slot(programme_a).pk)
    assert client_for(vcs_partner).put(url).status_code == 405
    assert client_for(vcs_partner).post(reverse("teams:my_bookings")).status_code == 405


def test_full_closed_and_unknown_slots(client_for, vcs_partner, team_member, programme_a):
    full = make_slot(programme_a)
    book(full, team_member)
    closed = make_slot(programme_a, starts_in=timedelta(hours=2), min_notice_hours=24)
    waitlist = make_slot(programme_a, starts_in=timedelta(days=6), waitlist=True)
    book(waitlist, team_member)
    client = client_for(vcs_partner)

    def page(slot, **kwargs):
        return client.post(_url("office_hours_book", programme_a, pk=slot.pk), {"topic": "x"})

    assert "This session is full" in page(full).content.decode()
    assert "Booking has closed" in page(closed).content.decode()
    assert page(waitlist).status_code == 302
    assert OfficeHourBooking.objects.get(user=vcs_partner).status == "waitlisted"
    cancelled = make_slot(programme_a, starts_in=timedelta(days=9), cancelled_at=timezone.now())
    assert page(cancelled).status_code == 404
    wrong_programme = _url("office_hours_book", programme_a, pk=full.pk).replace(
        "riverside", "hillside"
    )
    assert client.get(wrong_programme).status_code == 404


def test_booking_again_goes_to_the_existing_booking(client_for, vcs_partner, programme_a):
    slot = make_slot(programme_a, capacity=2)
    booking = book(slot, vcs_partner)
    response = client_for(vcs_partner).get(_url("office_hours_book", programme_a, pk=slot.pk))
    assert response["Location"] == booking.get_absolute_url()


def test_only_the_person_who_booked_manages_the_booking(
    client_for, vcs_partner, team_member, outsider, facilitator, admin, programme_a
):
    booking = book(make_slot(programme_a), vcs_partner)
    detail = booking.get_absolute_url()
    cancel = reverse("teams:booking_cancel", args=[booking.pk])
    assert client_for(vcs_partner).get(detail).status_code == 200
    assert client_for(team_member).get(detail).status_code == 404
    assert client_for(outsider).get(detail).status_code == 404
    assert client_for(facilitator).get(detail).status_code == 200  # runs the session
    assert client_for(facilitator).get(cancel).status_code == 403
    assert client_for(admin).get(cancel).status_code == 200
    assert client_for(None).get(detail)["Location"].startswith(reverse("account_login"))


def test_person_cancels_their_booking(client_for, vcs_partner, programme_a, emails):
    booking = book(make_slot(programme_a), vcs_partner)
    client = client_for(vcs_partner)
    url = reverse("teams:booking_cancel", args=[booking.pk])
    assert "Cancel your booking for" in client.get(url).content.decode()
    with emails():
        response = client.post(url)
    assert response["Location"] == reverse("teams:my_bookings")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert calendar_part(mail.outbox[-1])[0] == "CANCEL"
    assert client.get(url).status_code == 404  # already cancelled


def test_person_moves_their_booking(client_for, vcs_partner, team_member, programme_a, emails):
    booking = book(make_slot(programme_a), vcs_partner)
    other = make_slot(programme_a, starts_in=timedelta(days=5))
    full = make_slot(programme_a, starts_in=timedelta(days=6))
    book(full, team_member)
    client = client_for(vcs_partner)
    url = reverse("teams:booking_move", args=[booking.pk])

    page = client.get(url).content.decode()
    assert other.when in page and full.when not in page
    invalid = client.post(url, {"submit": "Move my booking"})  # what a browser sends
    assert "Choose a new time" in invalid.content.decode()
    assert "govuk-error-summary" in invalid.content.decode()
    assert "Choose a new time" in client.post(url, {"slot": full.pk}).content.decode()

    with emails():
        response = client.post(url, {"slot": other.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot == other
    assert mail.outbox[-1].subject == f"Office hours moved to {other.when}"


def test_my_bookings_lists_upcoming_and_earlier(client_for, vcs_partner, programme_a):
    upcoming = book(make_slot(programme_a), vcs_partner)
    cancelled = book(make_slot(programme_a, starts_in=timedelta(days=6)), vcs_partner)
    services.office_hour_booking_cancel(booking=cancelled)
    html = client_for(vcs_partner).get(reverse("teams:my_bookings")).content.decode()
    assert upcoming.slot.when in html
    assert "Earlier and cancelled" in html
    assert html.index(upcoming.slot.when) < html.index("Earlier and cancelled")


def test_my_bookings_keeps_a_constant_query_count(client_for, vcs_partner, programme_a):
    client = client_for(vcs_partner)
    url = reverse("teams:my_bookings")
    book(make_slot(programme_a), vcs_partner)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(4, 10):
        book(make_slot(programme_a, starts_in=timedelta(days=day)), vcs_partner)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the public page and the dashboard ---------------------------------------------------------


def test_the_public_page_lists_bookable_slots_with_a_book_button(client, programme_a):
    assert (
        "There are no office hours to book" in client.get("/programmes/riverside/").content.decode()
    )
    open_slot = make_slot(programme_a, capacity=3)
    closed = make_slot(programme_a, starts_in=timedelta(hours=3))
    html = client.get("/programmes/riverside/").content.decode()
    assert open_slot.when in html
    assert "3 places left" in html
    assert _url("office_hours_book", programme_a, pk=open_slot.pk) in html
    assert closed.when not in html


def test_the_public_page_keeps_a_constant_query_count(client, programme_a):
    url = "/programmes/riverside/"
    make_slot(programme_a)
    client.get(url)
    invalidate(SITE)  # measure the page being rendered, not served from the cache
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(4, 10):
        slot = make_slot(programme_a, starts_in=timedelta(days=day), capacity=2)
        book(slot, UserFactory())
    invalidate(SITE)
    with CaptureQueriesContext(connection) as many:
        assert "1 place left" in client.get(url).content.decode()
    assert len(many) == len(few) > 0


def test_dashboard_shows_bookings_and_sessions_to_record(
    client_for, vcs_partner, facilitator, programme_a
):
    booking = book(make_slot(programme_a), vcs_partner)
    past = make_slot(programme_a, starts_in=-timedelta(days=1))
    OfficeHourBooking.objects.create(slot=past, user=vcs_partner, topic="x")

    mine = client_for(vcs_partner).get(reverse("dashboard")).content.decode()
    assert booking.get_absolute_url() in mine
    assert booking.slot.when in mine

    theirs = client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert f"Record who came to office hours on {past.when}" in theirs
    assert "Publish office hours" not in theirs  # there is an upcoming slot


def test_demo_office_hours_are_seeded_once(programme_a, facilitator, vcs_partner, team_member):
    from teams.office_hours_demo import seed_office_hours

    slots = seed_office_hours(programme_a, facilitator, [vcs_partner, team_member])
    again = seed_office_hours(programme_a, facilitator, [vcs_partner, team_member])
    assert len(slots) == len(again) == 6
    assert OfficeHourBooking.objects.filter(user=vcs_partner).count() == 2
    assert OfficeHourBooking.objects.filter(attendance="attended").count() == 1
    assert not mail.outbox


def test_invitation_lines_are_folded_and_names_quoted(programme_a, emails):
    person = UserFactory(display_name="Okafor, Vera: Riverside Food Bank; trustee")
    slot = make_slot(programme_a, place="Unit 4, The Old Mill; Riverside Road " * 4)
    with emails():
        book(slot, person)
    text = next(
        p.get_payload(decode=True).decode()
        for p in mail.outbox[0].message().walk()
        if p.get_content_type() == "text/calendar"
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    _, ics = calendar_part(mail.outbox[0])
    assert ics["LOCATION"].startswith("Unit 4\\, The Old Mill\\; Riverside Road")
    assert 'ATTENDEE;CN="Okafor, Vera: Riverside Food Bank; trustee";RSVP=FALSE' in re.sub(
        r"\r\n[ \t]", "", text
    )


def test_the_audit_log_keeps_no_copy_of_what_people_wrote_about_their_needs(
    programme_a, vcs_partner
):
    from auditlog.models import LogEntry

    booking = book(make_slot(programme_a), vcs_partner, access_needs="I use a wheelchair")
    booking.notes = "Talked about her son's diagnosis"
    booking.save()
    logged = " ".join(str(entry.changes) for entry in LogEntry.objects.get_for_object(booking))
    assert "wheelchair" not in logged
    assert "diagnosis" not in logged
    assert "Food bank referrals" not in logged


def test_the_booking_page_offers_the_calendar_entry_as_a_download(
    client_for, vcs_partner, facilitator, programme_a, emails
):
    with emails():
        booking = book(make_slot(programme_a), vcs_partner)
    emailed = calendar_part(mail.outbox[-1])[1]
    client = client_for(vcs_partner)
    url = reverse("teams:booking_calendar", args=[booking.pk])
    assert f'href="{url}" download' in client.get(booking.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="office-hours.ics"' in response["Content-Disposition"]
    message = mail.EmailMessage()
    message.attach("office-hours.ics", response.content, "text/calendar")
    downloaded = calendar_part(message)[1]
    # The same event as the email's, so a calendar that has it already updates it.
    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ATTENDEE"):
        assert downloaded[name] == emailed[name]
    assert client_for(facilitator).get(url).status_code == 403
    services.office_hour_booking_cancel(booking=booking)
    assert client.get(url).status_code == 404
    assert "download>" not in client.get(booking.get_absolute_url()).content.decode()


def test_slots_are_offered_in_time_order_whatever_order_they_were_added(
    client, client_for, vcs_partner, programme_a
):
    # Added out of order: a weekly series first, then a one-off group session between them.
    later = make_slot(programme_a, starts_in=timedelta(days=9))
    latest = make_slot(programme_a, starts_in=timedelta(days=16))
    booked = make_slot(programme_a, starts_in=timedelta(days=3))
    between = make_slot(programme_a, starts_in=timedelta(days=5))
    invalidate(SITE)
    page = client.get(reverse("landing:programme", args=[programme_a.slug])).content.decode()
    whens = [slot.when for slot in (booked, between, later, latest)]
    assert [page.index(when) for when in whens] == sorted(page.index(when) for when in whens)

    booking = book(booked, vcs_partner)
    page = client_for(vcs_partner).get(reverse("teams:booking_move", args=[booking.pk]))
    page = page.content.decode()
    whens = [slot.when for slot in (between, later, latest)]
    assert [page.index(when) for when in whens] == sorted(page.index(when) for when in whens)
