"""Scoping through its pages, by persona: sessions and invitations, the notes and the question,
the data inventory, people and skills, the evaluation summary, and the dashboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url
from projects.models import Project
from scoping import services, tasks
from scoping.models import (
    DataSource,
    EvaluationSummary,
    ProgrammeDataSet,
    ScopingSession,
    SessionCancellation,
    SessionInvitation,
    SessionRole,
    Skill,
    SkillNeed,
)
from scoping.public_data import suggestion, suggestions_for
from tests.dataset_helpers import stored_dataset
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.scoping_helpers import (
    calendar_of,
    complete_evaluation,
    idea_on,
    session_for,
    skill_on,
    source_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(programme_a, vcs_partner):
    return idea_on(programme_a, proposer=vcs_partner)


@pytest.fixture
def session(idea):
    return session_for(idea)


@pytest.fixture
def emails(django_capture_on_commit_callbacks):
    """Run after-commit work (queued emails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Scheduling a session ----------------------------------------------------------------------

SCHEDULE = {
    "day_0": "4",
    "day_1": "6",
    "day_2": "2030",
    "start_time": "2:30pm",
    "duration_minutes": "90",
    "location": "Riverside Library, Room 2",
}


def _new_session_url(idea) -> str:
    return reverse("scoping:session_new", args=[idea.pk])


def test_facilitator_schedules_a_session_in_uk_time(idea, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_new_session_url(idea), SCHEDULE)

    session = ScopingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    # 2:30pm in June is British Summer Time: 13:30 UTC.
    assert session.starts_at == datetime(2030, 6, 4, 13, 30, tzinfo=UTC)
    assert session.duration_minutes == 90
    assert session.created_by == facilitator
    assert session.when == "Tuesday 4 June 2030, 2:30pm to 4pm"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"day_0": "", "day_1": "", "day_2": ""}, "Enter the date of the session"),
        ({"day_2": "2020"}, "The date must be today or in the future"),
        ({"start_time": "half two"}, "Enter a start time like 10am or 2:30pm"),
        ({"duration_minutes": "5"}, "The length must be 15 minutes or more"),
        ({"location": "  "}, "Enter a place or an online link"),
        ({"day_0": "31", "day_1": "2"}, "The date must be a real date, like 27 3 2026"),
        ({"day_1": "13"}, "The date must be a real date, like 27 3 2026"),
        ({"location": "x" * 501}, "The place or online link must be 500 characters or fewer"),
    ],
)
def test_schedule_form_errors(change, error, idea, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_new_session_url(idea), SCHEDULE | change)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ScopingSession.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("team_member", 403), ("analyst", 403), ("vcs_partner", 403), ("outsider", 404)],
)
def test_only_the_facilitator_schedules(who, status, idea, persona, client_for) -> None:
    response = client_for(persona(who)).post(_new_session_url(idea), SCHEDULE)
    assert response.status_code == status
    assert not ScopingSession.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(idea, session, client) -> None:
    for url in (_new_session_url(idea), session.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_pages_refuse_other_methods(idea, session, facilitator, client_for) -> None:
    client = client_for(facilitator)
    assert client.put(_new_session_url(idea)).status_code == 405
    assert client.post(session.get_absolute_url()).status_code == 405
    assert client.get(reverse("scoping:skills_suggest", args=[idea.pk])).status_code == 405


# --- Invitations -------------------------------------------------------------------------------


def _invite_url(session, role: str = "") -> str:
    url = reverse("scoping:session_invite", args=[session.pk])
    return f"{url}?role={role}" if role else url


def test_the_session_page_warns_until_every_needed_role_is_invited(
    session, facilitator, analyst, team_member, vcs_partner, client_for
) -> None:
    client = client_for(facilitator)
    page = _text(client.get(session.get_absolute_url()))
    assert "govuk-warning-text" in page
    assert (
        "Nobody is invited yet as: facilitator; VCS colleague who proposed the idea; data "
        "scientist or data engineer; subject-matter expert from service delivery"
    ) in page

    for user, role in [
        (facilitator, SessionRole.FACILITATOR),
        (vcs_partner, SessionRole.PROPOSER),
        (analyst, SessionRole.DATA_SPECIALIST),
    ]:
        client.post(_invite_url(session), {"role": role, "person": user.pk})
    page = _text(client.get(session.get_absolute_url()))
    assert "Nobody is invited yet as: subject-matter expert from service delivery." in page

    client.post(
        _invite_url(session),
        {"role": SessionRole.SUBJECT_EXPERT, "email": "TEAM_MEMBER@example.org"},
    )
    page = _text(client.get(session.get_absolute_url()))
    assert "govuk-warning-text" not in page
    assert set(session.invitations.values_list("user__email", "role")) == {
        (facilitator.email, "facilitator"),
        (vcs_partner.email, "proposer"),
        (analyst.email, "data_specialist"),
        (team_member.email, "subject_expert"),
    }


def test_the_proposer_role_is_prefilled_with_the_proposer(
    session, vcs_partner, facilitator, client_for
):
    page = client_for(facilitator).get(_invite_url(session, SessionRole.PROPOSER)).content.decode()
    assert re.search(rf'<option value="{vcs_partner.pk}"[^>]*selected', page)
    assert re.search(r'value="proposer"[^>]*checked', page)


def test_an_invitation_is_emailed_once_with_a_calendar_entry(
    session, facilitator, analyst, client_for, emails
) -> None:
    with emails():
        response = client_for(facilitator).post(
            _invite_url(session), {"role": SessionRole.DATA_SPECIALIST, "person": analyst.pk}
        )

    assert response.status_code == 302
    invitation = SessionInvitation.objects.get()
    assert invitation.invited_by == facilitator
    assert invitation.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [analyst.email]
    assert message.subject == f"Invitation: scoping session, {session.when}"
    assert "as data scientist or data engineer" in message.body
    assert "Who stops visiting?" in message.body
    assert absolute_url(session.get_absolute_url()) in message.body
    calendar = calendar_of(message)
    assert calendar["DTSTART"] == session.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert calendar["DTEND"] == session.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert calendar["UID"].startswith(f"scoping-session-{session.pk}@")
    assert calendar["ATTENDEE"] == f"mailto:{analyst.email}"
    assert calendar["LOCATION"] == "Riverside Library\\, Room 2"

    # The task again (a retry, a duplicate delivery): nothing more is sent.
    assert tasks.email_session_invitation(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_gives_the_claim_back(session, analyst, facilitator, monkeypatch) -> None:
    invitation = SessionInvitation.objects.create(
        session=session, user=analyst, role=SessionRole.DATA_SPECIALIST
    )

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        services.session_invitation_email(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.emailed_at is None


def test_nobody_is_emailed_about_a_session_that_has_started(
    idea, facilitator, analyst, client_for, emails
) -> None:
    past = ScopingSession.objects.create(idea=idea, starts_at=timezone.now() - timedelta(days=1))
    with emails():
        client_for(facilitator).post(
            _invite_url(past), {"role": SessionRole.DATA_SPECIALIST, "person": analyst.pk}
        )
    assert SessionInvitation.objects.filter(session=past).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"person": ""}, "Select the role they will have"),
        ({"role": "other"}, "Choose who to invite, or enter their email address"),
        ({"role": "other", "email": "nobody@example.org"}, "Nobody has an account with this email"),
        (
            {"role": "other", "email": "not an email"},
            "Enter an email address in the correct format",
        ),
    ],
)
def test_invitation_form_errors(data, error, session, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_invite_url(session), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not SessionInvitation.objects.exists()


def test_someone_outside_the_list_cannot_be_invited_by_their_id(
    session, facilitator, outsider, client_for
) -> None:
    # The outsider is on programme B's team: picking them means tampering with the form.
    response = client_for(facilitator).post(
        _invite_url(session), {"role": "other", "person": outsider.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Choose someone from the list, or enter their email address") == 2
    assert "Select a valid choice" not in page
    assert not SessionInvitation.objects.exists()


def test_the_same_person_cannot_be_invited_twice_in_one_role(
    session, facilitator, analyst, client_for
) -> None:
    client = client_for(facilitator)
    data = {"role": SessionRole.DATA_SPECIALIST, "person": analyst.pk}
    client.post(_invite_url(session), data)
    response = client.post(_invite_url(session), data)
    assert response.status_code == 200
    assert (
        "Analyst is already invited as data scientist or data engineer" in response.content.decode()
    )
    assert SessionInvitation.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("team_member", 403), ("staff", 404)])
def test_only_the_facilitator_invites(who, status, session, persona, client_for, analyst):
    response = client_for(persona(who)).post(
        _invite_url(session), {"role": "other", "person": analyst.pk}
    )
    assert response.status_code == status
    assert not SessionInvitation.objects.exists()


def test_facilitator_removes_an_invitation(session, facilitator, analyst, client_for) -> None:
    invitation = SessionInvitation.objects.create(session=session, user=analyst, role="other")
    url = reverse("scoping:invitation_remove", args=[session.pk, invitation.pk])
    client = client_for(facilitator)
    assert "Remove Analyst as other?" in client.get(url).content.decode()

    response = client.post(url)
    assert response["Location"] == session.get_absolute_url()
    assert not SessionInvitation.objects.exists()


def test_an_invitation_of_another_session_is_not_found(
    idea, session, facilitator, client_for, analyst
):
    other = ScopingSession.objects.create(idea=idea, starts_at=session.starts_at)
    invitation = SessionInvitation.objects.create(session=other, user=analyst, role="other")
    url = reverse("scoping:invitation_remove", args=[session.pk, invitation.pk])
    assert client_for(facilitator).post(url).status_code == 404
    assert SessionInvitation.objects.exists()


# --- Changing the time or place, and taking invitations back -----------------------------------

CHANGE = SCHEDULE  # 2:30pm on Tuesday 4 June 2030, for 90 minutes, at Riverside Library, Room 2


def _change_url(session) -> str:
    return reverse("scoping:session_change", args=[session.pk])


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _emailed(session, user, role: str, **fields) -> SessionInvitation:
    """An invitation whose email has gone (at `emailed_sequence`, if given)."""
    return SessionInvitation.objects.create(
        session=session, user=user, role=role, emailed_at=timezone.now(), **fields
    )


@pytest.fixture
def scheduled(session) -> ScopingSession:
    """The session at exactly the time, length and place CHANGE gives."""
    session.starts_at = datetime(2030, 6, 4, 13, 30, tzinfo=UTC)
    session.save()
    return session


def test_the_change_form_starts_from_the_session(scheduled, facilitator, client_for) -> None:
    page = client_for(facilitator).get(_change_url(scheduled)).content.decode()
    assert re.search(r'name="day_0"[^>]*value="4"', page)
    assert re.search(r'name="day_2"[^>]*value="2030"', page)
    assert 'value="2:30pm"' in page
    assert 'value="Riverside Library, Room 2"' in page
    assert "Save the changes" in page


def test_a_new_time_emails_an_update_to_everyone_already_invited(
    session, facilitator, analyst, vcs_partner, staff, client_for, emails
) -> None:
    _emailed(session, analyst, SessionRole.DATA_SPECIALIST)
    # Invited in two roles: one email, naming both.
    _emailed(session, vcs_partner, SessionRole.PROPOSER, emailed_sequence=0)
    _emailed(session, vcs_partner, SessionRole.SUBJECT_EXPERT, emailed_sequence=0)
    # Not emailed yet: their invitation, when it goes, shows the new time.
    SessionInvitation.objects.create(session=session, user=staff, role=SessionRole.OTHER)
    client = client_for(facilitator)

    with emails():
        response = client.post(_change_url(session), CHANGE)

    assert response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    assert session.starts_at == datetime(2030, 6, 4, 13, 30, tzinfo=UTC)
    assert session.sequence == 1
    assert session.changed_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [analyst.email, vcs_partner.email]
    )
    for message in mail.outbox:
        assert message.subject == "Changed: scoping session, Tuesday 4 June 2030, 2:30pm to 4pm"
        assert "has changed: the date and the start time." in message.body
        assert "When: Tuesday 4 June 2030, 2:30pm to 4pm (UK time)" in message.body
        calendar = calendar_of(message)
        assert calendar["METHOD"] == "REQUEST"
        assert calendar["SEQUENCE"] == "1"
        assert calendar["UID"].startswith(f"scoping-session-{session.pk}@")
        assert calendar["DTSTART"] == "20300604T133000Z"
        assert calendar["DTEND"] == "20300604T150000Z"
        assert calendar["ATTENDEE"] == f"mailto:{message.to[0]}"
    (to_partner,) = [m for m in mail.outbox if m.to == [vcs_partner.email]]
    assert (
        "VCS colleague who proposed the idea and Subject-matter expert"
        in (calendar_of(to_partner)["DESCRIPTION"])
    )
    assert set(session.invitations.values_list("user__email", "emailed_sequence")) == {
        (analyst.email, 1),
        (vcs_partner.email, 1),
        (staff.email, None),
    }
    page = _text(client.get(session.get_absolute_url()))
    assert "Time or place last changed" in page
    assert session.changed_on in page

    # The task again (a retry, a duplicate delivery): nothing more is sent.
    assert tasks.email_session_changed(session.pk, "the date") == 0
    assert len(mail.outbox) == 2

    # The invitation still to go holds the new time and sequence; no update follows it.
    assert tasks.email_session_invitation(session.invitations.get(user=staff).pk) is True
    assert calendar_of(mail.outbox[-1])["SEQUENCE"] == "1"
    assert calendar_of(mail.outbox[-1])["DTSTART"] == "20300604T133000Z"
    assert tasks.email_session_changed(session.pk, "the date") == 0
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"duration_minutes": "60"}, "the length"),
        ({"location": "Town Hall, Committee Room"}, "the place"),
        ({"start_time": "10am"}, "the start time"),
        (
            {"day_0": "5", "start_time": "10am", "location": "Town Hall"},
            "the date, the start time and the place",
        ),
    ],
)
def test_the_update_says_what_changed(
    change, words, scheduled, facilitator, analyst, client_for, emails
) -> None:
    _emailed(scheduled, analyst, SessionRole.DATA_SPECIALIST)
    with emails():
        client_for(facilitator).post(_change_url(scheduled), CHANGE | change)
    (message,) = mail.outbox
    assert f"has changed: {words}." in message.body
    scheduled.refresh_from_db()
    assert calendar_of(message)["DTSTART"] == _utc(scheduled.starts_at)
    assert calendar_of(message)["DTEND"] == _utc(scheduled.ends_at)


