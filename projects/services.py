"""Writes about projects: submitting an idea (which starts its project) and moving a project
through its lifecycle. Keyword-only; each records history and sends mail after commit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from projects import effects
from projects.lifecycle import BY_ACTION, may, missing
from projects.models import Project, ProjectEvent, Status
from scoping.models import Idea
from teams.models import Organisation, Programme, User


class TransitionBlocked(Exception):
    """The move cannot happen now; `messages` say what to do first."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@transaction.atomic
def idea_submit(
    *,
    programme: Programme,
    submitted_by: User,
    proposer: User | None,
    organisation: Organisation | None,
    **fields,
) -> Project:
    """Record a new idea and the project it may become, at the start of the lifecycle.

    `fields` are the Idea's own (title, problem, question, affected, decisions, beliefs, and
    optionally booking). A facilitator may submit on a proposer's behalf.
    """
    idea = Idea.objects.create(
        programme=programme,
        proposer=proposer,
        proposing_organisation=organisation,
        submitted_by=submitted_by,
        **fields,
    )
    project = idea.project  # created with the idea (projects.signals)
    ProjectEvent.objects.create(
        project=project,
        action="submit",
        from_status=Status.IDEA,
        to_status=Status.IDEA,
        actor=submitted_by,
    )
    return project


def project_transition(
    *, project: Project, user: User | None, action: str, reason: str = ""
) -> Project:
    """Move a project by `action`: lock the row, check permission, status and guards, move it
    and write an event, then run the transition's effects once the transaction commits.

    Raises PermissionDenied when `user` may not make the move (user None: the system, which
    may), and TransitionBlocked with messages when the status, a guard or a missing reason stops it.
    """
    transition = BY_ACTION[action]
    with transaction.atomic():
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("idea__programme")
            .get(pk=project.pk)
        )
        if user is not None and not may(user, transition, project):
            raise PermissionDenied
        if project.status not in transition.sources:
            status = project.get_status_display().lower()
            raise TransitionBlocked([f"The project is {status}, so it cannot move that way now"])
        problems = missing(transition, project)
        reason = reason.strip()
        if transition.needs_reason and not reason:
            problems.append("Enter the reason")
        if problems:
            raise TransitionBlocked(problems)
        event = ProjectEvent.objects.create(
            project=project,
            action=action,
            from_status=project.status,
            to_status=transition.target,
            actor=user,
            reason=reason,
        )
        project.status = transition.target
        project.status_changed_at = event.at
        project.status_reason = reason
        project.save(update_fields=["status", "status_changed_at", "status_reason"])
        for name in transition.effects:
            effect = getattr(effects, name)
            transaction.on_commit(lambda effect=effect: effect(event.pk))
    return project
