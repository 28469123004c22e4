"""The calendar event of a scoping session, for one invited person (written by `cip.ics`).

One event per session, with a UID that stays the same for the session's life, so everyone's
calendar holds the same event; each invitation names its own attendee. SEQUENCE is the session's
change counter, so a new time or place updates the event people already have, and a cancellation
removes it.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from cip.ics import Event, attachment, calendar


def _uid(session) -> str:
    return f"scoping-session-{session.pk}"


def session_invitation(session, user, *, roles: list[str], session_url: str) -> str:
    """An invitation (METHOD:REQUEST) to the session as it is now, for one invited person: the
    first one, or the update after its time or place changed."""
    idea = session.idea
    programme = idea.programme
    description = (
        f"Scoping session for “{idea.title}” ({programme.name}).\n"
        f"You are invited as: {' and '.join(roles)}.\n"
        f"Session page: {session_url}"
    )
    event = Event(
        uid=_uid(session),
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Scoping session: {idea.title}",
        description=description,
        location=session.location,
        url=session_url,
        organiser_name=programme.name,
        attendee_name=str(user),
        attendee_email=user.email,
    )
    return calendar(event, method="REQUEST", product="Scoping sessions")


def session_cancellation(cancellation) -> str:
    """A cancellation (METHOD:CANCEL) for someone no longer invited. It names the session's
    title, time and programme and nothing more: no place, link or other people."""
    session = cancellation.session
    idea = session.idea
    programme = idea.programme
    event = Event(
        uid=_uid(session),
        sequence=cancellation.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Scoping session: {idea.title}",
        description=f"You are no longer invited to this scoping session ({programme.name}).",
        location="",
        url="",
        organiser_name=programme.name,
        attendee_name=str(cancellation.user),
        attendee_email=cancellation.user.email,
    )
    return calendar(event, method="CANCEL", product="Scoping sessions")


def as_attachment(calendar_text: str, *, method: str = "REQUEST") -> MIMEText:
    return attachment(calendar_text, method=method, filename="scoping-session.ics")
