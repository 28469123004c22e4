"""`manage.py seed_demo`: idempotent, every printed sign-in works, never on a production site."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from landing.models import NewsPost
from teams.demo import DEMO_USERS
from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    User,
    WaysOfWorking,
)
from teams.rules import requires_mfa


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "organisations": Organisation.objects.count(),
        "programmes": Programme.objects.count(),
        "team memberships": Membership.objects.count(),
        "email addresses": EmailAddress.objects.count(),
        "office hours": OfficeHourSlot.objects.count(),
        "bookings": OfficeHourBooking.objects.count(),
        "ways of working": WaysOfWorking.objects.count(),
        "news": NewsPost.objects.count(),
        "audit entries": LogEntry.objects.count(),
    }


def _printed_sign_ins(output: str) -> dict[str, str]:
    """Email -> password, read from the command's table."""
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {row[0]: row[1] for row in rows if "@" in row[0]}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_running_twice_changes_nothing(db, debug) -> None:
    _seed()
    first = _counts()
    _seed()

    assert _counts() == first
    assert first["users"] == len(DEMO_USERS)
    assert first["programmes"] == 2
    assert first["office hours"] > 0 and first["bookings"] > 0
    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "camden",
        "central-bedfordshire",
    }


def test_the_demo_emails_nobody(db, debug, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        _seed()
    assert queued  # the demo's moves queue their emails as real ones do ...
    assert mail.outbox == []  # ... and find them already marked as sent


def test_every_printed_sign_in_works(db, debug, client) -> None:
    sign_ins = _printed_sign_ins(_seed())

    assert set(sign_ins) == {demo.email for demo in DEMO_USERS}
    for email, password in sign_ins.items():
        response = client.post(reverse("account_login"), {"login": email, "password": password})
        # Straight in: not sent to verify an address first.
        assert response.status_code == 302, email
        assert response.url == reverse("dashboard"), email
        assert client.session.get("_auth_user_id") == str(User.objects.get(email=email).pk)
        client.logout()


def test_roles_land_where_the_table_says(db, debug) -> None:
    _seed()

    admin = User.objects.get(email="admin@insights.example")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name="Admin").exists()
    camden = Membership.objects.filter(programme__slug="camden")
    assert camden.filter(user__email="facilitator@camden.example", role="facilitator").exists()
    partner = User.objects.get(email="partner@foodbank.example")
    assert not partner.memberships.exists()
    assert partner.groups.filter(name="VCS partner").exists()


def test_mfa_note_is_printed(db, debug) -> None:
    output = _seed()

    assert "two-factor" in output
    mfa_rows = [line for line in output.splitlines() if "@" in line and line.endswith("*")]
    marked = {row.split()[0] for row in mfa_rows}
    assert marked >= {
        "admin@insights.example",
        "facilitator@camden.example",
        "facilitator@centralbedfordshire.example",
        "information-rights@camden.example",
        "analyst@camden.example",  # may download data
        "partner@foodbank.example",  # the food bank owns the visits data
    }
    assert marked == {u.email for u in User.objects.all() if requires_mfa(u)}