def test_nothing_changed_emails_nobody(scheduled, facilitator, analyst, client_for, emails):
    _emailed(scheduled, analyst, SessionRole.DATA_SPECIALIST)
    client = client_for(facilitator)
    with emails():
        response = client.post(
            _change_url(scheduled), CHANGE | {"location": " Riverside Library, Room 2 "}
        )

    assert response["Location"] == scheduled.get_absolute_url()
    assert mail.outbox == []
    scheduled.refresh_from_db()
    assert (scheduled.sequence, scheduled.changed_at) == (0, None)
    page = _text(client.get(scheduled.get_absolute_url()))
    assert "Nothing changed, so nobody has been emailed." in page
    assert "last changed" not in page


def test_a_failed_update_gives_the_claim_back(scheduled, analyst, monkeypatch) -> None:
    invitation = _emailed(scheduled, analyst, SessionRole.DATA_SPECIALIST, emailed_sequence=0)
    ScopingSession.objects.filter(pk=scheduled.pk).update(sequence=1)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        tasks.email_session_changed(scheduled.pk, "the place")
    invitation.refresh_from_db()
    assert invitation.emailed_sequence == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"day_0": "", "day_1": "", "day_2": ""}, "Enter the date of the session"),
        ({"day_2": "2020"}, "The date must be today or in the future"),
        ({"day_0": "31", "day_1": "2"}, "The date must be a real date, like 27 3 2026"),
        ({"start_time": "half two"}, "Enter a start time like 10am or 2:30pm"),
        ({"duration_minutes": "600"}, "The length must be 480 minutes or fewer"),
        ({"location": ""}, "Enter a place or an online link"),
    ],
)
def test_change_form_errors(change, error, scheduled, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_change_url(scheduled), CHANGE | change)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert error in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.sequence == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("team_member", 403),
        ("analyst", 403),
        ("vcs_partner", 403),  # the proposer sees the session
        ("staff", 403),  # invited
        ("outsider", 404),
    ],
)
def test_only_the_facilitator_changes_a_session(
    who, status, session, persona, client_for, staff
) -> None:
    SessionInvitation.objects.create(session=session, user=staff, role=SessionRole.OTHER)
    client = client_for(persona(who))
    assert client.get(_change_url(session)).status_code == status
    assert client.post(_change_url(session), CHANGE).status_code == status
    assert "Change the time or place" not in client.get(session.get_absolute_url()).content.decode()
    session.refresh_from_db()
    assert session.sequence == 0


