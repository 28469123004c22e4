"""Ideas through their pages: suggesting one, from office hours, the queue, "your ideas", the
project page, moves, messages, merging and dashboard tasks, as each persona."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import tasks
from projects.models import Project, ProjectEvent, Status
from projects.services import idea_message_add, idea_submit, project_transition
from scoping.models import DataSource, Idea, IdeaMessage, ScopingSession
from teams.models import Membership, OfficeHourBooking, OfficeHourSlot, Role, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Who stops coming to the food bank?",
    "problem": "Regular visitors stop coming and we do not know why.",
    "question": "Which visitors stop coming, and what happened to them?",
    "affected": "Families on low incomes",
    "decisions": "Where to put our outreach worker",
    "beliefs": "Bus fares went up",
}


def _submit(programme, user, **fields) -> Project:
    return idea_submit(
        programme=programme,
        submitted_by=user,
        proposer=user,
        organisation=user.organisation if user else None,
        **({"title": "An idea", "problem": "A problem"} | fields),
    )


@pytest.fixture
def project(programme_a, vcs_partner) -> Project:
    """The VCS partner's idea on programme A."""
    return _submit(programme_a, vcs_partner, title="Who stops coming to the food bank?")


def _url(name: str, *args) -> str:
    return reverse(f"projects:{name}", args=args)


# --- Suggesting an idea -------------------------------------------------------------------------


def test_a_vcs_partner_suggests_an_idea(
    programme_a, vcs_partner, facilitator, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(vcs_partner)
    page = client.get(_url("idea_new", programme_a.slug)).content.decode()
    assert "Suggest an idea" in page
    assert vcs_partner.organisation.name in page
    assert "proposer_email" not in page  # only the facilitator records ideas for others

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("idea_new", programme_a.slug), FIELDS)

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.project.get_absolute_url()
    assert (idea.programme, idea.proposer, idea.submitted_by) == (
        programme_a,
        vcs_partner,
        vcs_partner,
    )
    assert idea.proposing_organisation == vcs_partner.organisation
    assert {name: getattr(idea, name) for name in FIELDS} == FIELDS
    assert idea.project.status == Status.IDEA
    assert idea.project.events.get().action == "submit"
    # The programme's facilitator hears about it, once.
    (email,) = mail.outbox
    assert email.to == [facilitator.email]
    assert FIELDS["title"] in email.subject
    assert idea.project.get_absolute_url() in email.body
    assert tasks.email_facilitators_about_idea(idea.project.events.get().pk) == 0
    assert len(mail.outbox) == 1
    banner = client.get(response["Location"]).content.decode()
    assert "has been sent to the Riverside Community Insights team" in banner


