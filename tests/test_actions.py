"""Insights to actions: registering interest on an insight's public page, the actions meeting and
its invitations, the action pack and its PDF, actions and their progress on the public page, and
the reminder rule. Who may open each page is in tests/test_url_matrix.py; these tests check what
the pages do."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from projects import actions, emails
from projects.actions import DUE_SOON_DAYS, QUIET_DAYS, reminder_key
from projects.emails import action_interest_email as send_action_interest_email
from projects.models import (
    Action,
    ActionInterest,
    ActionPack,
    ActionProgress,
    ActionsMeeting,
    Insight,
)
from projects.tasks import send_action_reminders
from tests.factories import OrganisationFactory, UserFactory
from tests.phase3_helpers import draft_insight, table_on
from tests.selection_helpers import selected

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)
OPEN, CLOSED = ("planned", "in_progress"), ("done", "dropped")


# --- The reminder rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due_in", "quiet_for", "expected"),
    [
        ("planned", 60, 0, None),  # just recorded, due later
        ("planned", 60, QUIET_DAYS - 1, None),
        ("planned", 60, QUIET_DAYS, "quiet:2027-01-30:1"),
        ("in_progress", 60, 2 * QUIET_DAYS, "quiet:2026-12-31:2"),
        ("planned", DUE_SOON_DAYS, 0, "due:2027-03-08"),
        ("in_progress", 0, 0, "due:2027-03-01"),  # due today
        ("planned", DUE_SOON_DAYS + 1, 0, None),
        ("planned", -1, 0, None),  # overdue, but a note yesterday
        ("planned", -10, QUIET_DAYS, None),  # overdue: counted from the due date
        ("planned", -QUIET_DAYS, 40, "quiet:2027-01-30:1"),
        ("done", 3, 90, None),
        ("dropped", 3, 90, None),
    ],
)
def test_when_an_update_is_due(status, due_in, quiet_for, expected) -> None:
    key = reminder_key(
        status=status,
        due_date=TODAY + timedelta(days=due_in),
        last_update=TODAY - timedelta(days=quiet_for),
        today=TODAY,
    )
    assert key == expected


@given(
    status=st.sampled_from(OPEN + CLOSED),
    due_in=st.integers(min_value=-400, max_value=400),
    recorded_ago=st.integers(min_value=0, max_value=400),
)
def test_each_reminder_goes_at_most_once_per_period(status, due_in, recorded_ago) -> None:
    """Day by day over a year with no progress notes, each key is due on one unbroken run of
    days (so one send per key), there are no more than one per QUIET_DAYS plus the due-date one,
    and closed actions are never reminded."""
    due, last = TODAY + timedelta(days=due_in), TODAY - timedelta(days=recorded_ago)
    keys = [
        reminder_key(status=status, due_date=due, last_update=last, today=TODAY + timedelta(d))
        for d in range(366)
    ]
    sent = [key for n, key in enumerate(keys) if key and (n == 0 or keys[n - 1] != key)]
    if status in CLOSED:
        assert sent == []
    assert len(sent) == len(set(sent)), "a reminder went twice"
    assert len(sent) <= (366 + recorded_ago) // QUIET_DAYS + 2


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def project(programme_a):
    return selected(programme_a)


@pytest.fixture
def insight(project) -> Insight:
    found = draft_insight(project, title="Who stops visiting")
    table_on(found)
    Insight.objects.filter(pk=found.pk).update(published_at=timezone.now())
    found.refresh_from_db()
    return found


@pytest.fixture
def owner():
    return OrganisationFactory(name="Northgate Food Bank")


@pytest.fixture
def owner_member(owner):
    return UserFactory(email="leo@foodbank.example", organisation=owner)


def _action(insight, owner, **fields) -> Action:
    defaults = {
        "title": "Open on Saturday mornings",
        "due_date": timezone.localdate() + timedelta(days=60),
        "public": True,
    }
    return Action.objects.create(insight=insight, owner=owner, **(defaults | fields))


def _public(insight) -> str:
    return insight.get_public_url()


# --- Registering interest ------------------------------------------------------------------


def test_a_signed_in_partner_registers_interest_once(insight, vcs_partner, client_for) -> None:
    client = client_for(vcs_partner)
    act = reverse("landing:insight_interest", args=[insight.programme.slug, insight.slug])
    page = client.get(_public(insight)).content.decode()
    assert act in page  # the public page says how to act on it

    empty = client.post(act, {"organisation_name": "", "what": ""})
    assert "Enter what your organisation might do" in empty.content.decode()

    data = {"organisation_name": "Carers", "what": "Fund outreach", "note": "Free on Tuesdays"}
    response = client.post(act, data)
    assert response.status_code == 302 and response["Location"] == _public(insight)
    again = client.post(act, data | {"what": "Something else"})
    assert "You registered Carers" in again.content.decode()
    registration = ActionInterest.objects.get()
    assert (registration.what, registration.note) == ("Fund outreach", "Free on Tuesdays")


def test_the_facilitators_are_told_once_of_each_registration(
    insight, vcs_partner, facilitator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        interest = actions.action_interest_register(
            insight=insight, user=vcs_partner, organisation_name="Carers", what="Fund outreach"
        )
    [sent] = mail.outbox
    assert sent.to == [facilitator.email]
    assert sent.subject == "Carers might act on “Who stops visiting”"
    assert "Fund outreach" in sent.body and vcs_partner.email in sent.body
    assert reverse("projects:action_interest", args=[insight.project_id]) in sent.body
    assert send_action_interest_email(interest_id=interest.pk) is False  # a retry sends nothing
    assert len(mail.outbox) == 1


def test_interest_needs_a_published_insight(project, vcs_partner, client_for) -> None:
    draft = draft_insight(project, title="Not yet published")
    act = reverse("landing:insight_interest", args=[draft.programme.slug, draft.slug])
    assert client_for(vcs_partner).get(act).status_code == 404


# --- The actions meeting -----------------------------------------------------------------------


def test_the_facilitator_invites_everyone_registered_with_a_calendar_entry(
    project,
    insight,
    facilitator,
    vcs_partner,
    staff,
    client_for,
    django_capture_on_commit_callbacks,
) -> None:
    for person in (vcs_partner, staff):
        actions.action_interest_register(
            insight=insight, user=person, organisation_name="Org", what="Help"
        )
    client = client_for(facilitator)
    day = timezone.localdate() + timedelta(days=10)
    form = {
        "day_0": day.day,
        "day_1": day.month,
        "day_2": day.year,
        "start_time": "2pm",
        "duration_minutes": "90",
        "place": "Committee Room 2, Town Hall",
    }
    response = client.post(reverse("projects:actions_meeting_new", args=[project.pk]), form)
    meeting = ActionsMeeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(meeting.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(meeting.get_absolute_url())  # nobody new: nobody emailed twice

    sent = [m for m in mail.outbox if "actions meeting" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([vcs_partner.email, staff.email])
    part = sent[0].attachments[0]
    ics = part.get_payload(decode=True).decode()
    assert part.get_filename() == "actions-meeting.ics"
    assert "METHOD:REQUEST" in ics and "LOCATION:Committee Room 2\\, Town Hall" in ics


def test_a_meeting_in_the_past_is_refused(project, facilitator, client_for) -> None:
    day = timezone.localdate() - timedelta(days=1)
    form = {"day_0": day.day, "day_1": day.month, "day_2": day.year, "start_time": "10am"}
    response = client_for(facilitator).post(
        reverse("projects:actions_meeting_new", args=[project.pk]),
        form | {"duration_minutes": "60", "place": "Hall"},
    )
    assert "The meeting must start in the future" in response.content.decode()
    assert not ActionsMeeting.objects.exists()


def _meeting_form(day: date, start: str, minutes: int, place: str) -> dict:
    return {
        "day_0": day.day,
        "day_1": day.month,
        "day_2": day.year,
        "start_time": start,
        "duration_minutes": str(minutes),
        "place": place,
    }


def _calendar(message) -> str:
    """The email's calendar attachment, its folded lines joined."""
    (part,) = (p for p in message.attachments if p.get_content_type() == "text/calendar")
    return re.sub(r"\r\n[ \t]", "", part.get_payload(decode=True).decode())


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.fixture
def invited_meeting(project, insight, facilitator, vcs_partner, staff, emails_on_commit):
    """A meeting ten days from now at 2pm, both people who registered interest invited and
    emailed."""
    starts = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=10), time(14))
    )
    meeting = actions.actions_meeting_create(
        project=project,
        user=facilitator,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        place="Committee Room 2",
    )
    for person in (vcs_partner, staff):
        actions.action_interest_register(
            insight=insight, user=person, organisation_name="Org", what="Help"
        )
    with emails_on_commit():
        actions.actions_meeting_invite(meeting=meeting, invited_by=facilitator)
    return meeting