def test_the_facilitator_is_offered_the_change(session, facilitator, client_for) -> None:
    page = client_for(facilitator).get(session.get_absolute_url()).content.decode()
    assert f'href="{_change_url(session)}">Change the time or place</a>' in page


def test_an_ended_idea_or_a_held_session_cannot_change(idea, session, facilitator, client_for):
    client = client_for(facilitator)
    held = ScopingSession.objects.create(idea=idea, starts_at=timezone.now() - timedelta(hours=1))
    assert client.post(_change_url(held), CHANGE).status_code == 403

    Project.objects.filter(idea=idea).update(status="withdrawn")
    assert client.post(_change_url(session), CHANGE).status_code == 403
    assert "Change the time or place" not in client.get(session.get_absolute_url()).content.decode()


def test_taking_back_an_emailed_invitation_sends_a_cancellation(
    session, facilitator, analyst, team_member, client_for, emails
) -> None:
    invitation = _emailed(session, analyst, SessionRole.DATA_SPECIALIST, emailed_sequence=0)
    _emailed(session, team_member, SessionRole.SUBJECT_EXPERT, emailed_sequence=0)
    url = reverse("scoping:invitation_remove", args=[session.pk, invitation.pk])
    client = client_for(facilitator)

    with emails():
        response = client.post(url)

    assert response["Location"] == session.get_absolute_url()
    assert not SessionInvitation.objects.filter(pk=invitation.pk).exists()
    session.refresh_from_db()
    assert session.sequence == 1
    (message,) = mail.outbox
    assert message.to == [analyst.email]
    assert message.subject == f"Cancelled: scoping session, {session.when}"
    assert "no longer invited" in message.body
    assert "Who stops visiting?" in message.body
    assert "Riverside Community Insights" in message.body
    # Nothing beyond the title, the time and the programme: no place, link or people.
    for secret in ("Riverside Library", "http", team_member.display_name, facilitator.display_name):
        assert secret not in message.body
        assert secret not in str(calendar_of(message, "CANCEL"))
    calendar = calendar_of(message, "CANCEL")
    assert calendar["METHOD"] == "CANCEL"
    assert calendar["STATUS"] == "CANCELLED"
    assert calendar["SEQUENCE"] == "1"
    assert calendar["UID"].startswith(f"scoping-session-{session.pk}@")
    assert calendar["DTSTART"] == _utc(session.starts_at)
    assert calendar["ATTENDEE"] == f"mailto:{analyst.email}"
    assert "LOCATION" not in calendar and "URL" not in calendar
    assert "We have emailed them" in _text(client.get(session.get_absolute_url()))

    # The task again: nothing more is sent.
    cancellation = SessionCancellation.objects.get()
    assert tasks.email_session_cancellation(cancellation.pk) is False
    assert len(mail.outbox) == 1


