"""Sharing: plenary sessions (registration, the waiting list, calendar files, reminders,
attendance) and co-written blog posts (authors, the version check, review and publication on the
public page, the feed and the update emails). Who may open each page is in test_url_matrix.py."""

from __future__ import annotations

import contextlib
import itertools
import re
from datetime import timedelta

import pytest
import rules
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cip.public_cache import SITE, invalidate
from landing.models import NewsPost, UpdateSubscription
from projects import emails as project_emails
from projects import sharing
from projects.models import BlogPost, PlenaryRegistration
from teams.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.selection_helpers import selected
from tests.sharing_helpers import blog_post_on, plenary_on, registration_on

pytestmark = pytest.mark.django_db

Status = PlenaryRegistration.Status


@pytest.fixture
def emails(django_capture_on_commit_callbacks):
    """Run after-commit work (queued emails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def calendar_of(message) -> tuple[str, str] | None:
    """An email's calendar attachment: its METHOD and its unfolded text."""
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            text = part.get_payload(decode=True).decode()
            return part.get_param("method"), re.sub(r"\r\n[ \t]", "", text)
    return None


def register(plenary, user, note="To plan where our advice sessions go"):
    return sharing.plenary_register(plenary=plenary, user=user, use_of_insights=note)


def _council_member(programme, role=Role.DELIVERY_LEAD, **extra):
    council = OrganisationFactory(name="Riverside Council", kind=Organisation.Kind.COUNCIL)
    person = UserFactory(organisation=council, **extra)
    if role:
        MembershipFactory(programme=programme, user=person, role=role)
    return person


# --- Who may do what (projects/rules.py) --------------------------------------------------------

BLOG_RULES = {
    # persona: (see the draft, edit it, review it)
    "team_member": (True, True, False),  # its author
    "analyst": (True, False, False),
    "facilitator": (True, False, True),
    "vcs_partner": (False, False, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize(("who", "expected"), BLOG_RULES.items())
def test_blog_post_rules(who, expected, request, programme_a, team_member):
    post = blog_post_on(programme_a, [team_member])
    user = request.getfixturevalue(who)
    asked = ("projects.see_blog_post", "projects.edit_blog_post", "projects.review_blog_post")
    assert tuple(rules.has_perm(name, user, post) for name in asked) == expected


@pytest.mark.parametrize(
    ("who", "sees", "changes"),
    [("vcs_partner", True, True), ("facilitator", True, False), ("analyst", False, False)],
)
def test_registration_rules(who, sees, changes, request, programme_a, vcs_partner):
    registration = registration_on(plenary_on(programme_a), vcs_partner)
    user = request.getfixturevalue(who)
    assert rules.has_perm("projects.view_registration", user, registration) == sees
    assert rules.has_perm("projects.change_registration", user, registration) == changes


# --- Plenary sessions: registration and the waiting list ---------------------------------------


def test_the_last_place_is_booked_then_people_wait(programme_a, vcs_partner, staff, emails):
    plenary = plenary_on(programme_a, capacity=1)
    with emails():
        first = register(plenary, vcs_partner)
        second = register(plenary, staff)

    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)
    booked, waiting = mail.outbox
    assert booked.to == [vcs_partner.email] and booked.subject.startswith("Plenary session booked")
    method, text = calendar_of(booked)
    assert method == "REQUEST" and f"UID:{first.uid}@" in text
    assert "SUMMARY:What we found about skipped meals" in text
    assert waiting.subject.startswith("On the waiting list")
    assert calendar_of(waiting) is None  # nothing to put in a calendar yet


def test_a_place_given_up_goes_to_whoever_waited_longest(
    programme_a, vcs_partner, staff, team_member, emails
):
    plenary = plenary_on(programme_a, capacity=1)
    holder = register(plenary, vcs_partner)
    first_in_line = register(plenary, staff)
    second_in_line = register(plenary, team_member)
    mail.outbox.clear()
    with emails():
        sharing.plenary_registration_cancel(registration=holder)

    for registration in (holder, first_in_line, second_in_line):
        registration.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert first_in_line.status == Status.CONFIRMED and first_in_line.sequence == 1
    assert second_in_line.status == Status.WAITLISTED
    by_person = {message.to[0]: message for message in mail.outbox}
    assert calendar_of(by_person[vcs_partner.email])[0] == "CANCEL"
    assert calendar_of(by_person[staff.email])[0] == "REQUEST"
    assert team_member.email not in by_person


class _Undo(Exception):
    """Raised to roll one example's changes back."""


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(1, 3),
    steps=st.lists(st.tuples(st.sampled_from(["register", "cancel"]), st.integers(0, 4))),
)
def test_places_are_never_overbooked_and_nobody_waits_for_a_free_place(
    programme_a, capacity, steps
):
    people = [UserFactory(email=f"person-{n}@example.org") for n in range(5)]
    with contextlib.suppress(_Undo), transaction.atomic():
        plenary = plenary_on(programme_a, capacity=capacity)
        for action, who in steps:
            mine = plenary.registrations.active().filter(user=people[who]).first()
            if action == "register" and mine is None:
                register(plenary, people[who])
            elif action == "cancel" and mine is not None:
                sharing.plenary_registration_cancel(registration=mine)
            confirmed = plenary.registrations.filter(status=Status.CONFIRMED).count()
            waiting = plenary.registrations.filter(status=Status.WAITLISTED).count()
            assert confirmed <= capacity
            assert waiting == 0 or confirmed == capacity
        raise _Undo