@pytest.fixture
def emails_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_facilitator_moves_the_meeting_and_everyone_invited_gets_an_update(
    invited_meeting, facilitator, vcs_partner, staff, client_for, emails_on_commit
) -> None:
    meeting = invited_meeting
    invitation = meeting.invitations.get(user=vcs_partner)
    (first,) = [m for m in mail.outbox if m.to == [vcs_partner.email]]
    assert f"UID:{invitation.uid}@" in _calendar(first) and "SEQUENCE:0" in _calendar(first)
    client = client_for(facilitator)
    url = reverse("projects:actions_meeting_edit", args=[meeting.project_id, meeting.pk])
    assert f'href="{url}"' in client.get(meeting.get_absolute_url()).content.decode()
    initial = client.get(url).context["form"].initial
    assert (initial["start_time"], initial["duration_minutes"]) == ("2pm", 90)
    assert initial["place"] == "Committee Room 2"

    mail.outbox.clear()
    day = timezone.localdate() + timedelta(days=11)
    with emails_on_commit():
        response = client.post(url, _meeting_form(day, "10am", 60, "Riverside Library"))
    assert response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.place == "Riverside Library"
    (logged,) = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE)
    assert logged.actor == facilitator
    assert logged.changes_dict["place"] == ["Committee Room 2", "Riverside Library"]
    assert timezone.localtime(meeting.starts_at).time() == time(10)
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=60)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([vcs_partner.email, staff.email])
    (update,) = [m for m in mail.outbox if m.to == [vcs_partner.email]]
    assert update.subject == f"Changed: actions meeting, {meeting.when}"
    assert "the date, the start time, the length and the place" in update.body
    assert "Where: Riverside Library" in update.body
    ics = _calendar(update)
    assert f"UID:{invitation.uid}@" in ics and "SEQUENCE:1" in ics
    assert f"DTSTART:{_utc(meeting.starts_at)}" in ics
    assert f"DTEND:{_utc(meeting.ends_at)}" in ics
    assert "LOCATION:Riverside Library" in ics and "METHOD:REQUEST" in ics

    # The task run twice sends nothing twice; saving the same time and place sends nothing.
    mail.outbox.clear()
    assert emails.actions_meeting_change_email(meeting_id=meeting.pk, changes="x") == 0
    with emails_on_commit():
        same = client.post(url, _meeting_form(day, "10am", 60, "Riverside Library"), follow=True)
    assert "Nothing changed, so nobody has been emailed." in same.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and mail.outbox == []


