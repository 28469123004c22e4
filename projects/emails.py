"""Emails about projects and ideas. Each claims its row before sending, so a task run twice sends
once, and gives the claim back if sending fails, so a retry can send it."""

from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated, templated_message
from cip.ics import Event, attachment, calendar
from projects import reflection
from projects.models import (
    Action,
    ActionInterest,
    ActionsMeetingInvitation,
    BlogPost,
    PlenaryRegistration,
    ProjectEvent,
    SurveyInvitation,
    WorkshopBooking,
    WorkshopInvitation,
)
from scoping.models import IdeaMessage
from teams.models import Role, User

logger = logging.getLogger(__name__)


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


# --- Insights to actions (projects/actions.py) --------------------------------------------------


def action_interest_email(*, interest_id: int) -> bool:
    """Tell the programme's facilitators that someone registered interest in acting on an
    insight; False when it was sent already or there is no facilitator to tell."""
    with transaction.atomic():
        claimed = ActionInterest.objects.filter(pk=interest_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        interest = ActionInterest.objects.select_related(
            "insight__project__idea__programme", "user"
        ).get(pk=interest_id)
        project = interest.insight.project
        to = facilitator_emails(project.idea.programme)
        if not to:
            return False
        context = {
            "interest": interest,
            "insight": interest.insight,
            "programme": project.idea.programme,
            "list_url": absolute_url(reverse("projects:action_interest", args=[project.pk])),
        }
        send_templated("projects/email/action_interest.txt", to=to, context=context)
    return True


def _actions_meeting_message(
    invitation: ActionsMeetingInvitation, template: str, **extra
) -> EmailMessage:
    """The email about the meeting as it is now, with its calendar entry: the same UID for the
    invitation's life and the meeting's SEQUENCE, so a change updates the event people have."""
    meeting, user = invitation.meeting, invitation.user
    programme = meeting.project.idea.programme
    insights_url = absolute_url(reverse("landing:insights", args=[programme.slug]))
    context = {
        "meeting": meeting,
        "invitee": user,
        "idea": meeting.project.idea,
        "programme": programme,
        "insights_url": insights_url,
        "pack_url": absolute_url(reverse("projects:action_pack_pdf", args=[meeting.project_id])),
    }
    message = templated_message(template, to=[user.email], context=context | extra)
    event = Event(
        uid=str(invitation.uid),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=f"Actions meeting: {meeting.project.idea.title}",
        description=f"Turning the insights of {programme.name} into actions.\n"
        f"The insights: {insights_url}",
        location=meeting.place,
        url=insights_url,
        organiser_name=programme.name,
        attendee_name=str(user),
        attendee_email=user.email,
    )
    ics = calendar(event, method="REQUEST", product="Actions meetings")
    message.attach(attachment(ics, method="REQUEST", filename="actions-meeting.ics"))
    return message


def actions_meeting_invitation_email(*, invitation_id: int) -> bool:
    """Invite someone who registered interest to the actions meeting, with its calendar entry;
    False when sent already or their account is closed."""
    with transaction.atomic():
        claimed = ActionsMeetingInvitation.objects.filter(
            pk=invitation_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        invitation = ActionsMeetingInvitation.objects.select_related(
            "meeting__project__idea__programme", "user"
        ).get(pk=invitation_id)
        if not invitation.user.is_active:
            return False
        # The calendar entry holds the meeting as it is now: later changes email an update.
        ActionsMeetingInvitation.objects.filter(pk=invitation_id).update(
            emailed_sequence=invitation.meeting.sequence
        )
        message = _actions_meeting_message(
            invitation, "projects/email/actions_meeting_invitation.txt"
        )
        # Sent inside the transaction: if the mail server fails, the claim rolls back.
        message.send()
    return True


def actions_meeting_change_email(*, meeting_id: int, changes: str) -> int:
    """Email an updated invitation (the meeting as it is now, at its current sequence) to each
    person whose calendar holds an older version of it; returns how many were sent. People whose
    invitation has not gone yet get none: it will show the meeting as it is when it goes."""
    invitations = (
        ActionsMeetingInvitation.objects.filter(
            meeting_id=meeting_id, emailed_at__isnull=False, user__is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_email_meeting_change(pk, changes) for pk in invitations)


def _email_meeting_change(invitation_id: int, changes: str) -> bool:
    # One person per transaction: if the mail server fails part way, those already sent keep
    # their claim, so a retry emails only the rest.
    with transaction.atomic():
        invitation = ActionsMeetingInvitation.objects.select_related(
            "meeting__project__idea__programme", "user"
        ).get(pk=invitation_id)
        sequence = invitation.meeting.sequence
        claimed = (
            ActionsMeetingInvitation.objects.filter(pk=invitation_id)
            .filter(Q(emailed_sequence__isnull=True) | Q(emailed_sequence__lt=sequence))
            .update(emailed_sequence=sequence)
        )
        if not claimed:
            return False
        message = _actions_meeting_message(
            invitation, "projects/email/actions_meeting_changed.txt", changes=changes
        )
        message.send()
    return True


def action_reminder_email(*, action_id: int, key: str) -> int:
    """Remind the owner organisation's people that an update on their action is due (the
    reminder `key` names, from projects.actions.reminder_key); how many were emailed, 0 when this
    reminder went already or is no longer due (a note was added meanwhile)."""
    from projects.actions import current_reminder, owner_emails  # noqa: PLC0415 (imports us)

    if current_reminder(action_id) != key:
        return 0
    with transaction.atomic():
        claimed = (
            Action.objects.filter(pk=action_id)
            .exclude(reminded_for=key)
            .update(reminded_for=key, reminded_at=timezone.now())
        )
        if not claimed:
            return 0
        action = Action.objects.select_related("insight__project__idea__programme", "owner").get(
            pk=action_id
        )
        to = owner_emails(action)
        if to:
            context = {
                "action": action,
                "due_soon": key.startswith("due:"),
                "programme": action.insight.project.idea.programme,
                "action_url": absolute_url(action.get_absolute_url()),
            }
            send_templated("projects/email/action_reminder.txt", to=to, context=context)
    return len(to)


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


# --- Plenary sessions (projects/sharing.py) -----------------------------------------------------

PLENARY_EMAILS = {
    # kind: (template, calendar method or None)
    "registered": ("projects/email/plenary_registered.txt", "REQUEST"),
    "waitlisted": ("projects/email/plenary_waitlisted.txt", None),
    "promoted": ("projects/email/plenary_promoted.txt", "REQUEST"),
    "cancelled": ("projects/email/plenary_cancelled.txt", "CANCEL"),
    "plenary_cancelled": ("projects/email/plenary_called_off.txt", "CANCEL"),
    "reminder": ("projects/email/plenary_reminder.txt", None),
}


def plenary_calendar(registration, *, method: str, manage_url: str) -> str:
    """The registration's calendar entry: the same UID for its whole life, SEQUENCE its change
    counter, so a calendar updates or removes the entry it already has."""
    plenary = registration.plenary
    programme = plenary.programme
    description = f"{plenary.description}\n\nYour place: {manage_url}"
    if plenary.online_link:
        description += f"\nJoin online: {plenary.online_link}"
    event = Event(
        uid=str(registration.uid),
        sequence=registration.sequence,
        starts_at=plenary.starts_at,
        ends_at=plenary.ends_at,
        summary=f"{plenary.title} ({programme.name})",
        description=description,
        location=plenary.place or plenary.online_link,
        url=manage_url,
        organiser_name=programme.name,
        attendee_name=str(registration.user),
        attendee_email=registration.user.email,
    )
    return calendar(event, method=method, product="Plenary sessions")


def _send_plenary_email(registration, kind: str) -> None:
    template, method = PLENARY_EMAILS[kind]
    manage_url = absolute_url(registration.get_absolute_url())
    plenary = registration.plenary
    context = {
        "registration": registration,
        "plenary": plenary,
        "programme": plenary.programme,
        "manage_url": manage_url,
        "programme_url": absolute_url(reverse("landing:programme", args=[plenary.programme.slug])),
    }
    message = templated_message(template, to=[registration.user.email], context=context)
    # Only registrations that once had a place are in the person's calendar.
    if method and registration.confirmed_at:
        text = plenary_calendar(registration, method=method, manage_url=manage_url)
        message.attach(attachment(text, method=method, filename="plenary.ics"))
    message.send()


def plenary_registration_email(*, registration_id: int, kind: str, sequence: int) -> bool:
    """Email one change to a registration, once. A change already superseded by a newer one
    sends nothing: the newer change has its own email."""
    with transaction.atomic():
        claimed = (
            PlenaryRegistration.objects.filter(pk=registration_id, sequence=sequence)
            .filter(Q(emailed_sequence__isnull=True) | Q(emailed_sequence__lt=sequence))
            .update(emailed_sequence=sequence)
        )
        if not claimed:
            return False
        registration = PlenaryRegistration.objects.select_related("plenary__programme", "user").get(
            pk=registration_id
        )
        # Sending inside the transaction: if the mail server fails, the claim rolls back.
        _send_plenary_email(registration, kind)
    return True


def plenary_reminders_send(*, now=None) -> int:
    """Remind people of plenaries starting within a day, once each; returns how many."""
    now = now or timezone.now()
    day = timedelta(hours=24)
    # People who registered (or got their place) within a day of the start just had their
    # confirmation, so they get no reminder.
    due = PlenaryRegistration.objects.filter(
        status=PlenaryRegistration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        plenary__cancelled_at__isnull=True,
        plenary__starts_at__gt=now,
        plenary__starts_at__lte=now + day,
        confirmed_at__lte=F("plenary__starts_at") - day,
    )
    sent = 0
    for registration_id in due.values_list("pk", flat=True):
        try:
            sent += _plenary_reminder(registration_id, now)
        except (SMTPException, OSError):
            # Unclaimed again by the rollback: the next run tries this one once more.
            logger.exception("Plenary reminder for registration %s not sent", registration_id)
    return sent


@transaction.atomic
def _plenary_reminder(registration_id: int, now) -> int:
    claimed = PlenaryRegistration.objects.filter(
        pk=registration_id,
        reminder_sent_at__isnull=True,
        status=PlenaryRegistration.Status.CONFIRMED,
    ).update(reminder_sent_at=now)
    if not claimed:
        return 0
    registration = PlenaryRegistration.objects.select_related("plenary__programme", "user").get(
        pk=registration_id
    )
    _send_plenary_email(registration, "reminder")
    return 1


# --- Co-written blog posts (projects/sharing.py) ------------------------------------------------

BLOG_EMAILS = {
    BlogPost.Status.SUBMITTED: "projects/email/blog_submitted.txt",
    BlogPost.Status.PUBLISHED: "projects/email/blog_published.txt",
    BlogPost.Status.RETURNED: "projects/email/blog_returned.txt",
}


def blog_post_move_email(*, post_id: int, status: str) -> int:
    """Tell the facilitators a post waits for review, or its authors what the review decided;
    how many were emailed, 0 when sent already or the post has moved on since."""
    with transaction.atomic():
        claimed = (
            BlogPost.objects.filter(pk=post_id, status=status)
            .exclude(emailed_status=status)
            .update(emailed_status=status)
        )
        if not claimed or status not in BLOG_EMAILS:
            return 0
        post = BlogPost.objects.select_related("programme", "reviewed_by").get(pk=post_id)
        if status == BlogPost.Status.SUBMITTED:
            to = facilitator_emails(post.programme)
        else:
            to = sorted(post.authors.filter(is_active=True).values_list("email", flat=True))
        if to:
            context = {
                "post": post,
                "programme": post.programme,
                "post_url": absolute_url(post.get_absolute_url()),
                "public_url": absolute_url(post.get_public_url()) if post.slug else "",
            }
            # Sending inside the transaction: if the mail server fails, the claim rolls back.
            send_templated(BLOG_EMAILS[status], to=to, context=context)
    return len(to)
