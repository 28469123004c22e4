"""The one access helper for projects, which every project view asks."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from projects.models import Action, Project


def get_project_for_user(
    request: HttpRequest, pk: int, perm: str, *, view_perm: str = "projects.know_project"
) -> Project:
    """The project `pk`: 404 to people who may not know of it (by default, anyone but its
    programme's core team, its proposer and admins), 403 without `perm`.

    The rules are asked directly, not through `user.has_perm`, because Django lets superusers
    through every permission, and only the core team scores.
    """
    queryset = Project.objects.select_related(
        "idea__programme",
        "idea__proposer__organisation",
        "idea__proposing_organisation",
        "idea__submitted_by",
        "idea__merged_into__project",
    )
    project = get_object_or_404(queryset, pk=pk)
    if not rules.has_perm(view_perm, request.user, project):
        raise Http404
    if not rules.has_perm(perm, request.user, project):
        raise PermissionDenied
    return project


def get_action_for_user(request: HttpRequest, pk: int, item: int, perm: str) -> Action:
    """The action `item` on project `pk`: 404 to people who may not see it (anyone but its owner
    organisation's people, the project's teams and admins), 403 without `perm`."""
    queryset = Action.objects.select_related(
        "owner", "insight__programme", "insight__project__idea__programme"
    )
    action = get_object_or_404(queryset, pk=item, insight__project_id=pk)
    if not rules.has_perm("projects.see_action", request.user, action):
        raise Http404
    if not rules.has_perm(perm, request.user, action):
        raise PermissionDenied
    return action