def test_someone_invited_after_a_change_gets_the_meeting_as_it_is(
    invited_meeting, insight, facilitator, owner_member, emails_on_commit
) -> None:
    meeting = invited_meeting
    with emails_on_commit():
        actions.actions_meeting_reschedule(
            meeting=meeting,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place="Riverside Library",
        )
        actions.action_interest_register(
            insight=insight, user=owner_member, organisation_name="Org", what="Help"
        )
        actions.actions_meeting_invite(meeting=meeting, invited_by=facilitator)
    (late,) = [m for m in mail.outbox if m.to == [owner_member.email]]
    assert "SEQUENCE:1" in _calendar(late) and "LOCATION:Riverside Library" in _calendar(late)
    assert emails.actions_meeting_change_email(meeting_id=meeting.pk, changes="x") == 0


def test_only_the_facilitator_changes_the_meeting(
    invited_meeting, analyst, outsider, client_for
) -> None:
    meeting = invited_meeting
    url = reverse("projects:actions_meeting_edit", args=[meeting.project_id, meeting.pk])
    form = _meeting_form(timezone.localdate() + timedelta(days=3), "9am", 60, "Elsewhere")
    assert client_for(analyst).post(url, form).status_code == 403
    assert client_for(outsider).post(url, form).status_code == 404
    assert client_for(None).post(url, form)["Location"].startswith(reverse("account_login"))
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Committee Room 2", 0)