def test_an_empty_idea_is_explained(programme_a, vcs_partner, client_for) -> None:
    response = client_for(vcs_partner).post(_url("idea_new", programme_a.slug), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error: " in page
    assert "Enter a short title for your idea" in page
    assert "Describe the problem" in page
    assert "Enter the question or what you do not know yet" in page
    assert not Idea.objects.exists()


def test_a_too_long_title_and_an_unknown_organisation_say_what_to_fix(
    programme_a, facilitator, client_for
) -> None:
    data = FIELDS | {"title": "x" * 201, "organisation": "999999"}
    response = client_for(facilitator).post(_url("idea_new", programme_a.slug), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The title must be 200 characters or fewer" in page
    assert "Choose an organisation from the list" in page
    assert "Ensure this value" not in page and "Select a valid choice" not in page
    assert not Idea.objects.exists()


def test_an_unconfirmed_organisation_is_shown_as_stated(programme_a, client_for) -> None:
    claimant = UserFactory(organisation_confirmed=False)
    client = client_for(claimant)
    assert "not yet confirmed" in client.get(_url("idea_new", programme_a.slug)).content.decode()
    client.post(_url("idea_new", programme_a.slug), FIELDS)
    idea = Idea.objects.get()
    assert idea.proposing_organisation == claimant.organisation
    page = client.get(idea.project.get_absolute_url()).content.decode()
    assert "as stated: not yet confirmed" in page


def test_suggesting_needs_a_sign_in_and_a_real_programme(programme_a, client_for, vcs_partner):
    response = client_for(None).get(_url("idea_new", programme_a.slug))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(vcs_partner).get(_url("idea_new", "nowhere")).status_code == 404
    assert client_for(vcs_partner).put(_url("idea_new", programme_a.slug)).status_code == 405


def test_the_facilitator_records_an_idea_for_someone_with_an_account(
    programme_a, facilitator, client_for
) -> None:
    proposer = UserFactory(email="amina@carers.example")
    client = client_for(facilitator)
    assert "proposer_email" in client.get(_url("idea_new", programme_a.slug)).content.decode()

    response = client.post(
        _url("idea_new", programme_a.slug), FIELDS | {"proposer_email": "Amina@Carers.example"}
    )

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert (idea.proposer, idea.submitted_by) == (proposer, facilitator)
    assert idea.proposing_organisation == proposer.organisation
    # The proposer now knows their idea.
    assert client_for(proposer).get(idea.project.get_absolute_url()).status_code == 200


def test_the_facilitator_records_an_idea_for_an_organisation_without_an_account(
    programme_a, facilitator, client_for
) -> None:
    carers = OrganisationFactory(name="Riverside Carers")
    client_for(facilitator).post(
        _url("idea_new", programme_a.slug), FIELDS | {"organisation": carers.pk}
    )
    idea = Idea.objects.get()
    assert idea.proposer is None
    assert idea.proposing_organisation == carers


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({}, "Enter the proposer&#x27;s email address or choose their organisation"),
        ({"proposer_email": "nobody@example.org"}, "There is no account with that email"),
        ({"proposer_email": "not an email"}, "Enter an email address like name@example.org"),
    ],
)
def test_the_facilitator_must_name_the_proposer(
    extra, error, programme_a, facilitator, client_for
) -> None:
    response = client_for(facilitator).post(_url("idea_new", programme_a.slug), FIELDS | extra)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Idea.objects.exists()


def test_a_title_is_kept_on_one_line(programme_a, vcs_partner, client_for) -> None:
    title = "Who stops coming?\r\nBcc: everyone@example.org"
    client_for(vcs_partner).post(_url("idea_new", programme_a.slug), FIELDS | {"title": title})
    assert Idea.objects.get().title == "Who stops coming? Bcc: everyone@example.org"


def test_an_idea_cannot_be_recorded_for_a_deactivated_account(
    programme_a, facilitator, client_for
) -> None:
    UserFactory(email="left@carers.example", is_active=False)
    response = client_for(facilitator).post(
        _url("idea_new", programme_a.slug), FIELDS | {"proposer_email": "left@carers.example"}
    )
    assert "There is no account with that email" in response.content.decode()
    assert not Idea.objects.exists()


def test_only_the_facilitator_records_ideas_for_others(
    programme_a, analyst, vcs_partner, client_for
) -> None:
    client_for(analyst).post(
        _url("idea_new", programme_a.slug), FIELDS | {"proposer_email": vcs_partner.email}
    )
    idea = Idea.objects.get()
    assert idea.proposer == analyst  # the extra field is not even read


# --- From an office-hours booking ---------------------------------------------------------------


