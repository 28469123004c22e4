"""The calendar event of a scoping session, for one invited person (written by `cip.ics`).

One event per session, with a UID that stays the same for the session's life, so everyone's
calendar holds the same event; each invitation names its own attendee.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from cip.ics import Event, attachment, calendar


def session_invitation(invitation, *, session_url: str) -> str:
    """An invitation (METHOD:REQUEST) to a scoping session for one invited person."""
    session = invitation.session
    idea = session.idea
    programme = idea.programme
    description = (
        f"Scoping session for “{idea.title}” ({programme.name}).\n"
        f"You are invited as: {invitation.get_role_display()}.\n"
        f"Session page: {session_url}"
    )
    event = Event(
        uid=f"scoping-session-{session.pk}",
        sequence=0,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Scoping session: {idea.title}",
        description=description,
        location=session.location,
        url=session_url,
        organiser_name=programme.name,
        attendee_name=str(invitation.user),
        attendee_email=invitation.user.email,
    )
    return calendar(event, method="REQUEST", product="Scoping sessions")


def as_attachment(calendar_text: str) -> MIMEText:
    return attachment(calendar_text, method="REQUEST", filename="scoping-session.ics")