def test_registering_twice_or_once_it_has_started_is_refused(programme_a, vcs_partner, staff):
    plenary = plenary_on(programme_a)
    register(plenary, vcs_partner)
    with pytest.raises(ValidationError, match="already registered"):
        register(plenary, vcs_partner)
    started = plenary_on(programme_a, title="Started", days=-0.01)
    with pytest.raises(ValidationError, match="has started"):
        register(started, staff)


def test_an_email_task_run_twice_sends_once(programme_a, vcs_partner):
    registration = register(plenary_on(programme_a), vcs_partner)
    arguments = {"registration_id": registration.pk, "kind": "registered", "sequence": 0}
    assert project_emails.plenary_registration_email(**arguments)
    assert not project_emails.plenary_registration_email(**arguments)
    assert len(mail.outbox) == 1


def test_reminders_go_once_the_day_before(programme_a, vcs_partner, staff, team_member, settings):
    tomorrow = plenary_on(programme_a, days=0.8)
    registration_on(tomorrow, vcs_partner)  # registered three days ago
    late = registration_on(tomorrow, staff)
    PlenaryRegistration.objects.filter(pk=late.pk).update(confirmed_at=timezone.now())
    registration_on(plenary_on(programme_a, title="Next week"), team_member)

    assert project_emails.plenary_reminders_send() == 1
    assert project_emails.plenary_reminders_send() == 0
    (reminder,) = mail.outbox
    assert reminder.to == [vcs_partner.email] and reminder.subject.startswith("Reminder:")
    schedule = settings.CELERY_BEAT_SCHEDULE["plenary-reminders"]
    assert schedule["task"] == "projects.tasks.send_plenary_reminders"


def test_the_facilitator_calls_a_session_off_and_everyone_hears(
    client_for, facilitator, vcs_partner, staff, programme_a, emails
):
    plenary = plenary_on(programme_a, capacity=1)
    placed = register(plenary, vcs_partner)
    waiting = register(plenary, staff)
    public = reverse("landing:programme", args=[programme_a.slug])
    assert plenary.title in Client().get(public).content.decode()  # cached with it
    url = reverse("projects:plenary_cancel", args=[programme_a.slug, plenary.pk])
    client = client_for(facilitator)
    assert "Enter a message for the people registered" in client.post(url).content.decode()
    mail.outbox.clear()
    with emails():
        response = client.post(url, {"message": "The hall flooded. We will set a new date."})

    assert response["Location"] == plenary.get_absolute_url()
    for registration in (placed, waiting):
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED
    by_person = {message.to[0]: message for message in mail.outbox}
    assert "The hall flooded" in by_person[vcs_partner.email].body
    assert calendar_of(by_person[vcs_partner.email])[0] == "CANCEL"
    assert calendar_of(by_person[staff.email]) is None  # never in their calendar
    assert plenary.title not in Client().get(public).content.decode()
    with pytest.raises(ValidationError, match="cancelled"):
        register(plenary, UserFactory())
    again = client.get(url)
    assert again["Location"] == plenary.get_absolute_url()


