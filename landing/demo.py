"""Demo public content for `manage.py seed_demo`: a published update on each programme's public
page, and a published insight in each programme for the national view."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from landing.models import NewsPost
from projects import insights
from projects.demo_selection import make_candidate
from projects.demo_solutions import explore, mark_ready, publish, start_testing, test_with_feedback
from projects.disclosure import Cell
from projects.models import (
    UNDER_WAY,
    Criterion,
    FeedbackItem,
    Insight,
    InsightTable,
    Lesson,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    SolutionIdea,
    Status,
    Step,
    SurveyInvitation,
)
from projects.services import project_transition
from scoping.models import Idea
from teams.models import Programme, User

NEWS = [
    (
        "office-hours-are-open",
        "Office hours are open",
        "Book a conversation with the facilitator about a question your organisation would "
        "like data to help answer.",
        "Our first office hours are now open for booking. They are informal: bring a problem "
        "you see in your work, a hunch about what is going on, or just curiosity about how the "
        "programme works.\n\nYou do not need to know anything about data. Sessions are online "
        "or in person, and you can tell us about any access needs when you book.",
    ),
]


def seed_news(programmes: dict[str, Programme]) -> None:
    """Publish the demo updates once per programme, without emailing anyone."""
    for programme in programmes.values():
        for slug, title, summary, body in NEWS:
            NewsPost.objects.get_or_create(
                programme=programme,
                slug=slug,
                defaults={
                    "title": title,
                    "summary": summary,
                    "body": body,
                    "published_at": timezone.now(),
                    "emailed_at": timezone.now(),  # nobody to email in a demo
                },
            )


# --- The national view: something published in every demo programme -------------------------

BEDFORDSHIRE_PAST_PROJECT = "Do warm spaces reach the villages that need them?"
WARM_SPACES = {  # visits to warm spaces last winter, by where visitors live (made up)
    "Villages under 1,000 people": (84, 310),
    "Villages of 1,000 to 5,000": (212, 540),
    "Market towns": (690, 1180),
}


WARM_SPACES_FEEDBACK = [
    (
        FeedbackItem.Kind.SUBSTANTIVE,
        "Say how many village spaces were open: there were far fewer than in the towns.",
        FeedbackItem.State.ACTED_ON,
        "The caveats now say that most warm spaces were in the towns.",
    )
]
WARM_SPACES_IDEA = {
    "title": "A table of visits for village groups",
    "fields": {
        "kind": SolutionIdea.Kind.DASHBOARD,
        "audience": "Village groups and the council's warm spaces team.",
        "what_to_see": "How many visits came from villages of each size.",
        "uses": [SolutionIdea.Use.PRIORITISES_SERVICES],
    },
}


@transaction.atomic
def seed_national(programmes: dict[str, Programme]) -> None:
    """Central Bedfordshire's project from last year, published with its insight and closed, and
    a lesson it shared, so that the national view (and the API) show both programmes' work. Runs
    before this year's project is selected: a programme runs one project at a time."""
    programme = programmes.get("central-bedfordshire")
    lead = User.objects.filter(email="lead@advice.example").first()
    if programme is None or lead is None:
        return
    idea, _ = Idea.objects.get_or_create(
        programme=programme,
        title=BEDFORDSHIRE_PAST_PROJECT,
        defaults={
            "problem": "Warm spaces opened in the towns; village groups were unsure anyone came.",
            "question": "Where do the people who use warm spaces live?",
            "proposing_organisation": lead.organisation,
        },
    )
    project = make_candidate(idea)
    others = Project.objects.filter(idea__programme=programme, status__in=UNDER_WAY)
    if project.status != Status.EVALUATED or others.exists():
        return  # done already, or too late: a programme runs one project at a time
    if project.status == Status.EVALUATED:
        for criterion in Criterion:
            SelectionScore.objects.get_or_create(
                project=project, scorer=lead, criterion=criterion, defaults={"score": 4}
            )
        project = project_transition(
            project=project, user=None, action="select", reason="Last winter's project."
        )
    ProjectMember.objects.get_or_create(
        project=project,
        email=lead.email,
        defaults={"user": lead, "name": str(lead), "role": "VCS member lead"},
    )
    project = start_testing(explore(project, lead, ideas=[WARM_SPACES_IDEA]))
    test_with_feedback(
        project,
        lead,
        feedback=WARM_SPACES_FEEDBACK,
        when=timezone.localdate() - timedelta(days=200),
    )
    if not project.insights.exists():
        insight = insights.insight_save(
            insight=Insight(
                project=project,
                title="Warm spaces were used mostly by people from the towns",
                question="Where do the people who use warm spaces live?",
                summary="Three visits in four to the county's warm spaces last winter were by "
                "people from the market towns; the smallest villages made the fewest.",
                narrative="Warm spaces in the market towns were busy all winter. **People from "
                "the smallest villages made few visits**, and village groups say the bus "
                "timetable, not the need, is why.",
                caveats="Visits were counted by volunteers at the door, not people.",
                permitted_use="Anyone may use this insight to plan next winter's warm spaces.",
                methodology="We added up the visit tallies the warm spaces kept, by where "
                "visitors said they lived.",
            ),
            user=lead,
        )
        insights.table_add(
            insight=insight,
            user=lead,
            cells=[
                Cell(place, measure, value)
                for place, pair in WARM_SPACES.items()
                for measure, value in zip(("Village spaces", "Town spaces"), pair, strict=True)
            ],
            title="Visits to warm spaces by where visitors live",
            kind=InsightTable.Kind.COUNT,
            row_title="Where visitors live",
            value_title="Visits",
        )
    Lesson.objects.get_or_create(
        programme=programme,
        title="Test with village groups where they already meet",
        defaults={
            "project": project,
            "step": Step.TESTING,
            "body": "Our first workshop was in a town library and **nobody from the villages "
            "came**. We took the draft table to two village lunch clubs instead, and their "
            "feedback changed the caveats.",
            "is_public": True,
            "created_by": lead,
        },
    )
    project = publish(mark_ready(project, lead), lead)
    for action in ("start_reflecting", "close"):  # over, so this year's project can start
        project = project_transition(project=project, user=None, action=action)
    # Last year's moves (and its reflections survey) are history: their emails count as sent.
    ProjectEvent.objects.filter(project=project, emailed_at=None).update(emailed_at=timezone.now())
    SurveyInvitation.objects.filter(survey__project=project, emailed_at=None).update(
        emailed_at=timezone.now()
    )