@pytest.fixture
def booking(programme_a, vcs_partner) -> OfficeHourBooking:
    starts = timezone.now() - timedelta(days=2)
    slot = OfficeHourSlot.objects.create(
        programme=programme_a, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    return OfficeHourBooking.objects.create(
        slot=slot,
        user=vcs_partner,
        organisation=vcs_partner.organisation,
        topic="Carers who cannot get respite\nand what happens to them",
        notes="They keep a spreadsheet of respite requests.",
    )


def test_the_facilitator_turns_a_booking_into_an_idea_with_one_click(
    booking, programme_a, facilitator, vcs_partner, client_for
) -> None:
    client = client_for(facilitator)
    attendance = reverse("teams:office_hours_attendance", args=[programme_a.slug, booking.pk])
    assert "Turn into an idea" in client.get(attendance).content.decode()

    response = client.post(_url("idea_from_booking", booking.pk))

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.project.get_absolute_url()
    assert (idea.booking, idea.proposer, idea.submitted_by) == (booking, vcs_partner, facilitator)
    assert idea.proposing_organisation == vcs_partner.organisation
    assert idea.title == "Carers who cannot get respite"
    assert idea.problem == booking.topic
    (note,) = idea.messages.all()
    assert note.kind == IdeaMessage.Kind.TEAM_NOTE
    assert booking.notes in note.body
    # A second press leads to the same idea; the attendance page links to it.
    again = client.post(_url("idea_from_booking", booking.pk))
    assert again["Location"] == idea.project.get_absolute_url()
    assert Idea.objects.count() == 1
    page = client.get(attendance).content.decode()
    assert "Turn into an idea" not in page
    assert idea.project.get_absolute_url() in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("vcs_partner", 403), ("analyst", 404), ("outsider", 404), ("staff", 404)],
)
def test_only_the_facilitator_turns_bookings_into_ideas(
    who, status, booking, persona, client_for
) -> None:
    assert client_for(persona(who)).post(_url("idea_from_booking", booking.pk)).status_code == (
        status
    )
    assert not Idea.objects.exists()


