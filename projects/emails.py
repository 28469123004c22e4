"""Emails about projects and ideas. Each claims its row before sending, so a task run twice sends
once, and gives the claim back if sending fails, so a retry can send it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated, templated_message
from cip.ics import Event, attachment, calendar
from projects import reflection
from projects.models import ProjectEvent, SurveyInvitation, WorkshopBooking, WorkshopInvitation
from scoping.models import IdeaMessage
from teams.models import Role, User


def proposer_move_email(*, event_id: int) -> bool:
    """Email the proposer about a move of their idea; False when there is nobody to tell or it
    was sent already."""
    with transaction.atomic():
        claimed = ProjectEvent.objects.filter(pk=event_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        event = ProjectEvent.objects.select_related(
            "project__idea__programme", "project__idea__proposer"
        ).get(pk=event_id)
        proposer = event.project.idea.proposer
        # Nobody to tell (no account, or a deactivated one), or the proposer made the move
        # themselves (withdrew their own idea).
        if proposer is None or not proposer.is_active or proposer.pk == event.actor_id:
            return False
        context = {
            "event": event,
            "idea": event.project.idea,
            "programme": event.project.idea.programme,
            "status": event.get_to_status_display().lower(),
            "idea_url": absolute_url(reverse("projects:project", args=[event.project_id])),
        }
        # Sending inside the transaction: if the mail server fails, the claim rolls back.
        send_templated("projects/email/idea_moved.txt", to=[proposer.email], context=context)
    return True


def facilitator_emails(programme, *, leaving_out: int | None = None) -> list[str]:
    """The addresses of the programme's current facilitators whose accounts are active: a
    deactivated account keeps its membership until someone ends it, but gets no more mail."""
    people = User.objects.filter(
        memberships__programme=programme,
        memberships__role=Role.FACILITATOR,
        memberships__ended_at__isnull=True,
        is_active=True,
    )
    if leaving_out is not None:
        people = people.exclude(pk=leaving_out)
    return sorted(set(people.values_list("email", flat=True)))


def facilitators_idea_email(*, event_id: int) -> int:
    """Tell the programme's facilitators (but not whoever typed it in) that a new idea arrived;
    how many were emailed, 0 when sent already."""
    with transaction.atomic():
        claimed = ProjectEvent.objects.filter(
            pk=event_id, action="submit", emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return 0
        event = ProjectEvent.objects.select_related(
            "project__idea__programme", "project__idea__proposer", "actor"
        ).get(pk=event_id)
        idea = event.project.idea
        to = facilitator_emails(idea.programme, leaving_out=event.actor_id)
        if to:
            context = {
                "idea": idea,
                "programme": idea.programme,
                "idea_url": absolute_url(reverse("projects:project", args=[event.project_id])),
                "queue_url": absolute_url(
                    reverse("projects:idea_queue", args=[idea.programme.slug])
                ),
            }
            send_templated("projects/email/idea_submitted.txt", to=to, context=context)
    return len(to)


def idea_message_email(*, message_id: int) -> int:
    """Email a request for more information to the proposer, or a reply to the facilitators;
    how many were emailed, 0 when sent already or there is nobody to tell."""
    with transaction.atomic():
        claimed = IdeaMessage.objects.filter(pk=message_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return 0
        message = IdeaMessage.objects.select_related(
            "idea__programme", "idea__proposer", "idea__project", "author"
        ).get(pk=message_id)
        idea = message.idea
        if message.kind == IdeaMessage.Kind.REQUEST:
            proposer = idea.proposer
            to = [proposer.email] if proposer is not None and proposer.is_active else []
            template = "projects/email/idea_request.txt"
        elif message.kind == IdeaMessage.Kind.REPLY:
            to = facilitator_emails(idea.programme, leaving_out=message.author_id)
            template = "projects/email/idea_reply.txt"
        else:
            return 0
        if to:
            context = {
                "message": message,
                "idea": idea,
                "programme": idea.programme,
                "idea_url": absolute_url(reverse("projects:project", args=[idea.project.pk]))
                + "#messages",
            }
            send_templated(template, to=to, context=context)
    return len(to)


def workshop_invitation_email(*, invitation_id: int) -> bool:
    """Invite someone to book a place at a testing workshop; False when sent already."""
    with transaction.atomic():
        claimed = WorkshopInvitation.objects.filter(
            pk=invitation_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        invitation = WorkshopInvitation.objects.select_related(
            "workshop__project__idea__programme", "user", "invited_by"
        ).get(pk=invitation_id)
        workshop = invitation.workshop
        if not invitation.user.is_active:
            return False
        context = {
            "invitation": invitation,
            "workshop": workshop,
            "idea": workshop.project.idea,
            "programme": workshop.project.idea.programme,
            "book_url": absolute_url(
                reverse("projects:workshop_book", args=[workshop.project_id, workshop.pk])
            ),
        }
        send_templated(
            "projects/email/workshop_invitation.txt", to=[invitation.user.email], context=context
        )
    return True


def workshop_booking_email(*, booking_id: int, sequence: int) -> bool:
    """Email a place's confirmation or cancellation with its calendar entry, once per change."""
    with transaction.atomic():
        claimed = (
            WorkshopBooking.objects.filter(pk=booking_id, sequence=sequence)
            .filter(Q(emailed_sequence__isnull=True) | Q(emailed_sequence__lt=sequence))
            .update(emailed_sequence=sequence)
        )
        if not claimed:
            return False
        booking = WorkshopBooking.objects.select_related(
            "workshop__project__idea__programme", "user"
        ).get(pk=booking_id)
        workshop, user = booking.workshop, booking.user
        programme = workshop.project.idea.programme
        cancelled = booking.status == WorkshopBooking.Status.CANCELLED
        book_url = absolute_url(
            reverse("projects:workshop_book", args=[workshop.project_id, workshop.pk])
        )
        context = {
            "booking": booking,
            "workshop": workshop,
            "idea": workshop.project.idea,
            "programme": programme,
            "book_url": book_url,
        }
        template = (
            "projects/email/workshop_cancelled.txt"
            if cancelled
            else "projects/email/workshop_booked.txt"
        )
        message = templated_message(template, to=[user.email], context=context)
        method = "CANCEL" if cancelled else "REQUEST"
        event = Event(
            uid=str(booking.uid),
            sequence=booking.sequence,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            summary=f"Testing workshop: {workshop.project.idea.title}",
            description=f"A testing workshop with {programme.name}.\nYour place: {book_url}"
            + (f"\nJoin online: {workshop.online_link}" if workshop.online_link else ""),
            location=workshop.place or workshop.online_link,
            url=book_url,
            organiser_name=programme.name,
            attendee_name=str(user),
            attendee_email=user.email,
        )
        ics = calendar(event, method=method, product="Testing workshops")
        message.attach(attachment(ics, method=method, filename="testing-workshop.ics"))
        message.send()
    return True


