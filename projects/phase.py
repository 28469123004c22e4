"""The phase after selection on one screen: each step of exploring, testing and publishing, with
where it has got, for the task list on the project's solutions page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from projects.models import FeedbackItem, FinalCheck, Project, ResearchSession


@dataclass(frozen=True)
class Step:
    name: str
    url: str
    status: str
    tag: str = ""  # a GOV.UK tag colour class; empty for plain status text
    completed: bool = False


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def overview(project: Project) -> list[Step]:
    """Where each step has got. A handful of counting queries, whatever the numbers."""
    pk = project.pk
    research = project.research_sessions.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(state=ResearchSession.State.DONE))
    )
    ideas = project.solution_ideas.count()
    feedback = project.feedback.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(state=FeedbackItem.State.OPEN))
    )
    checks = project.final_checks.count()
    insights = project.insights.aggregate(
        total=Count("pk"), ready=Count("pk", filter=Q(ready_at__isnull=False))
    )
    similar = project.similar_work.count()
    workshops = project.workshops.count()
    boundaries = project.boundaries.count()

    def url(name: str) -> str:
        return reverse(f"projects:{name}", args=[pk])

    def started(n: int, text: str) -> tuple[str, str]:
        return (text, "govuk-tag--light-blue") if n else ("Not started", "govuk-tag--blue")

    steps = [
        Step(
            "Look at similar work elsewhere",
            url("similar_work"),
            *started(similar, _count(similar, "example", "examples")),
        ),
        Step(
            "Qualitative research",
            url("research"),
            *started(
                research["total"],
                f"{research['done']} of {_count(research['total'], 'session', 'sessions')} held",
            ),
        ),
        Step(
            "Solution ideas and the skills they need",
            url("solution_new") if not ideas else url("solutions") + "#solution-ideas",
            *started(ideas, _count(ideas, "idea", "ideas")),
        ),
        Step(
            "Testing workshops",
            url("workshops"),
            *started(workshops, _count(workshops, "workshop", "workshops")),
        ),
    ]
    if feedback["open"]:
        steps.append(
            Step(
                "Feedback from testing",
                url("feedback"),
                f"{feedback['open']} open",
                "govuk-tag--yellow",
            )
        )
    else:
        steps.append(
            Step(
                "Feedback from testing",
                url("feedback"),
                *started(feedback["total"], "All answered"),
                completed=bool(feedback["total"]),
            )
        )
    steps.append(
        Step(
            "Final checks before publishing",
            url("final_checks"),
            f"{checks} of {len(FinalCheck.Item)} done" if checks < len(FinalCheck.Item) else "Done",
            "govuk-tag--light-blue" if checks < len(FinalCheck.Item) else "",
            completed=checks == len(FinalCheck.Item),
        )
    )
    steps.append(
        Step(
            "Area boundaries for maps (optional)",
            url("boundaries"),
            *started(boundaries, _count(boundaries, "set", "sets")),
        )
    )
    if insights["ready"]:
        steps.append(
            Step(
                "Insights to publish",
                url("solutions") + "#insights",
                f"{insights['ready']} ready",
                completed=True,
            )
        )
    else:
        steps.append(
            Step(
                "Insights to publish",
                url("insight_new") if not insights["total"] else url("solutions") + "#insights",
                *started(insights["total"], _count(insights["total"], "draft", "drafts")),
            )
        )
    return steps