def test_taking_back_an_invitation_nobody_was_sent_emails_nobody(
    idea, session, facilitator, analyst, client_for, emails
) -> None:
    not_sent = SessionInvitation.objects.create(session=session, user=analyst, role="other")
    # Invited in two roles: taking one back leaves the event in their calendar.
    _emailed(session, facilitator, SessionRole.FACILITATOR)
    second_role = _emailed(session, facilitator, SessionRole.OTHER)
    held = ScopingSession.objects.create(idea=idea, starts_at=timezone.now() - timedelta(days=1))
    past = _emailed(held, analyst, SessionRole.OTHER)
    client = client_for(facilitator)

    with emails():
        for invitation in (not_sent, second_role, past):
            client.post(
                reverse("scoping:invitation_remove", args=[invitation.session_id, invitation.pk])
            )

    assert mail.outbox == []
    assert not SessionCancellation.objects.exists()
    assert list(SessionInvitation.objects.values_list("role", flat=True)) == ["facilitator"]


def test_no_cancellation_for_someone_invited_again(session, analyst, facilitator) -> None:
    invitation = _emailed(session, analyst, SessionRole.OTHER)
    services.session_invitation_remove(invitation=invitation, removed_by=facilitator)
    cancellation = SessionCancellation.objects.get()
    SessionInvitation.objects.create(session=session, user=analyst, role=SessionRole.OTHER)

    assert tasks.email_session_cancellation(cancellation.pk) is False
    assert mail.outbox == []


# --- Who sees a session ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("analyst", 200),  # core team
        ("vcs_partner", 200),  # proposer
        ("staff", 200),  # invited
        ("outsider", 404),
        ("admin", 200),
    ],
)
def test_session_and_record_by_persona(who, status, session, persona, client_for, staff) -> None:
    SessionInvitation.objects.create(session=session, user=staff, role=SessionRole.SUBJECT_EXPERT)
    client = client_for(persona(who))
    for name in ("scoping:session", "scoping:session_record"):
        assert client.get(reverse(name, args=[session.pk])).status_code == status


def test_an_invitee_sees_the_session_but_not_the_idea(session, staff, client_for, idea) -> None:
    SessionInvitation.objects.create(session=session, user=staff, role=SessionRole.SUBJECT_EXPERT)
    client = client_for(staff)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Invite someone" not in page
    assert reverse("scoping:data_sources", args=[idea.pk]) not in page
    for name in (
        "scoping:overview",
        "scoping:data_sources",
        "scoping:skills",
        "scoping:evaluation",
    ):
        assert client.get(reverse(name, args=[idea.pk])).status_code == 404
    assert client.get(reverse("scoping:session_question", args=[session.pk])).status_code == 403


def test_the_proposer_sees_the_session_but_not_the_evaluation(
    session, vcs_partner, idea, client_for
):
    client = client_for(vcs_partner)
    assert client.get(session.get_absolute_url()).status_code == 200
    assert client.get(reverse("scoping:evaluation", args=[idea.pk])).status_code == 403


# --- Preparation and the question --------------------------------------------------------------


def test_core_team_writes_preparation_notes(session, team_member, client_for) -> None:
    url = reverse("scoping:session_preparation", args=[session.pk])
    response = client_for(team_member).post(
        url, {"prep_existing_work": "A survey in 2024.", "prep_known_datasets": "Visit logs."}
    )
    assert response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    assert (session.prep_existing_work, session.prep_known_datasets) == (
        "A survey in 2024.",
        "Visit logs.",
    )


def test_answers_and_the_refined_question_are_saved(session, analyst, client_for, idea) -> None:
    url = reverse("scoping:session_question", args=[session.pk])
    client = client_for(analyst)
    page = client.get(url).content.decode()
    assert "What decisions would the answer inform?" in page
    assert "The refined question" in page

    answers = {
        "decisions_informed": "Where outreach goes",
        "what_we_know": "A third stop within two months",
        "hypotheses": "School holidays",
        "pain_point": "Not knowing",
        "better_off": "Families in crisis",
        "who_could_act": "Volunteers could call",
        "refined_question": "  Which households stop visiting while still in crisis?  ",
    }
    response = client.post(url, answers)

    assert response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    idea.refresh_from_db()
    assert session.hypotheses == "School holidays"
    assert session.who_could_act == "Volunteers could call"
    assert idea.refined_question == "Which households stop visiting while still in crisis?"


def test_question_form_error(session, analyst, client_for) -> None:
    url = reverse("scoping:session_question", args=[session.pk])
    response = client_for(analyst).post(url, {"refined_question": "x" * 2001})
    assert response.status_code == 200
    assert "The refined question must be 2000 characters or fewer" in response.content.decode()


def test_the_printable_record_holds_the_whole_session(
    session, idea, facilitator, vcs_partner, client_for
) -> None:
    SessionInvitation.objects.create(session=session, user=vcs_partner, role=SessionRole.PROPOSER)
    session.pain_point = "Nobody knows who stops"
    session.prep_existing_work = "A neighbouring borough's survey"
    session.save()
    idea.refined_question = "Which households stop visiting in crisis?"
    idea.save()
    source_on(idea, "Volunteer notebooks", kind=DataSource.Kind.PAPER)

    page = _text(client_for(facilitator).get(reverse("scoping:session_record", args=[session.pk])))

    assert "Scoping session record: Who stops visiting?" in page
    assert "VCS colleague who proposed the idea</dt>" in page.replace("\n", "")
    assert "Vcs Partner" in page
    assert "A neighbouring borough&#x27;s survey" in page
    assert "Nobody knows who stops" in page
    assert "Which households stop visiting in crisis?" in page
    assert "Volunteer notebooks" in page and "Paper records" in page
    assert "cip-no-print" in page