def test_a_meeting_that_has_started_cannot_change(project, facilitator, client_for) -> None:
    starts = timezone.now() - timedelta(minutes=30)
    meeting = ActionsMeeting.objects.create(
        project=project, starts_at=starts, ends_at=starts + timedelta(hours=2), place="Hall"
    )
    client = client_for(facilitator)
    url = reverse("projects:actions_meeting_edit", args=[project.pk, meeting.pk])
    assert f'href="{url}"' not in client.get(meeting.get_absolute_url()).content.decode()
    form = _meeting_form(timezone.localdate() + timedelta(days=3), "9am", 60, "Elsewhere")
    for response in (client.get(url, follow=True), client.post(url, form, follow=True)):
        assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
        assert "This meeting has started" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Hall", 0)


def test_nobody_more_is_invited_once_the_meeting_has_started(
    project, insight, facilitator, vcs_partner, client_for
) -> None:
    starts = timezone.now() - timedelta(minutes=30)
    meeting = ActionsMeeting.objects.create(
        project=project, starts_at=starts, ends_at=starts + timedelta(hours=2), place="Hall"
    )
    actions.action_interest_register(
        insight=insight, user=vcs_partner, organisation_name="Org", what="Help"
    )
    client = client_for(facilitator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Invite everyone who registered interest" not in page
    response = client.post(meeting.get_absolute_url(), follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert "nobody more can be invited" in response.content.decode()
    assert not meeting.invitations.exists() and not mail.outbox


def test_a_meeting_cannot_move_into_the_past(invited_meeting, facilitator, client_for) -> None:
    meeting = invited_meeting
    url = reverse("projects:actions_meeting_edit", args=[meeting.project_id, meeting.pk])
    form = _meeting_form(timezone.localdate() - timedelta(days=1), "9am", 60, "Hall")
    response = client_for(facilitator).post(url, form)
    assert "The meeting must start in the future" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0


# --- The action pack ---------------------------------------------------------------------------


def test_the_pack_pdf_holds_the_prompts_and_the_published_insights(
    project, insight, facilitator, analyst, client_for
) -> None:
    client = client_for(facilitator)
    client.post(
        reverse("projects:action_pack", args=[project.pk]),
        {"prompts": "## Who acts first\n\n* The food bank", "routes": "**Lottery** fund"},
    )
    assert ActionPack.objects.get(project=project).updated_by == facilitator
    draft_insight(project, title="A draft nobody sees")

    response = client_for(analyst).get(reverse("projects:action_pack_pdf", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Who acts first" in text and "Lottery" in text and "##" not in text
    assert "Who stops visiting" in text
    assert "A draft nobody sees" not in text


def test_people_invited_to_the_actions_meeting_get_the_pack(
    project, invited_meeting, vcs_partner, outsider, client_for
) -> None:
    # The guide gives the group who registered interest a pack to plan their next steps: the
    # invitation links to it and they may download it; someone not invited may not.
    pdf = reverse("projects:action_pack_pdf", args=[project.pk])
    invitation = next(m for m in mail.outbox if vcs_partner.email in m.to)
    assert pdf in invitation.body
    response = client_for(vcs_partner).get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client_for(outsider).get(pdf).status_code == 404
    # Being invited shows the pack, not the project's other pages.
    assert (
        client_for(vcs_partner).get(reverse("projects:actions", args=[project.pk])).status_code
        == 404
    )


def test_the_owner_list_asks_for_a_choice_in_words(project, insight, facilitator, client_for):
    page = client_for(facilitator).get(reverse("projects:action_new", args=[project.pk]))
    assert "Choose an organisation</option>" in page.content.decode()
    assert "---------" not in page.content.decode()


# --- Actions, progress and the public page --------------------------------------------------


def test_an_owner_adds_progress_and_the_public_page_shows_it(
    insight, owner, owner_member, client, client_for
) -> None:
    action = _action(insight, owner)
    hidden = _action(insight, owner, title="A private plan", public=False)
    public_page = _public(insight)
    before = client.get(public_page).content.decode()  # anonymous, now in the cache
    assert "Open on Saturday mornings" in before and "A private plan" not in before

    member = client_for(owner_member)
    response = member.post(
        action.get_absolute_url(), {"text": "First Saturday opening held.", "status": "in_progress"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS

    after = client.get(public_page).content.decode()  # the save started a new generation
    assert "First Saturday opening held." in after and "In progress" in after
    assert "A private plan" not in after
    assert member.get(hidden.get_absolute_url()).status_code == 200  # the owner sees it


def test_progress_needs_text(insight, owner, owner_member, client_for) -> None:
    action = _action(insight, owner)
    response = client_for(owner_member).post(action.get_absolute_url(), {"status": "done"})
    assert "Enter what has happened" in response.content.decode()
    assert not ActionProgress.objects.exists()


def test_someone_whose_organisation_is_not_confirmed_is_not_the_owner(
    insight, owner, client_for
) -> None:
    unconfirmed = UserFactory(organisation=owner, organisation_confirmed=False)
    action = _action(insight, owner)
    assert client_for(unconfirmed).get(action.get_absolute_url()).status_code == 404
    assert actions.actions_owned_by(unconfirmed).count() == 0


def test_the_facilitator_records_an_action_for_a_published_insight(
    project, insight, owner, facilitator, client_for
) -> None:
    due = timezone.localdate() + timedelta(days=30)
    response = client_for(facilitator).post(
        reverse("projects:action_new", args=[project.pk]),
        {
            "insight": insight.pk,
            "owner": owner.pk,
            "title": "Open on Saturdays",
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
            "status": "planned",
            "agrees_public": "on",  # not the facilitator's to give
        },
    )
    action = Action.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert (action.public, action.created_by) == (False, facilitator)


# --- Reminders ---------------------------------------------------------------------------------


def test_reminders_go_to_the_owners_people_once(
    insight, owner, owner_member, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="left@foodbank.example", organisation=owner, is_active=False)
    UserFactory(
        email="unconfirmed@foodbank.example", organisation=owner, organisation_confirmed=False
    )
    soon = _action(insight, owner, due_date=timezone.localdate() + timedelta(days=3))
    quiet = _action(insight, owner, title="Quiet one")
    Action.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=40))
    _action(insight, owner, title="Done already", status="done")

    assert send_action_reminders() == 2
    assert send_action_reminders() == 0  # each reminder claimed: nothing due twice
    reminders = [m for m in mail.outbox if soon.title in m.subject or "Quiet one" in m.subject]
    assert len(reminders) == 2
    assert all(m.to == [owner_member.email] for m in reminders)
    assert "due" in next(m for m in reminders if soon.title in m.subject).subject


def test_a_note_since_the_reminder_was_queued_stops_it(insight, owner, owner_member) -> None:
    quiet = _action(insight, owner)
    Action.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=40))
    [(pk, key)] = actions.action_reminders_due()
    actions.action_progress_add(action=quiet, user=owner_member, text="Still going")
    from projects.emails import action_reminder_email  # noqa: PLC0415

    assert action_reminder_email(action_id=pk, key=key) == 0
    assert mail.outbox == []


# --- Lists keep their queries at two sizes -----------------------------------------------------


def _grow(insight, owner, n: int) -> None:
    people = [UserFactory(organisation=owner) for _ in range(n)]
    for number, person in enumerate(people):
        ActionInterest.objects.create(
            insight=insight, user=person, organisation_name="Org", what="Help"
        )
        action = _action(insight, owner, title=f"Action {number}", public=True)
        ActionProgress.objects.create(action=action, author=person, text="Under way")
        ActionProgress.objects.create(action=action, author=person, text="Done half")
    first = Action.objects.order_by("pk").first()
    for _ in range(n):  # the first action's progress notes are a list too
        ActionProgress.objects.create(action=first, text="More")
    meeting = ActionsMeeting.objects.first() or ActionsMeeting.objects.create(
        project=insight.project,
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=2),
        place="Hall",
    )
    actions.actions_meeting_invite(meeting=meeting, invited_by=None)


def _queries(client, url: str) -> int:
    client.get(url)  # warm sessions and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("facilitator", "actions"),
        ("facilitator", "interest"),
        ("facilitator", "meeting"),
        ("owner", "mine"),
        ("owner", "action"),
        ("anonymous", "public"),
    ],
)
def test_lists_keep_their_queries_at_two_sizes(
    who, page, insight, owner, owner_member, facilitator, client_for, settings
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    project = insight.project
    client = client_for({"facilitator": facilitator, "owner": owner_member}.get(who))

    def url() -> str:
        first = Action.objects.order_by("pk").first()
        return {
            "actions": reverse("projects:actions", args=[project.pk]),
            "interest": reverse("projects:action_interest", args=[project.pk]),
            "meeting": ActionsMeeting.objects.get().get_absolute_url(),
            "mine": reverse("projects:my_actions"),
            "action": first.get_absolute_url() if first else "",
            "public": _public(insight),
        }[page]

    _grow(insight, owner, 2)
    few = _queries(client, url())
    _grow(insight, owner, 30)  # past a page of every list
    assert _queries(client, url()) == few


# --- The demo ----------------------------------------------------------------------------------


def test_the_demo_shows_two_public_actions_with_progress_on_camden(settings, client) -> None:
    from django.core.management import call_command  # noqa: PLC0415

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    insight = Insight.objects.published().get(programme__slug="camden")
    assert insight.action_interest.count() >= 2
    public = list(actions.public_actions(insight))
    assert len(public) == 2 and all(action.latest_text for action in public)
    page = client.get(insight.get_public_url()).content.decode()
    assert all(action.latest_text in page for action in public)


def test_the_owner_changes_the_action_but_cannot_hand_it_on(
    insight, owner, owner_member, client_for
) -> None:
    action = _action(insight, owner, public=False)
    other = OrganisationFactory(name="Someone else")
    due = action.due_date + timedelta(days=7)
    response = client_for(owner_member).post(
        reverse("projects:action_edit", args=[insight.project_id, action.pk]),
        {
            "owner": other.pk,
            "title": "Open on Saturday mornings and evenings",
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
            "status": "in_progress",
            "agrees_public": "on",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.public, action.due_date) == (owner, True, due)
    assert (action.public_agreed_by, action.public_agreed_at.date()) == (
        owner_member,
        timezone.localdate(),
    )


def _edit(client, action, *, as_facilitator: bool = False, **fields):
    """Post the action's change form as it stands, with ``fields`` changed."""
    data = {
        "title": action.title,
        "due_date_0": action.due_date.day,
        "due_date_1": action.due_date.month,
        "due_date_2": action.due_date.year,
        "status": action.status,
    }
    if as_facilitator:  # their form also asks for the insight and the owner
        data |= {"insight": action.insight_id, "owner": action.owner_id}
    url = reverse("projects:action_edit", args=[action.insight.project_id, action.pk])
    return client.post(url, data | fields)


def test_only_the_owners_people_agree_to_show_an_action_publicly(
    insight, owner, owner_member, facilitator, client_for
) -> None:
    action = _action(insight, owner, public=False)
    as_facilitator = client_for(facilitator)
    page = as_facilitator.get(
        reverse("projects:action_edit", args=[insight.project_id, action.pk])
    ).content.decode()
    assert 'name="agrees_public"' not in page and "only once Northgate Food Bank agrees" in page
    _edit(as_facilitator, action, as_facilitator=True, agrees_public="on")
    action.refresh_from_db()
    assert (action.public, action.public_agreed_by) == (False, None)

    as_owner = client_for(owner_member)
    assert (
        'name="agrees_public"'
        in as_owner.get(
            reverse("projects:action_edit", args=[insight.project_id, action.pk])
        ).content.decode()
    )
    _edit(as_owner, action, agrees_public="on")
    action.refresh_from_db()
    assert (action.public, action.public_agreed_by) == (True, owner_member)
    # The facilitator's later change keeps the owner's answer.
    _edit(as_facilitator, action, as_facilitator=True, title="Open on Saturdays too")
    action.refresh_from_db()
    assert (action.title, action.public, action.public_agreed_by) == (
        "Open on Saturdays too",
        True,
        owner_member,
    )
    _edit(as_owner, action)  # unticked: they withdraw it
    action.refresh_from_db()
    assert (action.public, action.public_agreed_by, action.public_agreed_at) == (False, None, None)


def test_the_lists_filter_by_status_and_by_insight(
    project, insight, owner, facilitator, vcs_partner, client_for
) -> None:
    _action(insight, owner, title="Still planned")
    _action(insight, owner, title="Finished", status="done")
    other = draft_insight(project, title="Second insight")
    Insight.objects.filter(pk=other.pk).update(published_at=timezone.now())
    actions.action_interest_register(
        insight=other, user=vcs_partner, organisation_name="Carers", what="Second thoughts"
    )
    client = client_for(facilitator)
    done = client.get(reverse("projects:actions", args=[project.pk]), {"status": "done"})
    assert "Finished" in done.content.decode() and "Still planned" not in done.content.decode()
    interest = reverse("projects:action_interest", args=[project.pk])
    assert "Second thoughts" in client.get(interest, {"insight": other.pk}).content.decode()
    assert "Second thoughts" not in client.get(interest, {"insight": insight.pk}).content.decode()
