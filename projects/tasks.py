"""Celery entry points for projects: thin, taking IDs and calling a service."""

from __future__ import annotations

from celery import shared_task

from cip.emails import EMAIL_TASK
from projects import emails


@shared_task(name="projects.tasks.email_proposer_about_move", **EMAIL_TASK)
def email_proposer_about_move(event_id: int) -> bool:
    """Tell a proposer their idea moved (safe to run twice: sends once)."""
    return emails.proposer_move_email(event_id=event_id)


@shared_task(name="projects.tasks.email_facilitators_about_idea", **EMAIL_TASK)
def email_facilitators_about_idea(event_id: int) -> int:
    """Tell a programme's facilitators a new idea arrived (safe to run twice: sends once)."""
    return emails.facilitators_idea_email(event_id=event_id)


@shared_task(name="projects.tasks.email_action_interest", **EMAIL_TASK)
def email_action_interest(interest_id: int) -> bool:
    """Tell the facilitators someone might act on an insight (safe to run twice: sends once)."""
    return emails.action_interest_email(interest_id=interest_id)


@shared_task(name="projects.tasks.email_about_idea_message", **EMAIL_TASK)
def email_about_idea_message(message_id: int) -> int:
    """Email a request to the proposer or a reply to the facilitators (sends once)."""
    return emails.idea_message_email(message_id=message_id)


# Selection: the project team and registrations of interest (projects/selection.py).
@shared_task(name="projects.tasks.email_project_member", **EMAIL_TASK)
def email_project_member(member_id: int) -> bool:
    """Tell a new project-team member what is expected of them (safe to run twice: sends once)."""
    from projects.selection import member_invitation_email  # noqa: PLC0415 (it imports us lazily)

    return member_invitation_email(member_id=member_id)


@shared_task(name="projects.tasks.email_interest_notice", **EMAIL_TASK)
def email_interest_notice(registration_id: int) -> bool:
    """Tell the facilitators about a registration of interest (safe to run twice: sends once)."""
    from projects.selection import interest_notice_email  # noqa: PLC0415 (it imports us lazily)

    return interest_notice_email(registration_id=registration_id)


# Testing workshops (projects/workshops.py).
@shared_task(name="projects.tasks.email_workshop_invitation", **EMAIL_TASK)
def email_workshop_invitation(invitation_id: int) -> bool:
    """Invite someone to book a place at a testing workshop (sends once)."""
    return emails.workshop_invitation_email(invitation_id=invitation_id)


@shared_task(name="projects.tasks.email_workshop_booking", **EMAIL_TASK)
def email_workshop_booking(booking_id: int, sequence: int) -> bool:
    """Confirm or cancel a workshop place, with its calendar entry (sends once per change)."""
    return emails.workshop_booking_email(booking_id=booking_id, sequence=sequence)


# Insights to actions (projects/actions.py).
@shared_task(name="projects.tasks.email_actions_meeting_invitation", **EMAIL_TASK)
def email_actions_meeting_invitation(invitation_id: int) -> bool:
    """Invite someone to the actions meeting, with its calendar entry (sends once)."""
    return emails.actions_meeting_invitation_email(invitation_id=invitation_id)


@shared_task(name="projects.tasks.email_actions_meeting_changed", **EMAIL_TASK)
def email_actions_meeting_changed(meeting_id: int, changes: str) -> int:
    """Send everyone invited the meeting's new time or place (once per change)."""
    return emails.actions_meeting_change_email(meeting_id=meeting_id, changes=changes)


@shared_task(name="projects.tasks.send_action_reminders", acks_late=True, time_limit=10 * 60)
def send_action_reminders() -> int:
    """Beat runs this daily: queue one reminder per action whose owner is due one that has not
    gone yet. Returns how many were queued."""
    from projects.actions import action_reminders_due  # noqa: PLC0415 (it imports us lazily)

    due = action_reminders_due()
    for action_id, key in due:
        email_action_reminder.delay(action_id, key)
    return len(due)


@shared_task(name="projects.tasks.email_action_reminder", **EMAIL_TASK)
def email_action_reminder(action_id: int, key: str) -> int:
    """Remind an action's owner organisation that an update is due (sends once per period)."""
    return emails.action_reminder_email(action_id=action_id, key=key)


# The reflections survey (projects/reflection.py).
@shared_task(
    name="projects.tasks.send_survey_invitations",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def send_survey_invitations(survey_id: int) -> int:
    """Queue an email for each invitation to the survey not yet emailed."""
    from projects.models import SurveyInvitation  # noqa: PLC0415

    pending = SurveyInvitation.objects.filter(survey_id=survey_id, emailed_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    for pk in ids:
        email_survey_invitation.delay(pk)
    return len(ids)


@shared_task(name="projects.tasks.email_survey_invitation", **EMAIL_TASK)
def email_survey_invitation(invitation_id: int) -> bool:
    """Ask someone to answer the reflections survey (safe to run twice: sends once)."""
    return emails.survey_invitation_email(invitation_id=invitation_id)


# Beat runs this every hour (CELERY_BEAT_SCHEDULE); each reminder is claimed before it is sent.
@shared_task(
    name="projects.tasks.send_survey_reminders",
    acks_late=True,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
    expires=50 * 60,
)
def send_survey_reminders() -> int:
    """Remind those who have not answered a reflections survey a week after they were asked."""
    return emails.survey_reminders_send()


# Plenary sessions (projects/sharing.py).
@shared_task(name="projects.tasks.email_plenary_registration", **EMAIL_TASK)
def email_plenary_registration(registration_id: int, kind: str, sequence: int) -> bool:
    """Email someone about a change to their plenary registration (sends once per change)."""
    return emails.plenary_registration_email(
        registration_id=registration_id, kind=kind, sequence=sequence
    )


# Beat runs this every hour (CELERY_BEAT_SCHEDULE); each reminder is claimed before it goes.
@shared_task(
    name="projects.tasks.send_plenary_reminders",
    acks_late=True,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
    expires=50 * 60,
)
def send_plenary_reminders() -> int:
    """Remind people of plenaries starting within a day, once each."""
    return emails.plenary_reminders_send()


@shared_task(name="projects.tasks.email_blog_post_move", **EMAIL_TASK)
def email_blog_post_move(post_id: int, status: str) -> int:
    """Tell the facilitators or the authors about a blog post's move (sends once per move)."""
    return emails.blog_post_move_email(post_id=post_id, status=status)
