"""Demo of exploring, testing and publishing for `manage.py seed_demo`.

Camden's selected food-bank project is explored (similar work, a research session, two solution
ideas), tested (a workshop and its feedback, all answered), made ready and published: one insight
with a chart, a map on synthetic ward boundaries, and a figure too small to publish. Central
Bedfordshire has a project in testing with feedback still open.

Each step is a small function of its own, so that the steps before a move (`prepare_ready`,
`prepare_publish`) can grow when the moves gain guards, such as approved safety checks. Safe to
run again: a project already past a step is left alone. Sends no email.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from projects import insights, maps
from projects.demo_selection import make_candidate
from projects.disclosure import Cell
from projects.models import (
    Criterion,
    FeedbackItem,
    FinalCheck,
    Insight,
    InsightFigure,
    InsightTable,
    Project,
    ProjectEvent,
    ProjectMember,
    ResearchSession,
    SelectionScore,
    SimilarWork,
    SolutionIdea,
    Status,
    TestingWorkshop,
)
from projects.services import project_transition
from projects.workshops import final_checks_save
from safety.demo import approved_check
from safety.models import Stage
from scoping.models import Idea
from teams.models import Programme, User

CAMDEN_PROJECT = "Who stops coming to the food bank, and why?"
BEDFORDSHIRE_PROJECT = "Which villages lose touch with debt advice after a move?"

# Wards of Camden, each drawn as a cell of a slightly uneven grid: made up for the demo.
WARDS = [
    "Highgate", "Gospel Oak", "Hampstead Town", "Frognal",
    "Kentish Town South", "Haverstock", "Belsize", "West Hampstead",
    "Camden Square", "Camden Town", "Primrose Hill", "Kilburn",
]  # fmt: skip
VISITS = {  # households that stopped visiting, and that kept visiting, per ward (made up)
    "Highgate": (23, 61),
    "Gospel Oak": (41, 88),
    "Hampstead Town": (12, 35),
    "Frognal": (6, 19),  # fewer than 10: hidden, with the cells that would give it away
    "Kentish Town South": (38, 97),
    "Haverstock": (44, 102),
    "Belsize": (17, 40),
    "West Hampstead": (21, 52),
    "Camden Square": (29, 71),
    "Camden Town": (52, 118),
    "Primrose Hill": (14, 33),
    "Kilburn": (47, 95),
}
ATTRIBUTION = (
    "Synthetic boundaries drawn for the demonstration: shapes and codes are made up and are "
    "not real ward boundaries."
)


def synthetic_wards() -> dict:
    """A GeoJSON FeatureCollection of twelve made-up wards on a 4 x 3 grid that tiles."""

    def corner(column: int, row: int) -> list[float]:
        wobble = ((column * 7 + row * 3) % 5 - 2) * 0.0015
        return [round(-0.21 + column * 0.025 + wobble, 5), round(51.57 - row * 0.018 - wobble, 5)]

    features = []
    for number, name in enumerate(WARDS):
        column, row = number % 4, number // 4
        ring = [corner(column, row), corner(column + 1, row), corner(column + 1, row + 1)]
        ring += [corner(column, row + 1), corner(column, row)]
        features.append(
            {
                "type": "Feature",
                "properties": {"WDCD": f"DEMO{number + 1:02d}", "WDNM": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- Steps -------------------------------------------------------------------------------------


def explore(project: Project, user: User, *, ideas: list[dict]) -> Project:
    """Start exploring and record similar work, a research session and the solution ideas."""
    if project.status == Status.SELECTED:
        project = project_transition(project=project, user=None, action="start_exploring")
    if not project.similar_work.exists():
        SimilarWork.objects.create(
            project=project,
            title="A neighbouring borough's map of cost-of-living support",
            who="Another London council",
            kind=SimilarWork.Kind.COUNCIL,
            notes="They mapped referrals by ward and paired the map with three quotes from "
            "residents: people remembered the quotes.",
            added_by=user,
        )
    if not project.research_sessions.exists():
        ResearchSession.objects.create(
            project=project,
            kind=ResearchSession.Kind.GROUP,
            state=ResearchSession.State.DONE,
            held_on=timezone.localdate() - timedelta(days=30),
            reached="Six food bank volunteers and two advice workers",
            themes="People stop coming when a bus route changes or a benefit is sanctioned.",
            quotes="“They don't stop needing us. They stop being able to get here.”",
            recorded_by=user,
        )
    for spec in ideas:
        SolutionIdea.objects.get_or_create(
            project=project, title=spec["title"], defaults={**spec["fields"], "created_by": user}
        )
    return project


def start_testing(project: Project) -> Project:
    if project.status == Status.EXPLORING:
        project = project_transition(project=project, user=None, action="start_testing")
    return project


def test_with_feedback(project: Project, user: User, *, feedback: list[tuple], when: date) -> None:
    """A past testing workshop and what was said at it."""
    if project.workshops.exists():
        return
    starts = timezone.make_aware(datetime.combine(when, time()))
    workshop = TestingWorkshop.objects.create(
        project=project,
        starts_at=starts + timedelta(hours=10),
        ends_at=starts + timedelta(hours=11, minutes=30),
        place="Community room, Northgate Library",
        capacity=12,
        what_is_tested="The draft map and the two-page summary.",
        others_present="Four residents who use the food bank",
        created_by=user,
    )
    for kind, text, state, response in feedback:
        FeedbackItem.objects.create(
            project=project,
            workshop=workshop,
            kind=kind,
            text=text,
            state=state,
            response=response,
            recorded_by=user,
        )


def write_insight(project: Project, user: User) -> Insight:
    """The food-bank insight: a two-way table with a small figure, a chart and a map."""
    found = project.insights.first()
    if found is not None:
        return found
    insight = insights.insight_save(
        insight=Insight(
            project=project,
            title="Households stop visiting the food bank while still in need",
            question="Which households stop visiting the food bank, and why?",
            summary="Around one household in three that used the food bank last year stopped "
            "coming within six months. Volunteers and advice workers say most still need help: "
            "they can no longer get there.",
            narrative="Across the borough, **around one in three** households that used the food "
            "bank stopped visiting within six months.\n\n## Where\n\nThe share is highest in "
            "Camden Town and Haverstock, where a bus route was cut in the spring.\n\n## Why\n\n"
            "- A change of bus route or of working hours\n- A benefit sanction\n- Moving to "
            "temporary accommodation further away\n\n> They don't stop needing us. They stop "
            "being able to get here.",
            caveats="The visit records are kept by volunteers on paper and may miss visits at "
            "busy sessions. Do not quote single-ward figures in funding bids: one ward's records "
            "have not been checked.",
            permitted_use="Anyone may use this insight to plan outreach and services. Quote the "
            "borough-wide figures freely; ward figures are for planning only.",
            methodology="We counted households in the food bank's visit records for the last "
            "year, after they had been redacted (names and contact details removed, postcodes "
            "cut to their sector). A household that had not visited for six months counts as "
            "having stopped. Quotes come from a group session with volunteers and advice workers.",
        ),
        user=user,
    )
    cells = [
        Cell(ward, measure, value)
        for ward, pair in VISITS.items()
        for measure, value in zip(("Stopped visiting", "Still visiting"), pair, strict=True)
    ]
    table = insights.table_add(
        insight=insight,
        user=user,
        cells=cells,
        title="Households by ward",
        description="Households that used the food bank last year, by whether they stopped.",
        kind=InsightTable.Kind.COUNT,
        row_title="Ward",
        value_title="Households",
    )
    boundaries = project.boundaries.first() or insights.boundaries_add(
        project=project,
        user=user,
        name="Camden wards (synthetic)",
        attribution=ATTRIBUTION,
        parsed=maps.read_boundaries(json.dumps(synthetic_wards()).encode(), max_bytes=1024 * 1024),
    )
    insights.chart_add(
        insight=insight,
        table=table,
        kind=InsightFigure.Kind.STACKED_BAR,
        title="Households by ward, stopped or still visiting",
        description="In every ward more households kept visiting than stopped; Camden Town and "
        "Kilburn have the most households that stopped.",
    )
    insights.map_add(
        insight=insight,
        table=table,
        boundaries=boundaries,
        column="Stopped visiting",
        title="Households that stopped visiting, by ward",
        description="Most households that stopped visiting live in the south and east of the "
        "borough; the north-west has the fewest.",
    )
    return insight


def prepare_ready(project: Project, user: User) -> None:
    """What the move to ready needs: every final check done, an insight marked ready, and the
    solution and pre-publication safety checks signed off (recorded, as the demo's history)."""
    final_checks_save(
        project=project,
        user=user,
        done={item: "Done in the demo." for item in FinalCheck.Item.values},
    )
    for insight in project.insights.filter(ready_at__isnull=True):
        insights.insight_mark_ready(insight=insight, user=user, ready=True)
    for stage in (Stage.SOLUTION, Stage.PRE_PUBLICATION):
        approved_check(project.idea, stage, author=user)


def mark_ready(project: Project, user: User) -> Project:
    if project.status == Status.TESTING:
        prepare_ready(project, user)
        project = project_transition(project=project, user=None, action="mark_ready")
    return project


def prepare_publish(project: Project, user: User) -> None:
    """What the publish move needs beyond being ready: the pre-publication check in force."""
    approved_check(project.idea, Stage.PRE_PUBLICATION, author=user)


def publish(project: Project, user: User) -> Project:
    if project.status == Status.READY:
        prepare_publish(project, user)
        project = project_transition(project=project, user=None, action="publish")
    return project


# --- The two programmes ------------------------------------------------------------------------

CAMDEN_IDEAS = [
    {
        "title": "A ward map of households who stopped visiting",
        "fields": {
            "kind": SolutionIdea.Kind.MAP,
            "audience": "Outreach workers at the food bank and the council's welfare-rights team.",
            "what_to_see": "Which wards have the most households who stopped visiting, so that "
            "outreach starts there.",
            "narrative": "Households stop coming while still in need, and where they live "
            "tells us why.",
            "caveats": "Ward figures are for planning only: do not quote them in funding bids.",
            "uses": [SolutionIdea.Use.SHOWS_MAP],
        },
    },
    {
        "title": "A two-page summary for partners",
        "fields": {
            "kind": SolutionIdea.Kind.INFOGRAPHIC,
            "audience": "VCS partners and councillors.",
            "what_to_see": "The borough-wide figure and the three reasons people give.",
            "uses": [SolutionIdea.Use.STATISTICAL_CLAIMS],
        },
    },
]
CAMDEN_FEEDBACK = [
    (
        FeedbackItem.Kind.SUBSTANTIVE,
        "It would help to see how many households in each ward use the food bank at all.",
        FeedbackItem.State.ACTED_ON,
        "The map's table now shows households still visiting beside those who stopped.",
    ),
    (
        FeedbackItem.Kind.ACCESSIBILITY,
        "The colours on the map were hard to tell apart on a phone.",
        FeedbackItem.State.ACTED_ON,
        "The map uses one colour from light to dark, with the figures in a table beside it.",
    ),
]
BEDFORDSHIRE_FEEDBACK = [
    (
        FeedbackItem.Kind.ACCESSIBILITY,
        "I don't know how to use the dashboard, so I couldn't look at the village figures.",
        FeedbackItem.State.OPEN,
        "",
    ),
    (
        FeedbackItem.Kind.SUBSTANTIVE,
        "This would be more useful with the county average beside each village.",
        FeedbackItem.State.OPEN,
        "",
    ),
]


def seed_solutions(programmes: dict[str, Programme]) -> None:
    """Camden's project published with its insight; Central Bedfordshire's project in testing."""
    people = {u.email: u for u in User.objects.filter(email__contains="@")}
    with transaction.atomic():
        camden = Project.objects.filter(
            idea__programme=programmes.get("camden"), idea__title=CAMDEN_PROJECT
        ).first()
        analyst = people.get("analyst@camden.example")
        if camden is not None and analyst is not None and camden.status in _BEFORE_PUBLISHED:
            camden = explore(camden, analyst, ideas=CAMDEN_IDEAS)
            camden = start_testing(camden)
            test_with_feedback(
                camden,
                analyst,
                feedback=CAMDEN_FEEDBACK,
                when=timezone.localdate() - timedelta(days=10),
            )
            write_insight(camden, analyst)
            camden = mark_ready(camden, analyst)
            camden = publish(camden, analyst)
        bedfordshire = programmes.get("central-bedfordshire")
        lead = people.get("lead@advice.example")
        if bedfordshire is not None and lead is not None:
            idea, _ = Idea.objects.get_or_create(
                programme=bedfordshire,
                title=BEDFORDSHIRE_PROJECT,
                defaults={
                    "problem": "Households who move between villages drop out of debt advice.",
                    "question": "Which villages lose touch with debt advice after a move?",
                    "proposing_organisation": lead.organisation,
                },
            )
            project = make_candidate(idea)
            if project.status == Status.EVALUATED:
                for criterion in Criterion:
                    SelectionScore.objects.get_or_create(
                        project=project, scorer=lead, criterion=criterion, defaults={"score": 4}
                    )
                project = project_transition(
                    project=project,
                    user=None,
                    action="select",
                    reason="Chosen earlier in the year, before this round of ideas.",
                )
            ProjectMember.objects.get_or_create(
                project=project,
                email=lead.email,
                defaults={
                    "user": lead,
                    "name": str(lead),
                    "role": "VCS member lead",
                    "expectations": "Run the testing workshops with village advice workers.",
                },
            )
            project = explore(
                project,
                lead,
                ideas=[
                    {
                        "title": "A village dashboard for advice workers",
                        "fields": {
                            "kind": SolutionIdea.Kind.DASHBOARD,
                            "audience": "Debt advice workers covering the rural villages.",
                            "what_to_see": "Villages where advice cases end after a move.",
                            "uses": [SolutionIdea.Use.PRIORITISES_SERVICES],
                        },
                    }
                ],
            )
            project = start_testing(project)
            test_with_feedback(
                project,
                lead,
                feedback=BEDFORDSHIRE_FEEDBACK,
                when=timezone.localdate() - timedelta(days=3),
            )
        # The demo's moves are history, not news: their emails count as sent.
        ProjectEvent.objects.filter(
            project__idea__programme__in=programmes.values(), emailed_at=None
        ).update(emailed_at=timezone.now())


_BEFORE_PUBLISHED = (Status.SELECTED, Status.EXPLORING, Status.TESTING, Status.READY)
