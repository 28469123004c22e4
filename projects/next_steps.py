"""What happens next to an idea, told to the person who suggested it: who looks at it, what they
do, the statuses it can move to, and whether we email the proposer when it does.

The statuses and the emails come from the lifecycle table (`projects.lifecycle`), so this page
never promises an email the service does not send.
"""

from __future__ import annotations

from dataclasses import dataclass

from projects.lifecycle import BY_ACTION
from projects.models import Project, Status
from teams.models import WaysOfWorking

# Status -> (who looks at it, what they do, the moves that take it on from there).
STEPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    Status.IDEA: (
        "The programme's facilitator and core team",
        "They read every new idea. If they need to know more, they ask you on this page. If it "
        "is a question they can explore, they invite you to a scoping session to shape it with "
        "people who know the data.",
        ("start_scoping",),
    ),
    Status.SCOPING: (
        "The core team, with you at the scoping session",
        "Together you refine the question, list the data that could answer it and the skills "
        "it needs, and check what personal data it involves. The facilitator then writes an "
        "evaluation of the idea.",
        ("evaluate",),
    ),
    Status.EVALUATED: (
        "The core team",
        "Each member scores the evaluated ideas against the selection criteria. The facilitator "
        "then selects one to take forward and parks the others, with the reasons.",
        ("select", "park"),
    ),
    Status.PARKED: (
        "The core team",
        "The idea is kept for later. The team may reconsider it when people or data become "
        "available.",
        ("reconsider",),
    ),
    Status.SELECTED: (
        "The facilitator and the project team",
        "The facilitator invites the project team, tells each person what is expected of them "
        "and announces the project on the programme's public page.",
        ("start_exploring",),
    ),
}


@dataclass(frozen=True)
class NextStep:
    who: str
    what: str
    next_statuses: list[str]
    emailed: bool  # whether the proposer is emailed when the idea takes one of these moves
    when: str  # how often the core team meets, from its ways-of-working agreement


def next_step(project: Project) -> NextStep | None:
    """What happens next to the project's idea, or None when nothing more is planned for it or
    the proposer is no longer the one waiting (it is under way)."""
    step = STEPS.get(project.status)
    if step is None:
        return None
    who, what, actions = step
    moves = [BY_ACTION[action] for action in actions]
    agreement = WaysOfWorking.for_programme(project.idea.programme)
    return NextStep(
        who=who,
        what=what,
        next_statuses=[Status(move.target).label for move in moves],
        emailed=any("tell_proposer" in move.effects for move in moves),
        when=agreement.meeting_frequency.strip(),
    )
