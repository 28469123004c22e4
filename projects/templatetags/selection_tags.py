"""The selection part of a project page: its score summary, its team and who wants to join."""

from __future__ import annotations

import rules
from django import template

from projects import selection
from projects.models import UNDER_WAY, Project, Status

register = template.Library()

CANDIDATE_STATUSES = (Status.EVALUATED, *selection.FOR_REFERENCE)


@register.simple_tag
def selection_panel(project: Project, user) -> dict[str, object]:
    """What the person viewing may see of the project's selection, team and interest."""
    programme = project.idea.programme
    panel: dict[str, object] = {
        "can_compare": rules.has_perm("projects.compare_candidates", user, programme),
        "can_score": project.status == Status.EVALUATED
        and rules.has_perm("projects.score_project", user, project),
        "can_manage": rules.has_perm("projects.manage_project_team", user, project),
        "under_way": project.status in UNDER_WAY,
        "max_total": selection.MAX_TOTAL,
    }
    if panel["can_compare"] and project.status in CANDIDATE_STATUSES:
        summary = selection.candidate_summary(project=project)
        panel["summary"] = summary
        panel["has_scored"] = any(person.pk == user.pk for person in summary.scored_by)
    if panel["under_way"] and rules.has_perm("projects.read_team_notes", user, project):
        panel["members"] = list(project.members.select_related("organisation"))
        panel["interest_count"] = project.interest.count() if panel["can_manage"] else None
    return panel