def test_turning_a_booking_into_an_idea_is_a_post(booking, facilitator, client_for) -> None:
    assert client_for(facilitator).get(_url("idea_from_booking", booking.pk)).status_code == 405
    response = client_for(None).post(_url("idea_from_booking", booking.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The facilitator's queue --------------------------------------------------------------------


def test_the_core_team_sees_the_queue_newest_first(
    programme_a, programme_b, facilitator, analyst, vcs_partner, client_for
) -> None:
    old = _submit(programme_a, vcs_partner, title="Older idea")
    Idea.objects.filter(pk=old.idea_id).update(created_at=timezone.now() - timedelta(days=3))
    new = _submit(programme_a, vcs_partner, title="Newer idea")
    _submit(programme_b, vcs_partner, title="Hillside idea")
    idea_message_add(idea=new.idea, author=facilitator, kind="request", body="Which ward?")

    for user in (facilitator, analyst):
        page = client_for(user).get(_url("idea_queue", programme_a.slug)).content.decode()
        assert page.index("Newer idea") < page.index("Older idea")
        assert "Hillside idea" not in page
        assert vcs_partner.organisation.name in page
        assert page.count("Waiting for the proposer") == 1


def test_the_queue_filters_by_status(programme_a, facilitator, vcs_partner, client_for) -> None:
    _submit(programme_a, vcs_partner, title="Still an idea")
    gone = _submit(programme_a, vcs_partner, title="Withdrawn idea")
    project_transition(project=gone, user=facilitator, action="withdraw", reason="Duplicate")
    client = client_for(facilitator)

    page = client.get(_url("idea_queue", programme_a.slug) + "?status=idea").content.decode()
    assert "Still an idea" in page and "Withdrawn idea" not in page
    assert "Withdrawn (1)" in page
    everything = client.get(_url("idea_queue", programme_a.slug) + "?status=nonsense")
    assert "Withdrawn idea" in everything.content.decode()


def test_the_queue_filters_by_organisation_and_words_across_pages(
    programme_a, facilitator, vcs_partner, client_for
) -> None:
    other = UserFactory(organisation=OrganisationFactory(name="Hillside Tenants"))
    for n in range(30):
        _submit(programme_a, vcs_partner, title=f"Food bank visits {n}")
    _submit(programme_a, vcs_partner, title="Library opening hours")
    _submit(programme_a, other, title="Food bank in the hills")
    url = _url("idea_queue", programme_a.slug)
    organisation = vcs_partner.organisation.pk
    client = client_for(facilitator)

    first = client.get(url, {"organisation": organisation, "q": "food bank"}).content.decode()
    assert "30 of 32 ideas match the filters" in first
    assert "Food bank in the hills" not in first and "Library" not in first
    # The next page keeps the filters.
    assert f"?organisation={organisation}&amp;q=food+bank&amp;page=2" in first
    second = client.get(url, {"organisation": organisation, "q": "food bank", "page": 2})
    assert second.content.decode().count("Food bank visits") == 5
    # Each status says how many ideas it would show with the other filters.
    assert "Idea (30)" in first


def test_a_filter_that_is_not_offered_says_what_to_fix(
    programme_a, facilitator, vcs_partner, client_for
) -> None:
    _submit(programme_a, vcs_partner, title="Still listed")
    page = client_for(facilitator).get(
        _url("idea_queue", programme_a.slug), {"organisation": "999999", "q": "x" * 101}
    )
    html = page.content.decode()
    assert "Choose an organisation from the list" in html
    assert "Search for 100 characters or fewer" in html
    assert "Still listed" in html  # the bad filters are left out, not applied


def test_a_reply_clears_the_waiting_flag(programme_a, facilitator, project, client_for) -> None:
    idea_message_add(idea=project.idea, author=facilitator, kind="request", body="Which ward?")
    idea_message_add(idea=project.idea, author=project.idea.proposer, kind="reply", body="North")
    page = client_for(facilitator).get(_url("idea_queue", programme_a.slug)).content.decode()
    assert "Waiting for the proposer" not in page


def test_the_queue_makes_the_same_queries_for_one_idea_or_many(
    programme_a, facilitator, vcs_partner, client_for
) -> None:
    client = client_for(facilitator)
    _submit(programme_a, vcs_partner)
    client.get(_url("idea_queue", programme_a.slug))  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(_url("idea_queue", programme_a.slug))
    for n in range(5):
        project = _submit(programme_a, UserFactory(), title=f"Idea {n}")
        idea_message_add(idea=project.idea, author=facilitator, kind="request", body="More?")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("idea_queue", programme_a.slug))
    assert response.content.decode().count("Waiting for the proposer") == 5
    assert len(many) == len(one)


@pytest.mark.parametrize(("who", "status"), [("vcs_partner", 404), ("outsider", 404)])
def test_the_queue_is_for_the_core_team(who, status, programme_a, persona, client_for) -> None:
    assert client_for(persona(who)).get(_url("idea_queue", programme_a.slug)).status_code == status


# --- Your ideas ---------------------------------------------------------------------------------


def test_your_ideas_lists_your_own_with_the_latest_reason(
    programme_a, facilitator, vcs_partner, staff, client_for
) -> None:
    kept = _submit(programme_a, vcs_partner, title="Kept idea")
    gone = _submit(programme_a, vcs_partner, title="Withdrawn idea")
    _submit(programme_a, staff, title="Someone else's idea")
    project_transition(
        project=gone, user=facilitator, action="withdraw", reason="The council already has this"
    )
    idea_message_add(idea=kept.idea, author=facilitator, kind="request", body="Which ward?")

    page = client_for(vcs_partner).get(_url("my_ideas")).content.decode()

    assert "Kept idea" in page and "Withdrawn idea" in page
    assert "Someone else" not in page
    assert "The council already has this" in page
    assert "The team has asked you a question" in page


# --- The project page ---------------------------------------------------------------------------


@pytest.fixture
def thread(project, facilitator, vcs_partner) -> Project:
    idea = project.idea
    idea_message_add(idea=idea, author=facilitator, kind="request", body="Which wards?")
    idea_message_add(idea=idea, author=vcs_partner, kind="reply", body="North and East.")
    idea_message_add(idea=idea, author=facilitator, kind="team_note", body="Ask the analyst.")
    return project


def test_the_proposer_sees_requests_and_replies_but_never_team_notes(
    thread, vcs_partner, client_for
) -> None:
    page = client_for(vcs_partner).get(thread.get_absolute_url()).content.decode()
    assert "Which wards?" in page and "North and East." in page
    assert "Ask the analyst." not in page
    assert "Core team only" not in page
    assert "Your reply to the team" in page  # the reply form
    assert "Note for the core team" not in page


@pytest.mark.parametrize("who", ["team_member", "analyst", "reviewer", "facilitator", "admin"])
def test_the_core_team_and_admins_see_team_notes(who, thread, persona, client_for) -> None:
    page = client_for(persona(who)).get(thread.get_absolute_url()).content.decode()
    assert "Ask the analyst." in page and "Which wards?" in page


@pytest.mark.parametrize("who", ["vcs_partner", "staff", "outsider"])
def test_people_outside_the_idea_get_404(who, programme_a, facilitator, persona, client_for):
    other = _submit(programme_a, facilitator, title="The facilitator's own idea")
    assert client_for(persona(who)).get(other.get_absolute_url()).status_code == 404


def test_the_page_shows_the_idea_and_its_history(
    project, facilitator, vcs_partner, client_for
) -> None:
    idea = project.idea
    idea.refined_question = "Which regular visitors stop coming after a bus fare rise?"
    idea.save()
    ScopingSession.objects.create(idea=idea, starts_at=timezone.now() + timedelta(days=1))
    project_transition(project=project, user=facilitator, action="start_scoping")

    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()

    assert "Which regular visitors stop coming after a bus fare rise?" in page
    assert "Scoping</strong>" in page
    assert "Idea → Scoping" in page
    assert "Suggested the idea" in page
    assert "Scoping and selection" in page


@pytest.mark.parametrize(
    ("who", "buttons", "hidden"),
    [
        ("facilitator", ["Start scoping", "Withdraw", "Merge this idea"], []),
        ("vcs_partner", ["Withdraw"], ["Start scoping", "Merge this idea"]),
        ("analyst", [], ["Start scoping", "Withdraw", "Merge this idea"]),
    ],
)
def test_the_buttons_come_from_the_available_actions(
    who, buttons, hidden, project, persona, client_for
) -> None:
    page = client_for(persona(who)).get(project.get_absolute_url()).content.decode()
    for label in buttons:
        assert label in page
    for label in hidden:
        assert label not in page


# --- Moves --------------------------------------------------------------------------------------


def test_the_facilitator_withdraws_with_a_reason_the_proposer_sees(
    project, facilitator, vcs_partner, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(facilitator)
    url = _url("move", project.pk, "withdraw")
    assert "Why?" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Another programme is already on it"})

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert project.status == Status.WITHDRAWN
    (email,) = mail.outbox
    assert email.to == [vcs_partner.email]
    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    assert "Another programme is already on it" in page


def test_a_move_without_its_reason_is_explained(project, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_url("move", project.pk, "withdraw"), {"reason": ""})
    assert response.status_code == 200
    assert "Enter the reason" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == Status.IDEA


def test_a_blocked_move_lists_what_is_missing(project, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_url("move", project.pk, "start_scoping"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Schedule a scoping session for the idea first" in page
    assert Project.objects.get(pk=project.pk).status == Status.IDEA


def test_the_proposer_withdraws_their_own_idea(project, vcs_partner, client_for) -> None:
    response = client_for(vcs_partner).post(
        _url("move", project.pk, "withdraw"), {"reason": "We found the answer ourselves"}
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == Status.WITHDRAWN


def test_the_proposer_cannot_withdraw_a_selected_project(project, vcs_partner, client_for):
    Project.objects.filter(pk=project.pk).update(status=Status.SELECTED)
    response = client_for(vcs_partner).post(
        _url("move", project.pk, "withdraw"), {"reason": "Changed our mind"}
    )
    assert response.status_code == 200
    assert "The project is selected, so it cannot move that way now" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("analyst", 403), ("vcs_partner", 403), ("outsider", 404), ("staff", 404)],
)
def test_only_the_facilitator_moves_a_project(who, status, project, persona, client_for):
    response = client_for(persona(who)).post(_url("move", project.pk, "start_scoping"))
    assert response.status_code == status


def test_an_unknown_move_is_404(project, facilitator, client_for) -> None:
    assert client_for(facilitator).get(_url("move", project.pk, "fly")).status_code == 404


# --- Messages -----------------------------------------------------------------------------------


def test_a_request_is_emailed_to_the_proposer_and_the_reply_to_the_facilitator(
    project, facilitator, vcs_partner, client_for, django_capture_on_commit_callbacks
) -> None:
    url = _url("idea_message", project.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(facilitator).post(url, {"kind": "request", "body": "Which wards?"})
    assert response["Location"] == project.get_absolute_url() + "#messages"
    (request_email,) = mail.outbox
    assert request_email.to == [vcs_partner.email]
    assert "Which wards?" in request_email.body

    with django_capture_on_commit_callbacks(execute=True):
        # A proposer cannot write a team note: whatever they send is a reply.
        client_for(vcs_partner).post(url, {"kind": "team_note", "body": "North and East."})
    reply = IdeaMessage.objects.get(body="North and East.")
    assert reply.kind == IdeaMessage.Kind.REPLY
    assert mail.outbox[1].to == [facilitator.email]
    # Each email goes once, however often its task runs.
    assert tasks.email_about_idea_message(reply.pk) == 0
    assert len(mail.outbox) == 2


def test_deactivated_accounts_are_not_emailed(
    project, facilitator, vcs_partner, client_for, django_capture_on_commit_callbacks
) -> None:
    # An admin deactivates someone who has left; their membership may not be ended yet.
    left = UserFactory(email="left@example.org", is_active=False)
    Membership.objects.create(programme=project.idea.programme, user=left, role=Role.FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        idea_message_add(idea=project.idea, author=vcs_partner, kind="reply", body="North.")
    assert [email.to for email in mail.outbox] == [[facilitator.email]]

    User.objects.filter(pk=vcs_partner.pk).update(is_active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        idea_message_add(idea=project.idea, author=facilitator, kind="request", body="Which?")
        project_transition(project=project, user=facilitator, action="withdraw", reason="Done")
    assert mail.outbox == []


def test_a_team_note_is_not_emailed(
    project, facilitator, client_for, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(
            _url("idea_message", project.pk), {"kind": "team_note", "body": "Ask the analyst"}
        )
    assert IdeaMessage.objects.get().kind == IdeaMessage.Kind.TEAM_NOTE
    assert mail.outbox == []


def test_an_empty_message_is_explained(project, facilitator, client_for) -> None:
    response = client_for(facilitator).post(_url("idea_message", project.pk), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose what kind of message it is" in page and "Enter your message" in page


@pytest.mark.parametrize(("who", "status"), [("analyst", 403), ("outsider", 404)])
def test_other_people_cannot_write_messages(who, status, project, persona, client_for) -> None:
    response = client_for(persona(who)).post(
        _url("idea_message", project.pk), {"kind": "team_note", "body": "Hello"}
    )
    assert response.status_code == status
    assert not IdeaMessage.objects.exists()


# --- Merging ------------------------------------------------------------------------------------


def test_the_facilitator_merges_a_duplicate(
    programme_a, project, facilitator, vcs_partner, client_for
) -> None:
    other_proposer = UserFactory(email="other@example.org")
    duplicate = _submit(programme_a, other_proposer, title="Food bank drop-off")
    source = DataSource.objects.create(idea=duplicate.idea, name="Visits", kind="paper")
    idea_message_add(idea=duplicate.idea, author=facilitator, kind="request", body="Since when?")
    client = client_for(facilitator)
    url = _url("idea_merge", duplicate.pk)
    assert "Who stops coming to the food bank?" in client.get(url).content.decode()

    response = client.post(url, {"into": project.idea.pk})

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    duplicate.refresh_from_db()
    duplicate.idea.refresh_from_db()
    assert duplicate.status == Status.WITHDRAWN
    assert duplicate.idea.merged_into == project.idea
    assert "Merged into “Who stops coming to the food bank?”" in duplicate.status_reason
    source.refresh_from_db()
    assert source.idea == project.idea
    moved = IdeaMessage.objects.get(body="Since when?")
    # Another proposer's conversation stays with the team: it becomes a team note.
    assert (moved.idea, moved.kind) == (project.idea, IdeaMessage.Kind.TEAM_NOTE)
    assert (
        "Since when?"
        not in client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    )
    # The merged idea's proposer sees where it went.
    page = client_for(other_proposer).get(duplicate.get_absolute_url()).content.decode()
    assert "This idea was merged into" in page


def test_merging_needs_a_choice_from_the_same_programme(
    programme_a, programme_b, project, facilitator, vcs_partner, client_for
) -> None:
    elsewhere = _submit(programme_b, vcs_partner, title="Hillside idea")
    duplicate = _submit(programme_a, vcs_partner, title="Duplicate")
    client = client_for(facilitator)
    for data, problem in (
        ({}, "Choose the idea to keep"),
        ({"into": elsewhere.idea.pk}, "Choose one of the open ideas listed"),
    ):
        response = client.post(_url("idea_merge", duplicate.pk), data)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        assert problem in response.content.decode()
    assert Project.objects.get(pk=duplicate.pk).status == Status.IDEA


@pytest.mark.parametrize(("who", "status"), [("vcs_partner", 403), ("analyst", 403)])
def test_only_the_facilitator_merges(who, status, programme_a, project, persona, client_for):
    duplicate = _submit(programme_a, persona("vcs_partner"), title="Duplicate")
    response = client_for(persona(who)).post(
        _url("idea_merge", duplicate.pk), {"into": project.idea.pk}
    )
    assert response.status_code == status
    assert Project.objects.get(pk=duplicate.pk).status == Status.IDEA


# --- Dashboard tasks ----------------------------------------------------------------------------


def test_dashboard_tasks_for_the_facilitator_and_the_proposer(
    project, facilitator, vcs_partner, client_for
) -> None:
    dashboard = reverse("dashboard")
    assert (
        "Look at 1 new idea for Riverside"
        in client_for(facilitator).get(dashboard).content.decode()
    )
    assert "Reply to the team" not in client_for(vcs_partner).get(dashboard).content.decode()
    # The task opens the queue filtered to the new ideas, which lists only those.
    queue = _url("idea_queue", project.idea.programme.slug) + "?status=idea"
    assert f'href="{queue}"' in client_for(facilitator).get(dashboard).content.decode()
    _submit(project.idea.programme, vcs_partner, title="Scoped already")
    Project.objects.filter(idea__title="Scoped already").update(status=Status.SCOPING)
    listed = client_for(facilitator).get(queue).content.decode()
    assert project.idea.title in listed and "Scoped already" not in listed

    idea_message_add(idea=project.idea, author=facilitator, kind="request", body="Which ward?")
    page = client_for(vcs_partner).get(dashboard).content.decode()
    assert "Reply to the team about “Who stops coming to the food bank?”" in page

    idea_message_add(idea=project.idea, author=vcs_partner, kind="reply", body="North")
    assert "Reply to the team" not in client_for(vcs_partner).get(dashboard).content.decode()


def test_the_programme_page_invites_signed_in_people_to_suggest_an_idea(
    programme_a, vcs_partner, client_for
) -> None:
    url = reverse("landing:programme", args=[programme_a.slug])
    assert _url("idea_new", programme_a.slug) in client_for(vcs_partner).get(url).content.decode()
    assert _url("idea_new", programme_a.slug) not in client_for(None).get(url).content.decode()


def test_submitting_records_one_event_per_idea(programme_a, vcs_partner) -> None:
    _submit(programme_a, vcs_partner)
    assert ProjectEvent.objects.filter(action="submit").count() == 1


# --- Demo data ----------------------------------------------------------------------------------


def test_the_demo_shows_ideas_in_varied_states_and_runs_twice(client_for) -> None:
    from projects.demo import seed_idea_queue  # noqa: PLC0415
    from teams import demo as teams_demo  # noqa: PLC0415

    programmes, _ = teams_demo.seed()
    mail.outbox.clear()
    seed_idea_queue(programmes)
    counts = (Idea.objects.count(), IdeaMessage.objects.count(), ProjectEvent.objects.count())
    seed_idea_queue(programmes)

    assert (Idea.objects.count(), IdeaMessage.objects.count(), ProjectEvent.objects.count()) == (
        counts
    )
    assert mail.outbox == []  # demo history emails nobody
    for programme in programmes.values():
        projects = Project.objects.in_programme(programme)
        assert projects.filter(status=Status.IDEA).count() >= 2
        assert projects.filter(status=Status.WITHDRAWN, idea__merged_into=None).exists()
        assert projects.filter(idea__merged_into__isnull=False).exists()
        assert projects.filter(idea__booking__isnull=False).exists()
        replied = projects.get(idea__messages__kind="reply")
        assert replied.idea.messages.filter(kind="request").exists()
    partner = User.objects.get(email="partner@foodbank.example")
    page = client_for(partner).get(_url("my_ideas")).content.decode()
    assert "volunteer-planning toolkit" in page


# --- What happens next, for the proposer ----------------------------------------------------------


def test_the_proposer_reads_what_happens_next_and_when(
    project, vcs_partner, facilitator, client_for
) -> None:
    from teams.models import WaysOfWorking  # noqa: PLC0415

    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    assert "The programme&#x27;s facilitator and core team" in page
    assert "Scoping</dd>" in page  # the next status
    assert f"We will email you at {vcs_partner.email} when its status changes" in page
    assert "At the core team's next meeting." in page
    WaysOfWorking.objects.create(
        programme=project.idea.programme, meeting_frequency="Every Tuesday morning."
    )
    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    assert "They have agreed to meet like this: Every Tuesday morning." in page
    # The team sees its own moves instead.
    team_page = client_for(facilitator).get(project.get_absolute_url()).content.decode()
    assert "How you will hear" not in team_page


def test_what_happens_next_never_promises_an_email_the_lifecycle_does_not_send(
    project, vcs_partner, client_for
) -> None:
    from projects.lifecycle import BY_ACTION  # noqa: PLC0415
    from projects.next_steps import STEPS, next_step  # noqa: PLC0415

    for status, (_, _, actions) in STEPS.items():
        Project.objects.filter(pk=project.pk).update(status=status)
        project.refresh_from_db()
        step = next_step(project)
        told = any("tell_proposer" in BY_ACTION[a].effects for a in actions)
        assert step.emailed is told
        assert all(BY_ACTION[a].sources and status in BY_ACTION[a].sources for a in actions)
    Project.objects.filter(pk=project.pk).update(status=Status.SCOPING)
    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    assert "We do not email you for this step." in page and "Evaluated</dd>" in page
    Project.objects.filter(pk=project.pk).update(status=Status.WITHDRAWN)
    page = client_for(vcs_partner).get(project.get_absolute_url()).content.decode()
    assert "How you will hear" not in page
