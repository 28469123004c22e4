"""What the project app tells the safety app (safety.extensions), which may not import it:
who is on a project's team, what its solution ideas include (to pre-fill the solution check)
and what the insights about to be published hold back (shown on the pre-publication check)."""

from __future__ import annotations

from collections import defaultdict

from safety import extensions
from safety.extensions import Prefill, SuppressionNote

# projects.safety_inputs.SolutionDataUses field -> safety.questions.SOLUTION key
SOLUTION_QUESTIONS = {
    "includes_map": "map",
    "combined_dataset": "combined_data",
    "need_indicators": "indicators_of_need",
    "personal_information": "obviously_personal",
}
# Cells named in one note before "and N more": the check page stays short for any table.
CELLS_NAMED = 5


def project_team_idea_ids(user) -> list[int]:
    """The ideas on whose project team `user` is (a member with an account)."""
    from projects.models import ProjectMember  # noqa: PLC0415 (apps are loading when registered)

    return list(ProjectMember.objects.filter(user=user).values_list("project__idea_id", flat=True))


def solution_answers(idea) -> dict[str, Prefill]:
    """Suggested answers from the project's solution ideas; nothing before there are any."""
    from projects.models import Project  # noqa: PLC0415
    from projects.safety_inputs import solution_data_uses  # noqa: PLC0415

    project = Project.objects.filter(idea=idea).first()
    if project is None or not project.solution_ideas.exists():
        return {}
    uses = solution_data_uses(project)
    answers = {}
    for field, key in SOLUTION_QUESTIONS.items():
        titles = uses.ideas[field]
        if titles:
            answers[key] = Prefill("yes", "Solution ideas that do: " + "; ".join(titles))
        else:
            answers[key] = Prefill("no", "None of the project's solution ideas says it does.")
    return answers


def suppression_notes(idea) -> list[SuppressionNote]:
    """What the insights marked ready (or published) hide, one note per table and rule."""
    from projects.models import Project  # noqa: PLC0415
    from projects.safety_inputs import publication_suppressions  # noqa: PLC0415

    project = Project.objects.filter(idea=idea).first()
    if project is None:
        return []
    grouped = defaultdict(list)
    for hidden in publication_suppressions(project):
        grouped[(hidden.insight, hidden.table, hidden.rule)].append(hidden)
    notes = []
    for (insight, table, _rule), cells in grouped.items():
        named = [f"{cell.row}, {cell.column} ({cell.shown_as})" for cell in cells[:CELLS_NAMED]]
        if len(cells) > CELLS_NAMED:
            named.append(f"and {len(cells) - CELLS_NAMED} more")
        first = cells[0]
        why = f"Hidden because of {first.reason}."
        if first.rule != "secondary":
            why += f" The range a reader could work out for each is proved {first.required}."
        notes.append(
            SuppressionNote(
                what=f"{insight}: {table}. " + "; ".join(named), why=why, count=len(cells)
            )
        )
    return notes


def register_with_safety() -> None:
    extensions.register_project_team(project_team_idea_ids)
    extensions.register_solution_answers(solution_answers)
    extensions.register_suppression_notes(suppression_notes)
