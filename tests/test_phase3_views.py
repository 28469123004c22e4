"""Exploring, testing and publishing through their pages: the personal-data check on the research
log, sketches, skills and gaps, workshops and places, feedback, final checks, tables, charts and
maps, readiness, publishing and what the public then sees. Who may open each page is in
tests/test_url_matrix.py; these tests check what the pages do."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from landing.models import NewsPost, UpdateSubscription
from projects import files
from projects.demo_solutions import synthetic_wards
from projects.models import (
    FeedbackItem,
    FinalCheck,
    InsightFigure,
    InsightTable,
    ProjectEvent,
    ResearchSession,
    SolutionIdea,
    SolutionSkill,
    Status,
    WorkshopBooking,
)
from projects.models import TestingWorkshop as Workshop
from projects.safety_inputs import publication_suppressions, solution_data_uses
from projects.services import project_transition
from safety.demo import approved_check
from safety.models import Stage
from tests.dataset_helpers import stored_dataset
from tests.phase3_helpers import TINY_PNG, at, draft_insight, on_team, ready_insight, table_on
from tests.selection_helpers import selected

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(programme_a):
    return selected(programme_a)


def url(name: str, *args) -> str:
    return reverse(f"projects:{name}", args=args)


# --- The research log and the personal-data check ----------------------------------------------

SESSION = {
    "kind": "group",
    "state": "done",
    "held_on_0": "3",
    "held_on_1": "3",
    "held_on_2": "2026",
    "reached": "Six food bank volunteers",
    "themes": "Bus routes changed.",
}


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Spoke to Jane Smith after the session.", "a name"),
        ("Her number is 07700 900123.", "a phone number"),
        ("Email jo.bloggs@example.com for more.", "an email address"),
        ("NHS number 943 476 5919 came up.", "an NHS number"),
        ("She gave her NI number AB123456C.", "a National Insurance number"),
        ("He lives at 12 High Street now.", "an address"),
        ("Most live near NW1 2AB.", "a postcode"),
    ],
)
def test_the_research_log_warns_before_saving_and_shows_where(
    typed, kind, project, analyst, client_for
) -> None:
    client = client_for(analyst)
    response = client.post(url("research_new", project.pk), SESSION | {"quotes": typed})
    assert response.status_code == 200
    assert not ResearchSession.objects.exists()
    page = response.content.decode()
    assert "We found what looks like personal data. Nothing has been saved yet." in page
    assert f"Found: {kind}." in page
    assert "<mark>" in page  # where it is, marked in the text


def _checked(response) -> str:
    return re.search(r'name="checked" value="([0-9a-f]+)"', response.content.decode()).group(1)


# The research log and testing feedback: each form's data, the checked field and what is saved.
CHECKED_FORMS = {
    "research": ("research_new", SESSION, "quotes", ResearchSession),
    "feedback": ("feedback_new", {"kind": "substantive", "state": "open"}, "text", FeedbackItem),
}


@pytest.mark.parametrize("form", CHECKED_FORMS)
@pytest.mark.parametrize(
    ("choice", "saved"), [("replace", "Call [PHONE] tonight."), ("keep", None)]
)
def test_the_person_chooses_to_replace_or_keep(
    form, choice, saved, project, analyst, client_for
) -> None:
    name, data, field, model = CHECKED_FORMS[form]
    client = client_for(analyst)
    data = data | {field: "Call 07700 900123 tonight."}
    warned = client.post(url(name, project.pk), data)
    assert "We found what looks like personal data" in warned.content.decode()
    assert not model.objects.exists()
    response = client.post(
        url(name, project.pk), data | {"checked": _checked(warned), "personal_data": choice}
    )
    assert response.status_code == 302
    entry = model.objects.get()
    assert getattr(entry, field) == (saved or data[field])
    assert entry.kept_identifiers is (choice == "keep")


def test_a_changed_text_is_checked_again(project, analyst, client_for) -> None:
    client = client_for(analyst)
    data = SESSION | {"quotes": "Call 07700 900123 tonight."}
    warned = client.post(url("research_new", project.pk), data)
    changed = data | {"quotes": "Write to jo@example.org", "checked": _checked(warned)}
    response = client.post(url("research_new", project.pk), changed | {"personal_data": "keep"})
    assert response.status_code == 200 and not ResearchSession.objects.exists()
    assert "Found: an email address." in response.content.decode()


def test_text_without_personal_data_saves_at_once(project, analyst, client_for) -> None:
    response = client_for(analyst).post(url("research_new", project.pk), SESSION)
    assert response.status_code == 302
    assert ResearchSession.objects.get().themes == "Bus routes changed."


# --- Solution ideas, sketches and skills --------------------------------------------------------


def _idea_data(**extra) -> dict:
    return {
        "title": "A ward map",
        "kind": "map",
        "audience": "Outreach workers",
        "what_to_see": "Wards where people stop coming",
        "uses": ["need_indicators"],
    } | extra


def test_a_sketch_is_checked_re_encoded_and_stored_encrypted(
    project, analyst, client_for, settings
) -> None:
    client = client_for(analyst)
    sketch = SimpleUploadedFile("sketch.png", TINY_PNG, content_type="image/png")
    response = client.post(
        url("solution_new", project.pk),
        _idea_data(sketch=sketch, sketch_description="Three shaded wards"),
    )
    idea = SolutionIdea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    stored = files.path_for(idea.sketch_name).read_bytes()
    assert TINY_PNG not in stored  # encrypted at rest
    served = client.get(url("solution_sketch", project.pk, idea.pk))
    assert served["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= set(served["Cache-Control"].split(", "))
    assert served.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg onload=alert(1)></svg>", "The file is not an image we can read"),
        (b"%PDF-1.7 not a picture", "The file is not an image we can read"),
        (TINY_PNG[:40], "The file is not an image we can read"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(
    content, message, project, analyst, client_for
) -> None:
    sketch = SimpleUploadedFile("sketch.png", content, content_type="image/png")
    response = client_for(analyst).post(
        url("solution_new", project.pk), _idea_data(sketch=sketch, sketch_description="A map")
    )
    assert response.status_code == 200 and not SolutionIdea.objects.exists()
    assert message in response.content.decode()


def test_a_sketch_needs_its_description(project, analyst, client_for) -> None:
    sketch = SimpleUploadedFile("sketch.png", TINY_PNG, content_type="image/png")
    response = client_for(analyst).post(url("solution_new", project.pk), _idea_data(sketch=sketch))
    assert "Describe what the sketch shows" in response.content.decode()


def test_skills_come_from_the_guide_and_gaps_show(project, analyst, client_for) -> None:
    client = client_for(analyst)
    client.post(url("solution_new", project.pk), _idea_data())
    idea = SolutionIdea.objects.get()
    member = on_team(project, analyst, role="Data analyst")
    page = client.get(idea.get_absolute_url()).content.decode()
    # A map that gives indicators of need: engineers, ethics and legal, information rights.
    for skill in (
        SolutionSkill.DATA_ENGINEER,
        SolutionSkill.ETHICS_AND_LEGAL,
        SolutionSkill.INFORMATION_RIGHTS,
    ):
        assert str(skill.label) in page
    assert page.count(">Gap<") == 3
    client.post(
        url("solution_skills", project.pk, idea.pk), {SolutionSkill.DATA_ENGINEER: member.pk}
    )
    page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count(">Gap<") == 2 and "Data analyst" in page


def test_only_those_who_run_the_team_are_sent_to_invite_people(
    project, analyst, facilitator, client_for
) -> None:
    # The analyst may say who brings each skill but not invite people: the team page refuses
    # them, so the solution's pages must not send them there.
    client_for(analyst).post(url("solution_new", project.pk), _idea_data())
    idea = SolutionIdea.objects.get()
    team = url("team", project.pk)
    for page_url in (idea.get_absolute_url(), url("solution_skills", project.pk, idea.pk)):
        assert team not in client_for(analyst).get(page_url).content.decode()
        assert team in client_for(facilitator).get(page_url).content.decode()
    assert client_for(analyst).get(team).status_code == 403


def test_solution_data_uses_say_what_the_ideas_include(project) -> None:
    SolutionIdea.objects.create(
        project=project, title="Map", kind="map", audience="a", what_to_see="w"
    )
    SolutionIdea.objects.create(
        project=project,
        title="Indicators",
        kind="dataset",
        audience="a",
        what_to_see="w",
        uses=["need_indicators", "personal_information"],
    )
    uses = solution_data_uses(project)
    assert (
        uses.includes_map,
        uses.combined_dataset,
        uses.need_indicators,
        uses.personal_information,
    ) == (
        True,
        False,
        True,
        True,
    )
    assert uses.ideas["includes_map"] == ["Map"]
    assert uses.ideas["need_indicators"] == ["Indicators"]


# --- Workshops, feedback and final checks -------------------------------------------------------


def _workshop(project, days=7, capacity=2) -> Workshop:
    starts = timezone.now() + timedelta(days=days)
    return Workshop.objects.create(
        project=project,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Library",
        capacity=capacity,
    )


def test_the_facilitator_invites_and_a_partner_books_with_a_calendar_entry(
    project, facilitator, vcs_partner, staff, client_for, django_capture_on_commit_callbacks
) -> None:
    workshop = _workshop(project, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(
            url("workshop", project.pk, workshop.pk),
            {"emails": f"{vcs_partner.email}\n{staff.email.upper()}"},
        )
    invitations = [m for m in mail.outbox if "invited to a testing workshop" in m.subject]
    assert sorted(m.to[0] for m in invitations) == [staff.email, vcs_partner.email]
    mail.outbox.clear()
    partner = client_for(vcs_partner)
    assert partner.get(url("workshop_book", project.pk, workshop.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        partner.post(url("workshop_book", project.pk, workshop.pk), {"access_needs": "Step-free"})
    booking = WorkshopBooking.objects.get()
    assert (booking.user, booking.access_needs) == (vcs_partner, "Step-free")
    (confirmation,) = mail.outbox
    calendar = confirmation.attachments[0].get_payload(decode=True).decode()
    assert "METHOD:REQUEST" in calendar and str(booking.uid) in calendar
    # Full: the other person invited is turned away with a reason.
    response = client_for(staff).post(url("workshop_book", project.pk, workshop.pk), {})
    assert "This workshop is full" in response.content.decode()
    # Giving up the place sends the calendar's cancellation.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        partner.post(url("workshop_book", project.pk, workshop.pk), {})
    booking.refresh_from_db()
    assert booking.status == WorkshopBooking.Status.CANCELLED
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0].get_payload(decode=True).decode()


def test_someone_invited_finds_the_workshop_on_their_dashboard(
    project, facilitator, vcs_partner, staff, client_for
) -> None:
    # The invitation email is not the only way back to the workshop: the dashboard lists it.
    workshop = _workshop(project, capacity=1)
    past = _workshop(project, days=-7)
    client_for(facilitator).post(url("workshop", project.pk, workshop.pk), {"emails": staff.email})
    client_for(facilitator).post(url("workshop", project.pk, past.pk), {"emails": staff.email})
    book = url("workshop_book", project.pk, workshop.pk)
    dashboard = reverse("dashboard")
    client = client_for(staff)
    page = client.get(dashboard).content.decode()
    assert "Your testing workshops (1)" in page
    assert f'href="{book}"' in page and "Book a place at the testing workshop" in page
    assert url("workshop_book", project.pk, past.pk) not in page
    assert "testing workshop" not in client_for(vcs_partner).get(dashboard).content.decode()

    client.post(book, {})
    page = client.get(dashboard).content.decode()
    assert "Book a place at the testing workshop" not in page and f'href="{book}"' in page
    # Once it is full, someone else invited is told so rather than offered a form to fill in.
    client_for(facilitator).post(
        url("workshop", project.pk, workshop.pk), {"emails": vcs_partner.email}
    )
    full = client_for(vcs_partner).get(book).content.decode()
    assert "This workshop is full" in full and "access needs" not in full


def test_the_booking_page_leads_back_to_where_each_person_came_from(
    project, analyst, staff, facilitator, client_for
) -> None:
    workshop = _workshop(project)
    client_for(facilitator).post(url("workshop", project.pk, workshop.pk), {"emails": staff.email})
    book = url("workshop_book", project.pk, workshop.pk)
    team_page = client_for(analyst).get(book).content.decode()
    assert f'href="{workshop.get_absolute_url()}" class="govuk-back-link"' in team_page
    invited_page = client_for(staff).get(book).content.decode()
    assert f'href="{reverse("dashboard")}" class="govuk-back-link"' in invited_page


def test_inviting_an_address_with_no_account_says_so(project, facilitator, client_for) -> None:
    workshop = _workshop(project)
    response = client_for(facilitator).post(
        url("workshop", project.pk, workshop.pk), {"emails": "nobody@example.org"}
    )
    assert (
        "Nobody with an account here has the address nobody@example.org"
        in response.content.decode()
    )
    assert not workshop.invitations.exists()


def test_someone_not_invited_cannot_see_the_workshop(project, vcs_partner, client_for) -> None:
    workshop = _workshop(project)
    assert (
        client_for(vcs_partner).get(url("workshop_book", project.pk, workshop.pk)).status_code
        == 404
    )


def test_wont_do_needs_a_reason(project, analyst, client_for) -> None:
    data = {"kind": "substantive", "text": "Add the county average", "state": "wont_do"}
    response = client_for(analyst).post(url("feedback_new", project.pk), data)
    assert "Enter why the team will not act on it" in response.content.decode()
    client_for(analyst).post(url("feedback_new", project.pk), data | {"response": "No county data"})
    assert FeedbackItem.objects.get().response == "No county data"


def test_the_feedback_list_filters_and_keeps_its_filters_in_the_page_links(
    project, analyst, client_for
) -> None:
    for n in range(30):
        FeedbackItem.objects.create(project=project, kind="accessibility", text=f"Item {n}")
    FeedbackItem.objects.create(project=project, kind="substantive", text="Substantive one")
    page = (
        client_for(analyst)
        .get(url("feedback", project.pk), {"kind": "accessibility"})
        .content.decode()
    )
    assert "Substantive one" not in page
    assert "kind=accessibility&amp;page=2" in page


def test_final_checks_are_ticked_with_notes(project, analyst, client_for) -> None:
    data = {"done_behaves": "on", "notes_behaves": "Links open", "done_security": "on"}
    client_for(analyst).post(url("final_checks", project.pk), data)
    assert set(FinalCheck.objects.values_list("item", "notes")) == {
        ("behaves", "Links open"),
        ("security", ""),
    }


# --- Tables, charts, maps and protection --------------------------------------------------------

CSV_TABLE = (
    "area,measure,value\n"
    "Gospel Oak,Visits,143\nFrognal,Visits,4\nCamden Town,Visits,266\nKilburn,Visits,198\n"
)


def test_an_uploaded_table_is_protected_and_the_page_says_what_was_hidden(
    project, analyst, client_for
) -> None:
    insight = draft_insight(project)
    client = client_for(analyst)
    upload = SimpleUploadedFile("t.csv", CSV_TABLE.encode(), content_type="text/csv")
    data = {"title": "Visits", "kind": "count", "row_title": "Ward", "value_title": "Visits"}
    response = client.post(
        url("insight_table_upload", project.pk, insight.pk), data | {"file": upload}
    )
    assert response.status_code == 302
    page = client.get(insight.get_absolute_url()).content.decode()
    assert "fewer than 10" in page and ">4<" not in page
    hidden = {
        (s.row, s.rule) for s in publication_suppressions(project, insight.__class__.objects.all())
    }
    assert ("Frognal", "primary") in hidden
    assert any(rule == "secondary" for _, rule in hidden)


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        ("area,measure,value\nA,V,x\n", "count", "Row 2: ‘x’ is not a number"),
        ("area,measure,value\nA,V,2.5\n", "count", "counts must be whole numbers"),
        ("area,measure,value\nA,V,-1\n", "count", "figures must be zero or more"),
        ("area,measure,value\nA,V,1\nA,V,2\n", "count", "Row 3 repeats A, V"),
        ("name,dob\nJane,1980\n", "count", "The header must name an area"),
        ("area,measure,value\nA,V,10\n", "amount", "Amounts need contributors"),
    ],
)
def test_a_bad_table_says_what_to_fix(content, kind, message, project, analyst, client_for) -> None:
    insight = draft_insight(project)
    upload = SimpleUploadedFile("t.csv", content.encode(), content_type="text/csv")
    data = {"title": "T", "kind": kind, "row_title": "Ward", "value_title": "N", "file": upload}
    response = client_for(analyst).post(url("insight_table_upload", project.pk, insight.pk), data)
    assert message in response.content.decode()
    assert not insight.tables.exists()


def test_a_table_grouped_from_a_redacted_dataset_keeps_only_aggregates_and_logs_the_read(
    project, programme_a, analyst, client_for, tmp_path
) -> None:
    from tests.dataset_helpers import approve_evaluation, data_source  # noqa: PLC0415

    source = data_source(programme_a)
    source.idea = project.idea
    source.save()
    dataset = stored_dataset(source, tmp_path)
    approve_evaluation(source, analyst)  # the redacted copy opens once the check names them
    insight = draft_insight(project)
    client = client_for(analyst)
    chooser = client.get(url("insight_table_from_dataset", project.pk, insight.pk))
    assert dataset.original_filename in chooser.content.decode()
    columns = client.get(
        url("insight_table_from_dataset", project.pk, insight.pk), {"dataset": dataset.pk}
    )
    column = next(
        f.name for f in dataset.findings.all() if f.remedy == "generalise" or f.quasi_identifier
    )
    assert column in columns.content.decode()
    response = client.post(
        url("insight_table_from_dataset", project.pk, insight.pk),
        {
            "dataset": dataset.pk,
            "rows": column,
            "title": "Visits by group",
            "kind": "count",
            "row_title": "Group",
            "value_title": "Records",
            "purpose": "Counting visits",
        },
    )
    assert response.status_code == 302
    table = insight.tables.get()
    assert sum(c["value"] for c in table.cells) == dataset.rows
    assert set(table.cells[0]) == {"row", "column", "value"}  # aggregates only
    assert dataset.accesses.get().purpose.endswith("Counting visits")


def test_charts_and_maps_are_drawn_from_published_figures(project, analyst, client_for) -> None:
    insight = draft_insight(project)
    wards = {
        f["properties"]["WDNM"]: (30 + n, 50 + n)
        for n, f in enumerate(synthetic_wards()["features"])
    }
    wards["Frognal"] = (6, 19)
    table = table_on(insight, values=wards)
    client = client_for(analyst)
    upload = SimpleUploadedFile("w.geojson", json.dumps(synthetic_wards()).encode())
    client.post(
        url("boundaries", project.pk),
        {"name": "Wards", "attribution": "Made up", "file": upload},
    )
    boundaries = project.boundaries.get()
    assert boundaries.areas == 12 and boundaries.code_property == "WDCD"
    client.post(
        url("insight_chart_new", project.pk, insight.pk),
        {"table": table.pk, "kind": "bar", "title": "By ward", "description": "Bars"},
    )
    client.post(
        url("insight_map_new", project.pk, insight.pk),
        {
            "figures": f"{table.pk}:Stopped visiting",
            "boundaries": boundaries.pk,
            "title": "Map",
            "description": "Shaded wards",
        },
    )
    chart, shaded = InsightFigure.objects.order_by("pk")
    assert f'<title id="figure-{chart.pk}-title">By ward</title>' in chart.svg
    assert shaded.is_map and "Shaded wards" in shaded.svg
    page = client.get(insight.get_absolute_url()).content.decode()
    assert page.count("<svg") >= 2 and "Boundaries: Made up" in page


def test_marking_ready_needs_a_table_and_a_change_unmarks_it(project, analyst, client_for) -> None:
    insight = draft_insight(project)
    client = client_for(analyst)
    client.post(url("insight_ready", project.pk, insight.pk), {"ready": "yes"})
    insight.refresh_from_db()
    assert insight.ready_at is None
    table_on(insight)
    client.post(url("insight_ready", project.pk, insight.pk), {"ready": "yes"})
    insight.refresh_from_db()
    assert insight.ready_at is not None
    upload = SimpleUploadedFile("t.csv", CSV_TABLE.encode(), content_type="text/csv")
    client.post(
        url("insight_table_upload", project.pk, insight.pk),
        {"title": "More", "kind": "count", "row_title": "Ward", "value_title": "N", "file": upload},
    )
    insight.refresh_from_db()
    assert insight.ready_at is None


def test_the_insight_page_warns_of_personal_data_in_its_words(project, analyst, client_for) -> None:
    insight = draft_insight(project)
    insight.narrative = "Thanks to Jane Smith, on 07700 900123, for the figures."
    insight.save()
    page = client_for(analyst).get(insight.get_absolute_url()).content.decode()
    assert "may contain personal data" in page
    assert "<mark>07700 900123</mark>" in page


def test_records_are_read_only_once_the_project_is_ready(project, analyst, client_for) -> None:
    at(project, Status.READY)
    response = client_for(analyst).post(
        url("similar_work", project.pk), {"title": "x", "notes": "y"}
    )
    assert response.status_code == 302 and not project.similar_work.exists()


# --- Publishing and the public site -------------------------------------------------------------


def _publishable(project, facilitator):
    at(project, Status.TESTING)
    SolutionIdea.objects.create(
        project=project, title="Map", kind="map", audience="a", what_to_see="w"
    )
    FeedbackItem.objects.create(project=project, kind="substantive", text="t", state="acted_on")
    for item in FinalCheck.Item:
        FinalCheck.objects.create(project=project, item=item)
    insight = draft_insight(project)
    table_on(insight)
    insight.refresh_from_db()
    from projects import insights  # noqa: PLC0415

    insights.insight_mark_ready(insight=insight, user=facilitator, ready=True)
    for stage in (Stage.SOLUTION, Stage.PRE_PUBLICATION):
        approved_check(project.idea, stage, author=facilitator)
    return insight


def test_publishing_makes_the_insight_public_and_announces_it_once(
    project, programme_a, facilitator, client_for, django_capture_on_commit_callbacks
) -> None:
    insight = _publishable(project, facilitator)
    UpdateSubscription.objects.create(
        programme=programme_a, email="reader@example.org", confirmed_at=timezone.now()
    )
    public = reverse("landing:insight", args=[programme_a.slug, insight.slug])
    assert client_for(None).get(public).status_code == 404
    project = project_transition(project=project, user=facilitator, action="mark_ready")
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, user=facilitator, action="publish")
    insight.refresh_from_db()
    assert insight.published_at == ProjectEvent.objects.filter(action="publish").get().at
    assert client_for(None).get(public).status_code == 200
    post = NewsPost.objects.get(insight=insight)
    assert post.title == f"New insight: {insight.title}"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    feed = (
        client_for(None).get(reverse("landing:news_feed", args=[programme_a.slug])).content.decode()
    )
    assert f"New insight: {insight.title}" in feed
    # The announcement is idempotent.
    from projects.effects import announce_insights  # noqa: PLC0415

    announce_insights(ProjectEvent.objects.get(action="publish").pk)
    assert NewsPost.objects.filter(insight=insight).count() == 1 and len(mail.outbox) == 1


def test_the_public_page_and_downloads_never_show_a_hidden_figure(
    project, programme_a, client_for
) -> None:
    insight = draft_insight(project)
    table = table_on(insight)
    insight.published_at = timezone.now()
    insight.save()
    client = client_for(None)
    page = client.get(insight.get_public_url()).content.decode()
    assert "fewer than 10" in page and '"@type": "Dataset"' in page
    args = [programme_a.slug, insight.slug, table.pk]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("landing:insight_csv", args=args)).content.decode())
        )
    )
    frognal = {r["measure"]: r for r in rows if r["area_or_category"] == "Frognal"}
    assert (
        frognal["Stopped visiting"]["value"] == ""
        and frognal["Stopped visiting"]["note"] == "fewer than 10"
    )
    assert "6" not in {r["value"] for r in rows}
    data = json.loads(client.get(reverse("landing:insight_json", args=args)).content)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert {d["value"] for d in data["data"] if d["area_or_category"] == "Frognal"} >= {None}
    meta = json.loads(client.get(reverse("landing:insight_csvw", args=args)).content)
    assert meta["url"].endswith(f"/data/{table.pk}.csv")
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(rows[0])
    listing = client.get(reverse("landing:programme", args=[programme_a.slug])).content.decode()
    assert insight.title in listing


def test_the_pdf_reads_like_the_page(project, programme_a, client_for) -> None:
    from pypdf import PdfReader  # noqa: PLC0415

    insight = draft_insight(project)
    table_on(insight)
    insight.published_at = timezone.now()
    insight.save()
    response = client_for(None).get(
        reverse("landing:insight_pdf", args=[programme_a.slug, insight.slug])
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert insight.title in text and "fewer than 10" in text and "How we made it" in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_schema_org_markup_cannot_be_broken_out_of(project, programme_a, client_for) -> None:
    insight = draft_insight(project, title="Findings </script><script>alert(1)</script>")
    table_on(insight)
    insight.published_at = timezone.now()
    insight.save()
    page = client_for(None).get(insight.get_public_url()).content.decode()
    assert "<script>alert(1)</script>" not in page


# --- Lists at two sizes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        (
            "similar_work",
            lambda p, n: [p.similar_work.create(title=f"W{i}", notes="n") for i in range(n)],
        ),
        (
            "research",
            lambda p, n: [
                p.research_sessions.create(reached="r", held_on=timezone.localdate())
                for _ in range(n)
            ],
        ),
        (
            "feedback",
            lambda p, n: [p.feedback.create(kind="substantive", text="t") for _ in range(n)],
        ),
        ("workshops", lambda p, n: [_workshop(p, days=3 + i) for i in range(n)]),
        ("boundaries", lambda p, n: [_boundaries(p) for _ in range(n)]),
        (
            "solutions",
            lambda p, n: [
                (
                    p.solution_ideas.create(
                        title=f"S{i}", kind="map", audience="A", what_to_see="W"
                    ),
                    draft_insight(p, title=f"Insight {i}"),
                )
                for i in range(n)
            ],
        ),
    ],
)
def test_team_lists_take_the_same_queries_at_any_size(
    name, make, project, analyst, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(analyst)
    make(project, 2)
    client.get(url(name, project.pk))  # warm the session
    # A bound for a page of this kind (the phase overview asks most); what matters is below.
    with django_assert_max_num_queries(40) as small:
        client.get(url(name, project.pk))
    make(project, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(name, project.pk))
    assert response.status_code == 200


def _boundaries(project):
    from projects import insights, maps  # noqa: PLC0415

    parsed = maps.read_boundaries(json.dumps(synthetic_wards()).encode(), max_bytes=1024 * 1024)
    return insights.boundaries_add(
        project=project, user=None, name="W", attribution="A", parsed=parsed
    )


@pytest.mark.parametrize("name", ["landing:insights", "landing:programme"])
def test_public_insight_lists_take_the_same_queries_at_any_size(
    name, project, programme_a, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(None)

    def publish(n):
        for i in range(n):
            insight = draft_insight(project, title=f"Insight {project.insights.count()} {i}")
            insight.published_at = timezone.now()
            insight.save()

    from cip.public_cache import SITE, invalidate  # noqa: PLC0415

    publish(2)
    client.get(reverse(name, args=[programme_a.slug]))
    invalidate(SITE)  # measure the page as rendered, not as served from the public cache
    with django_assert_max_num_queries(40) as small:
        client.get(reverse(name, args=[programme_a.slug]))
    publish(30)
    invalidate(SITE)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name, args=[programme_a.slug])).status_code == 200


def test_removing_a_table_takes_its_charts_unmarks_the_insight_and_is_logged(
    project, facilitator, client_for
) -> None:
    insight = ready_insight(project)
    table = insight.tables.get()
    figure = InsightFigure.objects.create(
        insight=insight, table=table, kind="bar", title="Stopped by ward", description="Bars"
    )
    remove = url("insight_part_remove", project.pk, insight.pk, "tables", table.pk)
    client = client_for(facilitator)
    assert "Households by ward" in client.get(remove).content.decode()  # asks first

    response = client.post(remove, follow=True)
    assert response.redirect_chain == [(insight.get_absolute_url(), 302)]
    assert "‘Households by ward’ has been removed." in response.content.decode()
    assert not InsightTable.objects.filter(pk=table.pk).exists()
    assert not InsightFigure.objects.filter(pk=figure.pk).exists()
    insight.refresh_from_db()
    assert insight.ready_at is None  # what the reviewer signed off has changed
    (logged,) = LogEntry.objects.get_for_object(table).filter(action=LogEntry.Action.DELETE)
    assert logged.actor == facilitator and logged.object_repr
    assert "cells" not in logged.changes_dict