@pytest.mark.parametrize("who", ["vcs_partner", "staff"])
def test_the_record_keeps_the_inventory_from_invitees_and_the_proposer(
    who, session, idea, persona, client_for
) -> None:
    user = persona(who)
    SessionInvitation.objects.create(session=session, user=user, role=SessionRole.OTHER)
    session.pain_point = "Nobody knows who stops"
    session.save()
    source_on(idea, "Volunteer notebooks", notes="Names and phone numbers", access_notes="Ask Jo")

    page = _text(client_for(user).get(reverse("scoping:session_record", args=[session.pk])))

    assert "Nobody knows who stops" in page
    for private in ("The data inventory", "Volunteer notebooks", "Names and phone", "Ask Jo"):
        assert private not in page


# --- The data inventory ------------------------------------------------------------------------

SOURCE = {
    "name": "Food bank visits",
    "kind": DataSource.Kind.INFORMAL_TOOL,
    "owner": "",
    "may_hold_personal_data": "True",
    "access_notes": "An export by the coordinator",
    "notes": "",
}


def test_core_team_adds_a_data_source(idea, team_member, client_for) -> None:
    owner = OrganisationFactory(name="Northgate Food Bank")
    response = client_for(team_member).post(
        reverse("scoping:data_source_new", args=[idea.pk]), SOURCE | {"owner": owner.pk}
    )
    assert response["Location"] == reverse("scoping:data_sources", args=[idea.pk])
    source = DataSource.objects.get()
    assert (source.idea, source.owner, source.may_hold_personal_data) == (idea, owner, True)


def test_no_is_saved_as_no(idea, team_member, client_for) -> None:
    client_for(team_member).post(
        reverse("scoping:data_source_new", args=[idea.pk]),
        SOURCE | {"may_hold_personal_data": "False"},
    )
    assert DataSource.objects.get().may_hold_personal_data is False


