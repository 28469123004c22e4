"""The project lifecycle on one screen: every move a project can make, who may make it, what must
be true first, and what happens after.

    idea ─> scoping ─> evaluated ─> selected ─> exploring ─> testing ─> ready ─> published
     │         │        │    ^        │   ^         ^            │                     │
     v         v        v    │        v   │         └────────────┘              reflecting ─> closed
              withdrawn    parked <───┘   └── (reconsider)

Guards return a message saying what is missing (GOV.UK error style), or None when the move may go
ahead. Effects run after the transaction commits. Only `projects.services.project_transition`
applies a transition; pages list the moves from `available_actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules

from projects.models import UNDER_WAY, FeedbackItem, FinalCheck, Project, Status
from safety.checks import stage_missing
from safety.models import Stage
from teams.models import Programme

Guard = Callable[[Project], str | None]
Effect = Callable[[Project, "object"], None]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str
    permission: str  # a django-rules permission asked with the project
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    effects: tuple[str, ...] = ()  # names of functions in projects.effects
    # Names of functions in projects.effects that write inside the move's own transaction.
    writes: tuple[str, ...] = ()
    secondary: bool = False  # a secondary or warning button rather than the main one
    warning: bool = False


# --- Guards ----------------------------------------------------------------------------------


def has_scoping_session(project: Project) -> str | None:
    if not project.idea.scoping_sessions.exists():
        return "Schedule a scoping session for the idea first"
    return None


def has_refined_question(project: Project) -> str | None:
    if not project.idea.refined_question.strip():
        return "Record the refined question from the scoping session"
    return None


def has_data_sources(project: Project) -> str | None:
    if not project.idea.data_sources.exists():
        return "Add at least one data source to the data inventory"
    return None


def has_skills(project: Project) -> str | None:
    if not project.idea.skill_needs.exists():
        return "List the people and skills the project would need"
    return None


def has_complete_evaluation(project: Project) -> str | None:
    evaluation = getattr(project.idea, "evaluation", None)
    if evaluation is None or not evaluation.is_complete:
        return (
            "Complete the evaluation summary: existing work, people and skills, "
            "and data safety considerations"
        )
    return None


def has_evaluation_safety_checks(project: Project) -> str | None:
    """Data is shared for the initial analysis only once every source's check is approved."""
    return stage_missing(project.idea, Stage.EVALUATION)


def has_solution_safety_check(project: Project) -> str | None:
    return stage_missing(project.idea, Stage.SOLUTION)


def has_pre_publication_safety_check(project: Project) -> str | None:
    """The public sees only what a pre-publication check approved."""
    return stage_missing(project.idea, Stage.PRE_PUBLICATION)


def has_scores(project: Project) -> str | None:
    if not project.scores.exists():
        return "At least one core-team member must score the idea before it is selected"
    return None


def project_under_way(programme_id: int, *, other_than: int | None = None) -> Project | None:
    """The programme's project that is under way, if any (there is at most one)."""
    under_way = Project.objects.filter(idea__programme_id=programme_id, status__in=UNDER_WAY)
    return under_way.exclude(pk=other_than).select_related("idea").first()


def no_other_project_under_way(project: Project) -> str | None:
    """A programme runs one project at a time, as the guide does: the core team selects one,
    runs it through to reflecting on it, then selects the next."""
    # Lock the programme's row (we are inside the transition's transaction) so two selections
    # made at once are checked one after the other.
    Programme.objects.select_for_update().filter(pk=project.idea.programme_id).first()
    other = project_under_way(project.idea.programme_id, other_than=project.pk)
    if other is None:
        return None
    if other.status == Status.SELECTED:
        return (
            f"“{other.idea.title}” is already selected, and a programme runs one project at a "
            "time. Park it or reconsider it first"
        )
    return (
        f"“{other.idea.title}” is under way, and a programme runs one project at a time. "
        "Select the next one once it has closed"
    )


def has_project_team(project: Project) -> str | None:
    if not project.members.exists():
        return "Invite the people joining the project team first"
    return None


def has_solution_ideas(project: Project) -> str | None:
    if not project.solution_ideas.exists():
        return "Record at least one solution idea from the solution workshop"
    return None


