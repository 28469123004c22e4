"""What the project app tells the safety app (safety.extensions), which may not import it.

Phase 3 adds its providers here: `register_solution_answers` (what the solution ideas include)
and `register_suppression_notes` (what the insight to be published suppresses, and why).
"""

from __future__ import annotations

from safety import extensions


def project_team_idea_ids(user) -> list[int]:
    """The ideas on whose project team `user` is (a member with an account)."""
    from projects.models import ProjectMember  # noqa: PLC0415 (apps are loading when registered)

    return list(ProjectMember.objects.filter(user=user).values_list("project__idea_id", flat=True))


def register_with_safety() -> None:
    extensions.register_project_team(project_team_idea_ids)