# --- The reflections survey (projects/reflection.py) -------------------------------------------


def _survey_email(invitation: SurveyInvitation, template: str) -> None:
    project = invitation.survey.project
    context = {
        "invitation": invitation,
        "idea": project.idea,
        "programme": project.idea.programme,
        "answer_url": absolute_url(
            reverse("projects:survey_link", args=[reflection.invitation_token(invitation)])
        ),
    }
    send_templated(template, to=[invitation.email], context=context)


def survey_invitation_email(*, invitation_id: int) -> bool:
    """Ask someone involved to answer the reflections survey; False when sent already."""
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        invitation = SurveyInvitation.objects.select_related(
            "survey__project__idea__programme"
        ).get(pk=invitation_id)
        _survey_email(invitation, "projects/email/survey_invitation.txt")
    return True


def survey_reminder_email(*, invitation_id: int) -> bool:
    """Remind someone who has not answered yet, once; False when there is nothing to send."""
    with transaction.atomic():
        claimed = (
            reflection.due_reminders().filter(pk=invitation_id).update(reminded_at=timezone.now())
        )
        if not claimed:
            return False
        invitation = SurveyInvitation.objects.select_related(
            "survey__project__idea__programme"
        ).get(pk=invitation_id)
        _survey_email(invitation, "projects/email/survey_reminder.txt")
    return True


def survey_reminders_send() -> int:
    """Remind everyone whose reminder is due; how many were sent."""
    due = list(reflection.due_reminders().values_list("pk", flat=True))
    return sum(survey_reminder_email(invitation_id=pk) for pk in due)