def final_checks_done(project: Project) -> str | None:
    done = set(project.final_checks.values_list("item", flat=True))
    left = [str(item.label).lower() for item in FinalCheck.Item if item not in done]
    if left:
        return "Complete the final checks before publishing: " + ", ".join(left)
    return None


def feedback_answered(project: Project) -> str | None:
    states = set(project.feedback.values_list("state", flat=True))
    if not states:
        return "Record the feedback from testing"
    if FeedbackItem.State.OPEN in states:
        return "Act on each open feedback item, or record why you will not"
    return None


def has_ready_insight(project: Project) -> str | None:
    if not project.insights.filter(ready_at__isnull=False).exists():
        return "Mark at least one insight as ready to publish"
    return None


# --- The table -------------------------------------------------------------------------------

MOVE = "projects.move_project"
WITHDRAW = "projects.withdraw_project"
EARLY = (Status.IDEA, Status.SCOPING, Status.EVALUATED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_scoping", "Start scoping", (Status.IDEA,), Status.SCOPING, MOVE,
        guards=(has_scoping_session,), effects=("tell_proposer",),
    ),
    Transition(
        "evaluate", "Mark as evaluated", (Status.SCOPING,), Status.EVALUATED, MOVE,
        guards=(
            has_refined_question, has_data_sources, has_skills, has_complete_evaluation,
            has_evaluation_safety_checks,
        ),
    ),
    Transition(
        "select", "Select this project", (Status.EVALUATED,), Status.SELECTED, MOVE,
        guards=(has_scores, no_other_project_under_way), needs_reason=True,
        effects=("tell_proposer",),
    ),
    Transition(
        "park", "Park", (Status.EVALUATED, Status.SELECTED), Status.PARKED, MOVE,
        needs_reason=True, effects=("tell_proposer",), secondary=True,
    ),
    Transition(
        "reconsider", "Reconsider", (Status.PARKED, Status.SELECTED), Status.EVALUATED, MOVE,
        needs_reason=True, secondary=True,
    ),
    Transition(
        "withdraw", "Withdraw", EARLY, Status.WITHDRAWN, WITHDRAW,
        needs_reason=True, effects=("tell_proposer",), warning=True,
    ),
    Transition(
        "start_exploring", "Start exploring solutions", (Status.SELECTED,), Status.EXPLORING,
        MOVE, guards=(has_project_team,),
    ),
    Transition(
        "start_testing", "Start testing", (Status.EXPLORING,), Status.TESTING, MOVE,
        guards=(has_solution_ideas,),
    ),
    Transition(
        "back_to_exploring", "Back to exploring", (Status.TESTING,), Status.EXPLORING, MOVE,
        needs_reason=True, secondary=True,
    ),
    Transition(
        "mark_ready", "Mark ready to publish", (Status.TESTING,), Status.READY, MOVE,
        guards=(
            feedback_answered, final_checks_done, has_ready_insight,
            has_solution_safety_check, has_pre_publication_safety_check,
        ),
    ),
    Transition(
        "publish", "Publish", (Status.READY,), Status.PUBLISHED, MOVE,
        guards=(has_ready_insight, has_pre_publication_safety_check),
        writes=("publish_insights",), effects=("announce_insights",),
    ),
    Transition(
        "start_reflecting", "Start reflecting", (Status.PUBLISHED,), Status.REFLECTING, MOVE,
        writes=("open_reflection_survey",),
    ),
    Transition(
        "close", "Close the project", (Status.REFLECTING,), Status.CLOSED, MOVE,
        writes=("close_reflection_survey",),
    ),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources]


def missing(transition: Transition, project: Project) -> list[str]:
    """What stops the move now: the guards' messages, empty when it may go ahead."""
    return [message for guard in transition.guards if (message := guard(project))]


def may(user, transition: Transition, project: Project) -> bool:
    return rules.has_perm(transition.permission, user, project)


def available_actions(project: Project, user) -> list[Transition]:
    """The moves this person may make on the project now (guards not yet asked: a page shows
    what is missing when a button is pressed, rather than hiding the button)."""
    return [t for t in transitions_from(project.status) if may(user, t, project)]
