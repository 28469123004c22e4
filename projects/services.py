"""Writes about projects: submitting an idea (which starts its project), messages about it,
merging duplicates, and moving a project through its lifecycle. Keyword-only; each records
history and sends mail after commit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import Truncator

from projects import effects, tasks
from projects.lifecycle import BY_ACTION, may, missing
from projects.models import ENDED, UNDER_WAY, Project, ProjectEvent, Status
from scoping.models import Idea, IdeaMessage
from teams.models import OfficeHourBooking, Organisation, Programme, User


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
    event = ProjectEvent.objects.create(
        project=project,
        action="submit",
        from_status=Status.IDEA,
        to_status=Status.IDEA,
        actor=submitted_by,
    )
    transaction.on_commit(lambda: tasks.email_facilitators_about_idea.delay(event.pk))
    return project


def idea_from_booking(*, booking: OfficeHourBooking, user: User) -> tuple[Project, bool]:
    """Turn an office-hours conversation into an idea: the booker proposes it, their topic is the
    problem and the facilitator's notes become a team note. Returns (project, created); a booking
    already turned into an idea gives that idea's project."""
    with transaction.atomic():
        # The row lock makes two presses of the button give one idea.
        booking = (
            OfficeHourBooking.objects.select_for_update(of=("self",))
            .select_related("slot__programme", "user", "organisation")
            .get(pk=booking.pk)
        )
        existing = Idea.objects.filter(booking=booking).select_related("project").first()
        if existing is not None:
            return existing.project, False
        topic = booking.topic.strip()
        title = Truncator(topic.splitlines()[0] if topic else "").chars(120)
        project = idea_submit(
            programme=booking.slot.programme,
            submitted_by=user,
            proposer=booking.user,
            organisation=booking.organisation,
            title=title or f"Idea from office hours with {booking.user}",
            problem=topic,
            booking=booking,
        )
        if booking.notes.strip():
            IdeaMessage.objects.create(
                idea=project.idea,
                author=user,
                kind=IdeaMessage.Kind.TEAM_NOTE,
                body=f"Notes from office hours on {booking.slot.when}:\n\n{booking.notes.strip()}",
            )
    return project, True


@transaction.atomic
def idea_message_add(*, idea: Idea, author: User, kind: str, body: str) -> IdeaMessage:
    """Add a message to an idea. A request for more information is emailed to the proposer and a
    reply to the programme's facilitators, after commit; team notes are not emailed."""
    message = IdeaMessage.objects.create(idea=idea, author=author, kind=kind, body=body.strip())
    if kind != IdeaMessage.Kind.TEAM_NOTE:
        transaction.on_commit(lambda: tasks.email_about_idea_message.delay(message.pk))
    return message


def idea_merge(*, idea: Idea, into: Idea, user: User | None, reason: str = "") -> Project:
    """Merge a duplicate `idea` into `into` (same programme): its data sources and messages move
    to the kept idea, and it is withdrawn with a reason naming the kept idea, which its proposer
    sees. Messages exchanged with a different proposer become team notes on the kept idea, so
    one proposer never reads another's conversation with the team."""
    if idea.pk == into.pk or idea.programme_id != into.programme_id:
        raise TransitionBlocked(["Choose another idea in the same programme"])
    with transaction.atomic():
        into = (
            Idea.objects.select_for_update(of=("self",)).select_related("project").get(pk=into.pk)
        )
        if into.merged_into_id or into.project.status in ENDED:
            raise TransitionBlocked([f"“{into.title}” is no longer open: choose another idea"])
        why = f"Merged into “{into.title}”, which asks the same question."
        if reason.strip():
            why += f" {reason.strip()}"
        # First, so that a move the person may not make leaves everything as it was.
        project = project_transition(project=idea.project, user=user, action="withdraw", reason=why)
        same_proposer = (idea.proposer_id, idea.proposing_organisation_id) == (
            into.proposer_id,
            into.proposing_organisation_id,
        )
        messages = IdeaMessage.objects.filter(idea=idea)
        if not same_proposer:
            messages.exclude(kind=IdeaMessage.Kind.TEAM_NOTE).update(
                kind=IdeaMessage.Kind.TEAM_NOTE
            )
        messages.update(idea=into)
        idea.data_sources.update(idea=into)
        Idea.objects.filter(pk=idea.pk).update(merged_into=into)
        IdeaMessage.objects.create(
            idea=into,
            author=user,
            kind=IdeaMessage.Kind.TEAM_NOTE,
            body=f"“{idea.title}” was merged into this idea, with its data sources and messages.",
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
        if transition.target not in UNDER_WAY:
            # Back before selection: off the public page until it is selected and announced again.
            project.announced_at = None
        project.save(update_fields=["status", "status_changed_at", "status_reason", "announced_at"])
        for name in transition.writes:
            getattr(effects, name)(event)
        for name in transition.effects:
            effect = getattr(effects, name)
            transaction.on_commit(lambda effect=effect: effect(event.pk))
    return project
