"""What apps above `safety` tell it about a project, without `safety` importing them.

The project app (solutions, insights, the project team) sits above this one in the import order,
so it registers plain functions here from its AppConfig.ready(). Each kind takes the idea (a
project is one-to-one with its idea) and answers from the project's own records:

- `register_solution_answers(fn)`: fn(idea) -> {question key: Prefill}. Pre-fills the solution
  check's answers from what the project's solution ideas include. Keys are those of
  `safety.questions.SOLUTION`: "map", "combined_data", "indicators_of_need",
  "obviously_personal". Unknown keys are ignored; a key no provider answers is left blank.
- `register_suppression_notes(fn)`: fn(idea) -> list[SuppressionNote]. The pre-publication
  check's page shows them as a panel: what the insight to be published suppresses, and why.
- `register_project_team(fn)`: fn(user) -> iterable of idea ids on whose project team the user
  is. Once an idea's evaluation check is approved, its project team may take the redacted copy.

Several providers of a kind may register: answers merge in registration order (a later
provider's "yes" wins over an earlier "no"), notes and ideas add up. A provider that raises
breaks the page: providers read their own tables and should not fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from safety.questions import NO, UNKNOWN, YES


@dataclass(frozen=True)
class Prefill:
    """A suggested answer ("yes", "no" or "unknown") and the note that explains it."""

    answer: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.answer not in (YES, NO, UNKNOWN):
            raise ValueError(f"A pre-filled answer is yes, no or unknown, not {self.answer!r}")


@dataclass(frozen=True)
class SuppressionNote:
    """One thing the insight to be published holds back: `what` (for example "Wards with
    fewer than 10 households, in the map") and `why` (the rule or the risk)."""

    what: str
    why: str
    count: int | None = None  # how many cells, areas or rows, where that is known


SolutionAnswers = Callable[[object], dict[str, Prefill]]
SuppressionNotes = Callable[[object], list[SuppressionNote]]
ProjectTeam = Callable[[object], Iterable[int]]

_solution_answers: list[SolutionAnswers] = []
_suppression_notes: list[SuppressionNotes] = []
_project_team: list[ProjectTeam] = []


def _add(providers: list, provider):
    if provider not in providers:  # ready() may run more than once in tests
        providers.append(provider)
    return provider


def register_solution_answers(provider: SolutionAnswers) -> SolutionAnswers:
    return _add(_solution_answers, provider)


def register_suppression_notes(provider: SuppressionNotes) -> SuppressionNotes:
    return _add(_suppression_notes, provider)


def register_project_team(provider: ProjectTeam) -> ProjectTeam:
    return _add(_project_team, provider)


def solution_answers(idea) -> dict[str, Prefill]:
    merged: dict[str, Prefill] = {}
    for provider in _solution_answers:
        for key, prefill in provider(idea).items():
            if key not in merged or prefill.answer == YES:
                merged[key] = prefill
    return merged


def suppression_notes(idea) -> list[SuppressionNote]:
    return [note for provider in _suppression_notes for note in provider(idea)]


def team_idea_ids(user) -> set[int]:
    """The ideas on whose project team `user` is, by every registered provider."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_team_idea_ids", None)
    if cache is None:
        cache = {pk for provider in _project_team for pk in provider(user)}
        user.__dict__["_team_idea_ids"] = cache
    return cache


def unregister(provider) -> None:
    """Remove a provider of any kind (tests register fakes and take them away again)."""
    for providers in (_solution_answers, _suppression_notes, _project_team):
        if provider in providers:
            providers.remove(provider)