def test_refuses_without_debug(db, settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not User.objects.exists()


def test_runs_without_debug_when_forced(db, settings) -> None:
    settings.DEBUG = False

    _seed(force=True)

    assert User.objects.count() == len(DEMO_USERS)


@pytest.mark.django_db
def test_demo_shows_each_feature_in_use(debug, client) -> None:
    _seed()
    camden = Programme.objects.get(slug="camden")
    assert camden.ways_of_working.meeting_frequency
    assert camden.memberships.filter(committed_days__isnull=False).count() >= 3
    assert User.objects.exclude(introduction="").count() >= 5
    public_page = client.get(reverse("landing:programme", args=["camden"])).content.decode()
    assert "Fiona Walsh" in public_page  # listed publicly
    assert "Sara Lind" not in public_page  # did not agree to be listed
    assert "Office hours are open" in public_page


def test_the_demo_shows_safety_checks_and_agreements(db, debug) -> None:
    from datetime import timedelta  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from safety.checks import stage_missing  # noqa: PLC0415
    from safety.models import SafetyCheck, SharingAgreement, Stage  # noqa: PLC0415
    from scoping.models import Idea  # noqa: PLC0415

    _seed()

    idea = Idea.objects.get(title="Who stops coming to the food bank, and why?")
    assert stage_missing(idea, Stage.EVALUATION) is None
    named = SafetyCheck.objects.approved().filter(
        idea=idea, analysts__email="analyst@camden.example"
    )
    assert named.exists()
    # The food-bank project is published, its checks all signed off; the reviewer has the
    # second idea's evaluation check waiting.
    assert not SafetyCheck.objects.waiting().filter(idea=idea).exists()
    waiting = SafetyCheck.objects.waiting().get(
        idea__title="Are refugee families missing out on school holiday activities?"
    )
    assert waiting.stage == Stage.EVALUATION
    reviewer = User.objects.get(email="information-rights@camden.example")
    assert waiting.author != reviewer
    signed = SharingAgreement.objects.filter(programme__slug="camden").in_force()
    assert signed.exclude(document_name="").exists()
    soon = timezone.localdate() + timedelta(days=30)
    assert signed.filter(review_date__lte=soon).exists()


def test_the_national_view_shows_both_demo_programmes(db, debug, client) -> None:
    _seed()
    page = client.get(reverse("landing:national")).content.decode()
    assert "Households stop visiting the food bank while still in need" in page  # Camden
    assert "Warm spaces were used mostly by people from the towns" in page  # Central Bedfordshire
    api = client.get("/api/v1/insights").json()
    assert {item["programme"] for item in api["items"]} == {"camden", "central-bedfordshire"}
    lessons = client.get(reverse("landing:national"), {"kind": "lessons"}).content.decode()
    assert "Test with village groups where they already meet" in lessons


def test_the_demo_reflects_on_camdens_project(db, debug, client) -> None:
    from projects.models import Lesson, MethodChange, Project, Status, SurveyResponse  # noqa: PLC0415

    _seed()
    _seed()  # twice: nothing doubles
    project = Project.objects.get(idea__title="Who stops coming to the food bank, and why?")
    assert project.status == Status.REFLECTING
    responses = SurveyResponse.objects.filter(survey__project=project)
    assert responses.count() == 5
    assert responses.filter(user=None).count() == 3
    assert project.retro_cards.filter(is_action=True).exists()
    assert project.retro_cards.exclude(merged_into=None).exists()
    assert Lesson.objects.filter(project=project).count() == 2
    assert MethodChange.objects.filter(programme__slug="camden").count() == 1
    # The lessons show in the help of the scoping and safety-check pages of another project.
    other = (
        Project.objects.in_programme(project.programme)
        .exclude(pk=project.pk)
        .filter(idea__data_sources__isnull=False)
        .first()
    )
    from tests.factories import give_totp  # noqa: PLC0415

    facilitator = User.objects.get(email="facilitator@camden.example")
    give_totp(facilitator)  # facilitators need a second factor
    client.force_login(facilitator)
    scoping = client.get(reverse("scoping:overview", args=[other.idea.pk])).content.decode()
    assert "Invite the data owners to the first scoping session" in scoping
    checks = client.get(reverse("safety:idea_checks", args=[other.idea.pk])).content.decode()
    assert "Start the sharing agreement while the safety check is written" in checks
    public = client.get(reverse("landing:programme", args=["camden"])).content.decode()
    assert "Sharing agreements are drafted during scoping" in public


def test_the_demo_shares_a_plenary_and_a_co_written_post(db, debug, client) -> None:
    from projects.models import BlogPost, PlenaryRegistration  # noqa: PLC0415

    _seed()
    registrations = PlenaryRegistration.objects.filter(plenary__programme__slug="camden")
    statuses = sorted(registrations.values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    post = BlogPost.objects.published().get(programme__slug="camden")
    kinds = set(post.authors.values_list("organisation__kind", flat=True))
    assert kinds == {"vcs", "council"}
    public_page = client.get(reverse("landing:programme", args=["camden"])).content.decode()
    assert post.title in public_page
    assert "What we are learning about families going without" in public_page