def test_data_source_form_errors(idea, team_member, client_for) -> None:
    response = client_for(team_member).post(reverse("scoping:data_source_new", args=[idea.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200
    for error in (
        "Enter the name of the data source",
        "Select what kind of data it is",
        "Select yes if it could hold personal data",
    ):
        assert error in page
    assert not DataSource.objects.exists()


def test_a_data_source_name_that_is_too_long(idea, team_member, client_for) -> None:
    response = client_for(team_member).post(
        reverse("scoping:data_source_new", args=[idea.pk]), SOURCE | {"name": "x" * 201}
    )
    assert "The name of the data source must be 200 characters or fewer" in _text(response)
    assert not DataSource.objects.exists()


def test_a_public_data_set_suggestion_fills_in_the_form(idea, team_member, client_for) -> None:
    url = reverse("scoping:data_source_new", args=[idea.pk]) + "?suggestion=london-datastore"
    page = client_for(team_member).get(url).content.decode()
    assert 'value="London Datastore"' in page
    assert re.search(r'value="open_data"[^>]*checked', page)
    assert re.search(r'value="False"[^>]*checked', page)
    assert "https://data.london.gov.uk/" in page


def test_suggestions_keep_the_guides_appendix_and_add_current_sources() -> None:
    from scoping.public_data import APPENDIX, CURRENT, PUBLIC_DATA_SETS  # noqa: PLC0415

    appendix_hosts = {
        "lionbridge.ai", "www.ons.gov.uk", "data.humdata.org", "theodi.org",
        "www.suttontrust.com", "www.ukdataservice.ac.uk", "www.ecdc.europa.eu", "vcsep.org.uk",
        "data.europa.eu", "data.london.gov.uk",
    }  # fmt: skip
    assert {urlsplit(data_set.url).netloc for data_set in APPENDIX} == appendix_hosts
    # The guide's pandemic collections say the period they cover.
    for data_set in APPENDIX:
        if "covid" in data_set.url.lower():
            assert data_set.period, data_set.slug
    names = " ".join(data_set.name for data_set in CURRENT)
    for expected in ("Census 2021", "Indices of Deprivation", "Fingertips", "Stat-Xplore",
                     "Police recorded crime"):  # fmt: skip
        assert expected in names
    for data_set in PUBLIC_DATA_SETS:
        assert data_set.publisher and data_set.licence and data_set.kind and data_set.holds
        assert data_set.url.startswith("https://")
    assert len({d.slug for d in PUBLIC_DATA_SETS}) == len(PUBLIC_DATA_SETS)


def test_a_facilitator_adds_the_programmes_own_data_set_for_every_idea(
    idea, facilitator, analyst, client_for
) -> None:
    url = reverse("scoping:public_data", args=[idea.programme.slug])
    client = client_for(facilitator)
    errors = _text(client.post(url, {}))
    assert "Enter the name of the data set" in errors and "Enter its licence" in errors
    data = {
        "name": "Riverside school places",
        "publisher": "Riverside Council",
        "holds": "Places and applications by school and ward.",
        "kind": "Open data, by school",
        "licence": "Open Government Licence v3.0",
        "period": "",
        "url": "data.riverside.example/schools",
    }
    assert client.post(url, data)["Location"] == url
    data_set = ProgrammeDataSet.objects.get()
    assert data_set.url == "https://data.riverside.example/schools"
    assert data_set.added_by == facilitator
    assert "already suggests a data set with this name" in _text(client.post(url, data))

    # Every idea's inventory offers it first, and adding it fills in the form.
    inventory = _text(client_for(analyst).get(reverse("scoping:data_sources", args=[idea.pk])))
    assert inventory.index("Riverside school places") < inventory.index("Census 2021")
    new = reverse("scoping:data_source_new", args=[idea.pk])
    form = _text(client_for(analyst).get(f"{new}?suggestion=programme-{data_set.pk}"))
    assert 'value="Riverside school places"' in form
    assert "Published by Riverside Council (Open Government Licence v3.0)" in form
    # Only the facilitator manages the list; another programme's ideas never see it.
    assert client_for(analyst).get(url).status_code == 403
    elsewhere = ProgrammeFactory(slug="elsewhere")
    assert "Riverside school places" not in [d.name for d in suggestions_for(elsewhere)]
    assert suggestion(elsewhere, f"programme-{data_set.pk}") is None

    remove = reverse("scoping:public_data_remove", args=[idea.programme.slug, data_set.pk])
    assert client.post(remove)["Location"] == url
    assert not ProgrammeDataSet.objects.exists()


def test_the_inventory_lists_suggestions_and_marks_those_added(idea, analyst, client_for):
    source_on(idea, "London Datastore", kind=DataSource.Kind.OPEN_DATA)
    page = _text(client_for(analyst).get(reverse("scoping:data_sources", args=[idea.pk])))
    assert "?suggestion=london-datastore" not in page
    assert "?suggestion=vcsep-research" in page
    assert "Added" in page


def test_the_inventory_offers_the_upload_only_to_the_owner(idea, analyst, client_for):
    food_bank = OrganisationFactory(name="Northgate Food Bank")
    owned = source_on(idea, "Visits", owner=food_bank)
    source_on(idea, "Published data", kind=DataSource.Kind.OPEN_DATA)
    url = reverse("scoping:data_sources", args=[idea.pk])
    upload = reverse("safety:dataset_upload", args=[owned.pk])

    page = client_for(analyst).get(url).content.decode()
    assert upload not in page
    assert "Only people confirmed to work at Northgate Food Bank can upload files" in page

    analyst.organisation, analyst.organisation_confirmed = food_bank, True
    analyst.save()
    page = client_for(analyst).get(url).content.decode()
    assert page.count("/upload/") == 1
    assert upload in page


def test_core_team_edits_and_removes_a_source(idea, analyst, client_for) -> None:
    source = source_on(idea)
    client = client_for(analyst)
    client.post(reverse("scoping:data_source_edit", args=[source.pk]), SOURCE | {"name": "Renamed"})
    source.refresh_from_db()
    assert source.name == "Renamed"

    response = client.post(reverse("scoping:data_source_remove", args=[source.pk]))
    assert response["Location"] == reverse("scoping:data_sources", args=[idea.pk])
    assert not DataSource.objects.exists()


def test_a_source_with_an_uploaded_file_cannot_be_removed(idea, analyst, client_for, tmp_path):
    source = source_on(idea, "Visits", owner=OrganisationFactory(name="Northgate Food Bank"))
    stored_dataset(source, tmp_path, upto="uploaded")
    url = reverse("scoping:data_source_remove", args=[source.pk])
    client = client_for(analyst)

    page = client.get(url).content.decode()
    assert "You cannot remove Visits" in page
    assert "because a file has been uploaded for it" in page
    response = client.post(url)
    assert response.status_code == 200
    assert DataSource.objects.filter(pk=source.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("vcs_partner", 403), ("staff", 404), ("outsider", 404)]
)
def test_only_the_core_team_edits_the_inventory(who, status, idea, persona, client_for):
    source = source_on(idea)
    client = client_for(persona(who))
    assert (
        client.post(reverse("scoping:data_source_new", args=[idea.pk]), SOURCE).status_code
        == status
    )
    assert (
        client.post(reverse("scoping:data_source_remove", args=[source.pk])).status_code == status
    )
    assert DataSource.objects.count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_inventory_takes_the_same_queries_for_one_source_or_many(idea, analyst, client_for):
    client = client_for(analyst)
    url = reverse("scoping:data_sources", args=[idea.pk])
    source_on(idea, "One", owner=OrganisationFactory(name="Org one"))
    one = _queries(client, url)
    for n in range(5):
        source_on(idea, f"More {n}", owner=OrganisationFactory(name=f"Org more {n}"))
    assert _queries(client, url) == one


def test_session_pages_take_the_same_queries_for_one_row_or_many(
    idea, session, facilitator, client_for
) -> None:
    def invite_one_more(n: int) -> None:
        person = UserFactory(organisation=OrganisationFactory(name=f"Org {n}"))
        SessionInvitation.objects.create(session=session, user=person, role=SessionRole.OTHER)
        ScopingSession.objects.create(idea=idea, starts_at=session.starts_at)
        source_on(idea, f"Source {n}", owner=person.organisation)

    client = client_for(facilitator)
    urls = [
        reverse("scoping:overview", args=[idea.pk]),
        session.get_absolute_url(),
        reverse("scoping:session_record", args=[session.pk]),
    ]
    invite_one_more(0)
    one = [_queries(client, url) for url in urls]
    for n in range(1, 6):
        invite_one_more(n)
    assert [_queries(client, url) for url in urls] == one


# --- People and skills -------------------------------------------------------------------------


def test_suggested_skills_are_added_once(idea, team_member, client_for) -> None:
    council = OrganisationFactory(name="Riverside Council", kind="council")
    source_on(idea, "Case system", kind=DataSource.Kind.DIGITAL_SYSTEM, owner=council)
    source_on(idea, "Exit survey", kind=DataSource.Kind.NEW_COLLECTION)
    client = client_for(team_member)
    url = reverse("scoping:skills_suggest", args=[idea.pk])

    page = _text(client.get(reverse("scoping:skills", args=[idea.pk])))
    assert "Add the suggested skills" in page
    response = client.post(url)
    assert response["Location"] == reverse("scoping:skills", args=[idea.pk])
    expected = {
        Skill.KNOWS_THE_DATA,
        Skill.SYSTEM_ADMIN,
        Skill.SUBJECT_EXPERT,
        Skill.RESEARCHER,  # the council is not on the core team
        Skill.COLLECTION_DESIGN,
    }
    assert set(SkillNeed.objects.values_list("skill", flat=True)) == expected
    assert all(SkillNeed.objects.values_list("suggested", flat=True))
    assert SkillNeed.objects.get(skill=Skill.SYSTEM_ADMIN).notes == "Suggested for Case system"

    client.post(url)
    assert SkillNeed.objects.count() == len(expected)
    page = _text(client.get(reverse("scoping:skills", args=[idea.pk])))
    assert "Add the suggested skills" not in page
    assert "5 of 5 skills are not filled yet" in page


def test_a_skill_already_listed_by_hand_is_not_suggested_again(idea, analyst) -> None:
    source_on(idea, "Survey", kind=DataSource.Kind.NEW_COLLECTION)
    skill_on(idea, Skill.COLLECTION_DESIGN, description="Someone to write the survey")
    assert services.skills_add_suggested(idea=idea) == []


def test_naming_who_fills_a_skill(idea, analyst, team_member, client_for) -> None:
    need = skill_on(idea, Skill.DATA_CLEANING)
    skill_on(idea, Skill.RESEARCHER, filled_by_name="A university researcher")
    client = client_for(team_member)
    page = _text(client.get(reverse("scoping:skills", args=[idea.pk])))
    assert "1 of 2 skills is not filled yet" in page
    assert "Not filled" in page

    response = client.post(
        reverse("scoping:skill_edit", args=[need.pk]),
        {"skill": Skill.DATA_CLEANING, "description": "Clean the notes", "filled_by": analyst.pk},
    )
    assert response["Location"] == reverse("scoping:skills", args=[idea.pk])
    need.refresh_from_db()
    assert need.filled_by == analyst and need.is_filled
    page = _text(client.get(reverse("scoping:skills", args=[idea.pk])))
    assert "not filled yet" not in page
    assert "Every skill on the list has someone to fill it" in page


def test_skill_form_errors(idea, analyst, team_member, client_for) -> None:
    client = client_for(team_member)
    response = client.post(reverse("scoping:skill_new", args=[idea.pk]), {})
    assert "Select the skill" in response.content.decode()
    response = client.post(
        reverse("scoping:skill_new", args=[idea.pk]),
        {"skill": "other", "filled_by": analyst.pk, "filled_by_name": "Someone"},
    )
    assert "Choose someone on the core team or enter a name, not both" in response.content.decode()
    response = client.post(
        reverse("scoping:skill_new", args=[idea.pk]),
        {"skill": "other", "description": "x" * 301, "filled_by_name": "y" * 201},
    )
    assert "What the project needs must be 300 characters or fewer" in _text(response)
    assert "Their name must be 200 characters or fewer" in _text(response)
    assert not SkillNeed.objects.exists()


def test_only_core_team_members_can_fill_a_skill(idea, team_member, outsider, client_for):
    response = client_for(team_member).post(
        reverse("scoping:skill_new", args=[idea.pk]), {"skill": "other", "filled_by": outsider.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_core_team_adds_and_removes_a_skill(idea, team_member, client_for) -> None:
    client = client_for(team_member)
    client.post(
        reverse("scoping:skill_new", args=[idea.pk]),
        {"skill": "other", "filled_by_name": "A volunteer translator"},
    )
    need = SkillNeed.objects.get()
    assert (need.suggested, need.filled_by_name) == (False, "A volunteer translator")
    response = client.post(reverse("scoping:skill_remove", args=[need.pk]))
    assert response.status_code == 302
    assert not SkillNeed.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("vcs_partner", 403), ("staff", 404), ("outsider", 404)]
)
def test_only_the_core_team_edits_skills(who, status, idea, persona, client_for):
    need = skill_on(idea)
    client = client_for(persona(who))
    assert client.post(reverse("scoping:skills_suggest", args=[idea.pk])).status_code == status
    assert client.post(reverse("scoping:skill_remove", args=[need.pk])).status_code == status
    assert SkillNeed.objects.count() == 1


def test_the_skills_list_takes_the_same_queries_for_one_skill_or_many(
    idea, analyst, client_for
) -> None:
    client = client_for(analyst)
    url = reverse("scoping:skills", args=[idea.pk])
    source_on(idea, "One", owner=OrganisationFactory(name="Org one"))
    skill_on(idea, filled_by=UserFactory())
    one = _queries(client, url)
    for n in range(5):
        source_on(idea, f"More {n}", owner=OrganisationFactory(name=f"Org more {n}"))
        skill_on(idea, filled_by=UserFactory())
    assert _queries(client, url) == one


# --- The evaluation summary --------------------------------------------------------------------


def test_the_summary_starts_from_the_skills_and_the_preparation(
    idea, session, facilitator, analyst, client_for
) -> None:
    skill_on(idea, Skill.SYSTEM_ADMIN, filled_by=analyst)
    skill_on(idea, Skill.RESEARCHER)
    session.prep_existing_work = "A survey last year"
    session.save()
    page = client_for(facilitator).get(reverse("scoping:evaluation_edit", args=[idea.pk]))
    text = page.content.decode()
    assert "- System or database administrator who can extract data: filled by Analyst" in text
    assert "- Researcher who follows the research and data in this area: not filled yet" in text
    assert "A survey last year" in text
    assert "personal data scans of any files uploaded" in text


def test_facilitator_writes_the_summary(idea, facilitator, client_for) -> None:
    data = {"existing_work": "A survey", "people_and_skills": "An engineer", "data_safety": "Names"}
    response = client_for(facilitator).post(
        reverse("scoping:evaluation_edit", args=[idea.pk]), data
    )
    assert response["Location"] == reverse("scoping:evaluation", args=[idea.pk])
    evaluation = EvaluationSummary.objects.get()
    assert evaluation.is_complete and evaluation.updated_by == facilitator
    assert idea.evaluation == evaluation


def test_evaluation_form_error(idea, facilitator, client_for) -> None:
    # A browser may send anything; a field that is not text still shows the form again.
    response = client_for(facilitator).post(
        reverse("scoping:evaluation_edit", args=[idea.pk]), {"existing_work": "\x00"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not EvaluationSummary.objects.exists()


@pytest.mark.parametrize(
    ("who", "read", "edit"),
    [
        ("analyst", 200, 403),
        ("team_member", 200, 403),
        ("vcs_partner", 403, 403),
        ("staff", 404, 404),
        ("outsider", 404, 404),
        ("facilitator", 200, 200),
    ],
)
def test_evaluation_by_persona(who, read, edit, idea, persona, client_for) -> None:
    client = client_for(persona(who))
    assert client.get(reverse("scoping:evaluation", args=[idea.pk])).status_code == read
    assert client.get(reverse("scoping:evaluation_edit", args=[idea.pk])).status_code == edit
    assert client.get(reverse("scoping:evaluation_share", args=[idea.pk])).status_code == edit


def test_an_incomplete_summary_cannot_be_shared(idea, facilitator, client_for, emails) -> None:
    EvaluationSummary.objects.create(idea=idea, existing_work="Only this")
    with emails():
        response = client_for(facilitator).post(reverse("scoping:evaluation_share", args=[idea.pk]))
    assert response.status_code == 200
    assert "Complete the summary before you share it" in response.content.decode()
    assert mail.outbox == []
    assert EvaluationSummary.objects.get().shared_at is None


def test_sharing_emails_each_active_core_team_member_once_per_press(
    idea, programme_a, facilitator, analyst, team_member, client_for, emails
) -> None:
    leaver = MembershipFactory(programme=programme_a, user=UserFactory(email="gone@example.org"))
    leaver.ended_at = timezone.now()
    leaver.save()
    complete_evaluation(idea)
    url = reverse("scoping:evaluation_share", args=[idea.pk])
    client = client_for(facilitator)
    assert "Analyst" in client.get(url).content.decode()

    with emails():
        response = client.post(url)

    assert response["Location"] == reverse("scoping:evaluation", args=[idea.pk])
    evaluation = EvaluationSummary.objects.get()
    assert evaluation.shared_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [facilitator.email, analyst.email, team_member.email]
    )
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == "Evaluation summary ready: Who stops visiting?"
    assert absolute_url(reverse("scoping:evaluation", args=[idea.pk])) in message.body

    # The task again for the same press sends nothing, nor does a second press of "Share".
    shared_at = evaluation.shared_at.isoformat()
    assert tasks.email_evaluation_shared(evaluation.pk, shared_at) == 0
    with emails():
        response = client.post(url, follow=True)
    assert "already has this version" in response.content.decode()
    assert len(mail.outbox) == 3
    page = client.get(reverse("scoping:evaluation", args=[idea.pk])).content.decode()
    assert "Shared with the core team on" in page
    assert "Share with the core team</a>" not in page

    # Once the summary changes, the page says so and sharing sends the new version.
    fields = {"existing_work": "Updated", "people_and_skills": "Two", "data_safety": "Names"}
    client.post(reverse("scoping:evaluation_edit", args=[idea.pk]), fields)
    page = client.get(reverse("scoping:evaluation", args=[idea.pk])).content.decode()
    assert "Changed since it was shared" in page
    with emails():
        client.post(url)
    assert len(mail.outbox) == 6


def test_the_evaluation_lists_files_scanned_per_source(idea, analyst, client_for, tmp_path):
    source = source_on(idea, "Visits", owner=OrganisationFactory(name="Northgate Food Bank"))
    stored_dataset(source, tmp_path, upto="uploaded")
    page = _text(client_for(analyst).get(reverse("scoping:evaluation", args=[idea.pk])))
    assert 'Visits<br><span class="govuk-body-s">Northgate Food Bank</span>' in page
    assert reverse("safety:dataset_list") in page


# --- The overview, the project page's task list and the dashboard ------------------------------


def test_the_task_list_follows_the_scoping(idea, facilitator, analyst, client_for) -> None:
    client = client_for(facilitator)
    url = reverse("scoping:overview", args=[idea.pk])
    page = _text(client.get(url))
    assert page.count("Not yet started") == 4
    assert "Cannot start yet" in page
    assert reverse("scoping:session_new", args=[idea.pk]) in page

    session = session_for(idea, days=-1)
    idea.refined_question = "Which households stop?"
    idea.save()
    source_on(idea)
    skill_on(idea, filled_by=analyst)
    complete_evaluation(idea)
    page = _text(client.get(url))
    assert page.count(">Completed<") == 4
    assert "Not shared yet" in page
    assert session.get_absolute_url() in page


def test_the_project_page_partial_renders_for_the_proposer_without_team_links(
    idea, vcs_partner, rf
) -> None:
    from django.template.loader import render_to_string  # noqa: PLC0415

    session = session_for(idea)
    request = rf.get("/")
    request.user = vcs_partner
    html = render_to_string(
        "scoping/_project_scoping.html", {"idea": idea, "project": None}, request=request
    )
    assert "govuk-task-list" in html
    assert session.get_absolute_url() in html
    assert reverse("scoping:data_sources", args=[idea.pk]) not in html


def test_invitees_see_upcoming_sessions_on_their_dashboard(session, staff, client_for) -> None:
    SessionInvitation.objects.create(session=session, user=staff, role=SessionRole.SUBJECT_EXPERT)
    page = _text(client_for(staff).get(reverse("dashboard")))
    assert "Scoping session: Who stops visiting?" in page
    assert "as subject-matter expert from service delivery" in page

    session.starts_at = timezone.now() - timedelta(hours=2)
    session.save()
    assert "Scoping session: Who stops" not in _text(client_for(staff).get(reverse("dashboard")))


def test_facilitators_are_asked_for_the_refined_question_after_a_session(
    idea, facilitator, analyst, client_for
) -> None:
    session = session_for(idea, days=-1)
    task = "Record the refined question for “Who stops visiting?”"
    assert task in _text(client_for(facilitator).get(reverse("dashboard")))
    assert reverse("scoping:session_question", args=[session.pk]) in _text(
        client_for(facilitator).get(reverse("dashboard"))
    )
    assert task not in _text(client_for(analyst).get(reverse("dashboard")))

    idea.refined_question = "Which households stop?"
    idea.save()
    assert task not in _text(client_for(facilitator).get(reverse("dashboard")))


def test_the_data_safety_part_starts_from_the_inventory_and_the_scans(
    idea, facilitator, client_for, tmp_path
) -> None:
    source = source_on(
        idea, "Visits", owner=OrganisationFactory(name="Northgate Food Bank"),
        may_hold_personal_data=True,
    )  # fmt: skip
    dataset = stored_dataset(source, tmp_path, upto="redacted")
    source_on(idea, "Published data", kind=DataSource.Kind.OPEN_DATA, may_hold_personal_data=False)
    names = next(f for f in dataset.findings.all() if "PERSON_NAME" in f.pii_types)

    form = client_for(facilitator).get(reverse("scoping:evaluation_edit", args=[idea.pk]))
    draft = form.context["form"]["data_safety"].value()

    assert "- Published data: is not expected to hold personal data." in draft
    assert "- Visits, held by Northgate Food Bank: may hold personal data." in draft
    assert "visits.csv: personal data in " in draft
    assert "person name" in draft and "NHS number" in draft
    assert "a redacted copy is ready." in draft
    assert names.masked_examples and not any(example in draft for example in names.masked_examples)


def test_a_withdrawn_idea_does_not_link_to_a_question_nobody_may_change(
    idea, facilitator, client_for
) -> None:
    session = session_for(idea, days=-1)
    question = reverse("scoping:session_question", args=[session.pk])
    project = Project.objects.get(idea=idea)
    client = client_for(facilitator)
    assert question in client.get(project.get_absolute_url()).content.decode()

    Project.objects.filter(pk=project.pk).update(status="withdrawn")
    assert question not in client.get(project.get_absolute_url()).content.decode()
    assert client.get(question).status_code == 403