# --- Plenary sessions: the pages ----------------------------------------------------------------


def test_someone_registers_with_a_one_line_note(client_for, vcs_partner, programme_a, emails):
    plenary = plenary_on(programme_a)
    url = reverse("projects:plenary_register", args=[programme_a.slug, plenary.pk])
    client = client_for(vcs_partner)
    page = client.get(url).content.decode()
    assert vcs_partner.organisation.name in page  # offered as the organisation

    errors = client.post(url, {"use_of_insights": ""})
    assert "Enter how you might use the insights" in errors.content.decode()
    with emails():
        response = client.post(
            url,
            {"use_of_insights": "To plan\r\nour rota", "organisation_name": "Northgate Food Bank"},
        )
    registration = PlenaryRegistration.objects.get()
    assert response["Location"] == registration.get_absolute_url()
    assert registration.use_of_insights == "To plan our rota"
    assert registration.organisation_name == "Northgate Food Bank"
    assert len(mail.outbox) == 1
    again = client.get(url)  # registering again leads to the registration
    assert again["Location"] == registration.get_absolute_url()


def test_the_calendar_file_is_the_one_the_email_attached(client_for, vcs_partner, programme_a):
    plenary = plenary_on(programme_a)
    registration = registration_on(plenary, vcs_partner)
    client = client_for(vcs_partner)
    page = client.get(registration.get_absolute_url()).content.decode()
    calendar_url = reverse("projects:plenary_registration_calendar", args=[registration.pk])
    assert calendar_url in page

    response = client.get(calendar_url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="plenary.ics"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "METHOD:REQUEST" in text and f"UID:{registration.uid}@" in text

    registration.status = Status.WAITLISTED
    registration.save()
    assert client.get(calendar_url).status_code == 404


def test_giving_up_a_place_from_its_page(client_for, vcs_partner, staff, programme_a, emails):
    plenary = plenary_on(programme_a, capacity=1)
    mine = registration_on(plenary, vcs_partner)
    waiting = registration_on(plenary, staff, status=Status.WAITLISTED)
    url = reverse("projects:plenary_registration_cancel", args=[mine.pk])
    with emails():
        response = client_for(vcs_partner).post(url)
    assert response["Location"] == mine.get_absolute_url()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_the_facilitator_schedules_a_plenary(client_for, facilitator, programme_a):
    url = reverse("projects:plenary_new", args=[programme_a.slug])
    client = client_for(facilitator)
    errors = client.post(url, {}).content.decode()
    for message in ("Enter the title of the session", "Enter the date of the session"):
        assert message in errors
    day = timezone.localdate() + timedelta(days=14)
    response = client.post(
        url,
        {
            "title": "What we found",
            "description": "The findings, and what next.",
            "day_0": day.day,
            "day_1": day.month,
            "day_2": day.year,
            "start_time": "6pm",
            "length_minutes": "90",
            "online_link": "https://meet.example.org/x",
            "capacity": "30",
        },
    )
    plenary = programme_a.plenaries.get()
    assert response["Location"] == plenary.get_absolute_url()
    assert timezone.localtime(plenary.starts_at).hour == 18
    assert plenary.capacity == 30 and plenary.project is None


def test_attendance_is_recorded_once_the_session_has_started(
    client_for, facilitator, vcs_partner, staff, programme_a
):
    coming = plenary_on(programme_a)
    registration_on(coming, vcs_partner)
    client = client_for(facilitator)
    url = reverse("projects:plenary", args=[programme_a.slug, coming.pk])
    page = client.get(url)
    assert page.context["form"] is None and "To plan our advice sessions" in page.content.decode()
    assert client.post(url, {}).status_code == 404

    started = plenary_on(programme_a, title="Started", days=-0.05)
    came = registration_on(started, vcs_partner)
    stayed_away = registration_on(started, staff)
    url = reverse("projects:plenary", args=[programme_a.slug, started.pk])
    response = client.post(
        url, {f"attendance-{came.pk}": "attended", f"attendance-{stayed_away.pk}": "absent"}
    )
    assert response.status_code == 302
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert (came.attendance, stayed_away.attendance) == ("attended", "absent")


def test_the_public_page_shows_a_new_plenary_and_its_places_at_once(programme_a, vcs_partner):
    url = reverse("landing:programme", args=[programme_a.slug])
    assert "No plenary sessions are planned" in Client().get(url).content.decode()  # cached
    plenary = plenary_on(programme_a, capacity=1)
    page = Client().get(url).content.decode()
    assert plenary.title in page and "1 place left" in page
    register(plenary, vcs_partner)
    assert "You can join the waiting list" in Client().get(url).content.decode()


def test_the_public_page_names_a_plenarys_project_once_it_is_announced(programme_a):
    project = selected(programme_a)
    project.announced_at = None
    project.save()
    plenary = plenary_on(programme_a)
    plenary.project = project
    plenary.save()
    url = reverse("landing:programme", args=[programme_a.slug])
    assert "About the project" not in Client().get(url).content.decode()  # not announced yet
    project.announced_at = timezone.now()
    project.save()
    assert (
        f'About the project <a class="govuk-link" href="#the-project">‘{project.idea.title}’'
        in (Client().get(url).content.decode())
    )


# --- Blog posts: authors, editing, review -------------------------------------------------------


def test_a_post_needs_a_vcs_and_a_council_member_of_the_core_team(programme_a, programme_b):
    """Every combination of authors: submittable exactly when it includes both."""
    people = {
        "vcs core": UserFactory(),
        "council core": _council_member(programme_a),
        "vcs partner off the team": UserFactory(),
        "council, complementary role": _council_member(programme_a, Role.CONTRACTS_AND_LEGAL),
        "council, unconfirmed": _council_member(programme_a, organisation_confirmed=False),
        "council, other programme": _council_member(programme_b),
        "public body core": UserFactory(
            organisation=OrganisationFactory(kind=Organisation.Kind.PUBLIC_BODY)
        ),
    }
    MembershipFactory(programme=programme_a, user=people["vcs core"], role=Role.VCS_MEMBER_LEAD)
    MembershipFactory(programme=programme_a, user=people["public body core"])
    post = blog_post_on(programme_a)
    for size in range(len(people) + 1):
        for chosen in itertools.combinations(people, size):
            post.authors.set([people[name] for name in chosen])
            ready = {"vcs core", "council core"} <= set(chosen)
            assert (sharing.missing_authors(post) == []) == ready, chosen


def test_submitting_without_a_council_co_author_says_what_is_missing(
    client_for, team_member, programme_a
):
    post = blog_post_on(programme_a, [team_member])
    client = client_for(team_member)
    response = client.post(reverse("projects:blog_submit", args=[post.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Add a co-author from the council on the core team" in page
    assert "voluntary or community" not in page.split("There is a problem")[1].split("</ul>")[0]

    council = _council_member(programme_a)
    added = client.post(reverse("projects:blog_authors", args=[post.pk]), {"author": council.pk})
    assert added["Location"] == post.get_absolute_url()
    submitted = client.post(reverse("projects:blog_submit", args=[post.pk]))
    assert submitted["Location"] == post.get_absolute_url()
    post.refresh_from_db()
    assert post.status == BlogPost.Status.SUBMITTED
    edit = client.get(reverse("projects:blog_edit", args=[post.pk]))
    assert edit["Location"] == post.get_absolute_url()  # with the facilitator now


def test_the_facilitators_hear_of_a_submission_and_the_authors_of_the_decision(
    programme_a, facilitator, team_member, emails
):
    council = _council_member(programme_a)
    post = blog_post_on(programme_a, [team_member, council])
    with emails():
        sharing.blog_post_submit(post=post, user=team_member)
    (submitted,) = mail.outbox
    assert submitted.to == [facilitator.email]
    assert submitted.subject == f"Blog post to review for {programme_a.name}: “{post.title}”"
    assert project_emails.blog_post_move_email(post_id=post.pk, status="submitted") == 0

    mail.outbox.clear()
    with emails():
        sharing.blog_post_review(
            post=post, reviewer=facilitator, publish=False, comment="Name the wards."
        )
    (returned,) = mail.outbox
    assert sorted(returned.to) == sorted([team_member.email, council.email])
    assert "Name the wards." in returned.body


def test_the_dashboard_lists_posts_to_review_and_posts_sent_back(
    client_for, facilitator, team_member, programme_a
):
    waiting = blog_post_on(programme_a, [team_member], status=BlogPost.Status.SUBMITTED)
    back = blog_post_on(
        programme_a, [team_member], title="Sent back", status=BlogPost.Status.RETURNED
    )
    facilitators = client_for(facilitator).get(reverse("dashboard")).content.decode()
    assert f"Review “{waiting.title}”" in facilitators
    authors = client_for(team_member).get(reverse("dashboard")).content.decode()
    assert f"Change “{back.title}” and send it again" in authors
    assert "Review “" not in authors


def test_only_people_on_the_team_can_be_added_as_authors(client_for, team_member, programme_a):
    post = blog_post_on(programme_a, [team_member])
    stranger = UserFactory()
    response = client_for(team_member).post(
        reverse("projects:blog_authors", args=[post.pk]), {"author": stranger.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="not on the programme's team"):
        sharing.blog_author_add(post=post, user=stranger)


def test_an_author_removes_a_co_author_but_a_draft_keeps_one(client_for, team_member, programme_a):
    council = _council_member(programme_a)
    post = blog_post_on(programme_a, [team_member, council])
    client = client_for(team_member)
    url = reverse("projects:blog_authors", args=[post.pk])
    page = client.get(url).content.decode()
    assert f'name="remove" value="{council.pk}"' in page
    assert "Choose a co-author</option>" in page and "---------" not in page
    assert client.post(url, {"remove": "not a number"}).status_code == 404
    assert client.post(url, {"remove": UserFactory().pk}).status_code == 404  # not an author

    removed = client.post(url, {"remove": council.pk})
    assert removed["Location"] == url
    assert list(post.authors.all()) == [team_member]
    assert client_for(council).get(url).status_code == 403  # no longer theirs to change

    refused = client.post(url, {"remove": team_member.pk}, follow=True)
    assert "A post needs at least one author" in refused.content.decode()
    assert list(post.authors.all()) == [team_member]

    post.authors.add(council)
    post.status = BlogPost.Status.SUBMITTED
    post.save()
    with pytest.raises(ValidationError, match="with the facilitator"):
        sharing.blog_author_remove(post=post, author=council)


def test_two_authors_saving_at_once_do_not_overwrite_each_other(
    client_for, team_member, programme_a
):
    council = _council_member(programme_a)
    post = blog_post_on(programme_a, [team_member, council])
    url = reverse("projects:blog_edit", args=[post.pk])
    mine, theirs = client_for(team_member), client_for(council)
    form = {"title": post.title, "summary": post.summary, "version": post.version}
    assert mine.get(url).context["form"].initial["version"] == 1

    saved = theirs.post(url, form | {"body": "Their words."})
    assert saved["Location"] == post.get_absolute_url()
    refused = mine.post(url, form | {"body": "My words."})
    page = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in page
    assert "Someone else saved this post while you were editing it" in page
    post.refresh_from_db()
    assert post.body == "Their words." and post.version == 2 and post.updated_by == council

    fresh = mine.get(url).context["form"].initial["version"]
    assert mine.post(url, form | {"version": fresh, "body": "Both."}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Both."


def test_the_facilitator_sends_a_post_back_with_a_comment(
    client_for, facilitator, team_member, programme_a
):
    post = blog_post_on(programme_a, [team_member], status=BlogPost.Status.SUBMITTED)
    url = reverse("projects:blog_review", args=[post.pk])
    client = client_for(facilitator)
    errors = client.post(url, {"decision": "return"}).content.decode()
    assert "Tell the authors what to change" in errors
    client.post(url, {"decision": "return", "comment": "Say which wards."})
    post.refresh_from_db()
    assert post.status == BlogPost.Status.RETURNED and post.is_editable
    page = client_for(team_member).get(post.get_absolute_url()).content.decode()
    assert "Say which wards." in page


def test_a_published_post_is_public_in_the_feed_and_emailed_once(
    client_for, facilitator, team_member, programme_a, emails
):
    UpdateSubscription.objects.create(
        programme=programme_a, email="reader@example.org", confirmed_at=timezone.now()
    )
    post = blog_post_on(programme_a, [team_member], status=BlogPost.Status.SUBMITTED)
    post.title = "Skipped meals\r\nBcc: everyone@example.org"
    post.body = "## What we heard\n\nA *lot*.<script>alert(1)</script>"
    post.save()
    programme_url = reverse("landing:programme", args=[programme_a.slug])
    Client().get(programme_url)  # cached without the post
    with emails():
        client_for(facilitator).post(
            reverse("projects:blog_review", args=[post.pk]), {"decision": "publish"}
        )
    post.refresh_from_db()
    assert post.status == BlogPost.Status.PUBLISHED and post.title == (
        "Skipped meals Bcc: everyone@example.org"
    )
    public_url = post.get_public_url()
    assert public_url in Client().get(programme_url).content.decode()
    page = Client().get(public_url).content.decode()
    assert '<h3 class="govuk-heading-s">What we heard</h3>' in page
    assert "<script>alert" not in page and "Team Member" in page
    feed = Client().get(reverse("landing:news_feed", args=[programme_a.slug])).content.decode()
    assert f"http://testserver{public_url}" in feed
    to_reader, to_authors = sorted(
        mail.outbox, key=lambda message: message.to != ["reader@example.org"]
    )
    assert to_reader.to == ["reader@example.org"]
    assert to_reader.subject == f"{programme_a.name}: New blog post: {post.title}"
    assert to_authors.to == [team_member.email] and public_url in to_authors.body
    announcement = NewsPost.objects.get(blog_post=post)
    assert public_url in Client().get(announcement.get_absolute_url()).content.decode()
    # Announced once, however often the signal comes.
    sharing.blog_post_published.send(sender=BlogPost, post_id=post.pk)
    assert NewsPost.objects.filter(blog_post=post).count() == 1


def test_a_post_not_published_is_not_public(programme_a, team_member):
    post = blog_post_on(programme_a, [team_member], status=BlogPost.Status.SUBMITTED)
    post.slug = "early"
    post.save()
    url = reverse("landing:blog_post", args=[programme_a.slug, "early"])
    assert Client().get(url).status_code == 404
    listing = Client().get(reverse("landing:blog", args=[programme_a.slug])).content.decode()
    assert post.title not in listing


# --- Deleting a draft --------------------------------------------------------------------------


def test_an_author_deletes_a_draft_after_confirming(client_for, team_member, programme_a):
    post = blog_post_on(programme_a, [team_member])
    client = client_for(team_member)
    url = reverse("projects:blog_delete", args=[post.pk])
    assert f'href="{url}"' in client.get(post.get_absolute_url()).content.decode()
    assert (
        f'href="{url}"'
        in client.get(reverse("projects:blog_edit", args=[post.pk])).content.decode()
    )

    asked = client.get(url).content.decode()
    assert f"Are you sure you want to delete ‘{post.title}’?" in asked
    assert "govuk-button--warning" in asked
    assert BlogPost.objects.filter(pk=post.pk).exists()  # asking deletes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("projects:sharing", args=[programme_a.slug]), 302)]
    assert f"‘{post.title}’ has been deleted." in response.content.decode()
    assert not BlogPost.objects.filter(pk=post.pk).exists()
    entry = LogEntry.objects.get_for_object(post).get(action=LogEntry.Action.DELETE)
    assert entry.actor == team_member


def test_a_co_author_may_delete_a_draft_but_others_on_the_team_may_not(
    client_for, team_member, analyst, facilitator, programme_a
):
    council = _council_member(programme_a)
    post = blog_post_on(programme_a, [team_member, council])
    url = reverse("projects:blog_delete", args=[post.pk])
    for other in (analyst, facilitator):  # on the team, not authors
        assert client_for(other).get(url).status_code == 403
        assert client_for(other).post(url).status_code == 403
    assert (
        "Delete this draft" not in client_for(analyst).get(post.get_absolute_url()).content.decode()
    )
    assert client_for(UserFactory()).post(url).status_code == 404  # not on the team
    anonymous = client_for(None).post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("account_login")
    )
    assert BlogPost.objects.filter(pk=post.pk).exists()

    assert client_for(council).post(url).status_code == 302
    assert not BlogPost.objects.filter(pk=post.pk).exists()


def test_a_post_sent_back_can_be_deleted(client_for, team_member, programme_a):
    post = blog_post_on(programme_a, [team_member], status=BlogPost.Status.RETURNED)
    client_for(team_member).post(reverse("projects:blog_delete", args=[post.pk]))
    assert not BlogPost.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize("status", [BlogPost.Status.SUBMITTED, BlogPost.Status.PUBLISHED])
def test_a_post_submitted_or_published_is_not_deleted(client_for, team_member, programme_a, status):
    post = blog_post_on(programme_a, [team_member], status=status)
    client = client_for(team_member)
    url = reverse("projects:blog_delete", args=[post.pk])
    assert "Delete this draft" not in client.get(post.get_absolute_url()).content.decode()
    for method in (client.get, client.post):
        response = method(url, follow=True)
        assert response.redirect_chain == [(post.get_absolute_url(), 302)]
        assert "sent for review or published, so it cannot be deleted" in response.content.decode()
    assert BlogPost.objects.filter(pk=post.pk).exists()
    # And if it was submitted after the confirmation page was shown:
    with pytest.raises(ValidationError, match="cannot be deleted"):
        sharing.blog_post_delete(post=post)
    assert BlogPost.objects.filter(pk=post.pk).exists()


# --- Lists keep their query counts ---------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _seed_sharing(programme, offset: int, authors) -> None:
    for number in range(offset, offset + 3):
        plenary = plenary_on(programme, title=f"Session {number}", days=number + 1)
        registration_on(plenary, UserFactory())
        registration_on(plenary, UserFactory(), status=Status.WAITLISTED)
        blog_post_on(programme, authors, title=f"Draft {number}")
        blog_post_on(
            programme, authors, title=f"Published {number}", status=BlogPost.Status.PUBLISHED
        )


@pytest.mark.parametrize(
    ("name", "who"),
    [("projects:sharing", "facilitator"), ("landing:blog", None), ("landing:programme", None)],
)
def test_sharing_lists_keep_a_constant_query_count(name, who, request, programme_a, team_member):
    client = Client()
    if who:
        client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[programme_a.slug])
    authors = [team_member, _council_member(programme_a)]
    _seed_sharing(programme_a, 0, authors)
    few = _count(client, url) if who else _anonymous_count(url)
    for offset in range(10, 60, 10):
        _seed_sharing(programme_a, offset, authors)
    many = _count(client, url) if who else _anonymous_count(url)
    assert many == few


def _anonymous_count(url) -> int:
    invalidate(SITE)  # rendered, not served from the cache
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def test_the_attendance_list_keeps_a_constant_query_count(client_for, facilitator, programme_a):
    started = plenary_on(programme_a, title="Started", days=-0.05)
    client = client_for(facilitator)
    url = reverse("projects:plenary", args=[programme_a.slug, started.pk])
    for _ in range(3):
        registration_on(started, UserFactory())
    few = _count(client, url)
    for _ in range(60):
        registration_on(started, UserFactory())
    assert _count(client, url) == few
