"""Writes in scoping that span models, send mail or queue work.

Mail goes through thin tasks queued after the commit; each email claims its row first (a
conditional update), so a task that runs twice sends once, and a failed send gives the claim back
so that a retry can send it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list

from cip.emails import absolute_url, templated_message
from scoping import ics
from scoping.models import (
    DataSource,
    EvaluationSummary,
    Idea,
    ScopingSession,
    SessionCancellation,
    SessionInvitation,
    SessionRole,
    SkillNeed,
)
from scoping.queries import core_team_users, skill_suggestions
from teams.models import User
from teams.roles import in_sentence

# --- Sessions and invitations ------------------------------------------------------------------


def session_schedule(
    *,
    idea: Idea,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    created_by: User,
) -> ScopingSession:
    """Put a scoping session for the idea in the diary. Invitations follow, one role at a time."""
    return ScopingSession.objects.create(
        idea=idea,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        created_by=created_by,
    )


@transaction.atomic
def session_invite(
    *, session: ScopingSession, user: User, role: str, invited_by: User
) -> SessionInvitation:
    """Invite `user` to the session in `role`, and email them an invitation with a calendar
    entry once the invitation is saved. Refuses the same person twice in the same role."""
    duplicate = ValidationError(
        f"{user} is already invited as {in_sentence(SessionRole(role).label)}", code="duplicate"
    )
    if session.invitations.filter(user=user, role=role).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a savepoint: two presses at once meet the constraint
            invitation = SessionInvitation.objects.create(
                session=session, user=user, role=role, invited_by=invited_by
            )
    except IntegrityError as error:
        raise duplicate from error
    if not session.has_started:
        from scoping.tasks import email_session_invitation  # noqa: PLC0415 (tasks import services)

        transaction.on_commit(lambda: email_session_invitation.delay(invitation.pk))
    return invitation


def session_invitation_email(*, invitation_id: int) -> bool:
    """Email one invitation with its calendar entry; False when sent already (or gone)."""
    with transaction.atomic():
        claimed = SessionInvitation.objects.filter(
            pk=invitation_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        invitation = SessionInvitation.objects.select_related(
            "user", "invited_by", "session__idea__programme"
        ).get(pk=invitation_id)
        session = invitation.session
        # The calendar entry holds the session as it is now: later changes email an update.
        SessionInvitation.objects.filter(pk=invitation_id).update(emailed_sequence=session.sequence)
        session_url = absolute_url(session.get_absolute_url())
        context = {
            "invitation": invitation,
            "session": session,
            "idea": session.idea,
            "programme": session.idea.programme,
            "session_url": session_url,
        }
        message = templated_message(
            "scoping/email/session_invitation.txt", to=[invitation.user.email], context=context
        )
        calendar = ics.session_invitation(
            session,
            invitation.user,
            roles=[invitation.get_role_display()],
            session_url=session_url,
        )
        message.attach(ics.as_attachment(calendar))
        # Sent inside the transaction: if the mail server fails, the claim rolls back.
        message.send()
    return True


def _what_changed(
    session: ScopingSession, *, starts_at: datetime, duration_minutes: int, location: str
) -> list[str]:
    """The parts of the session a new time, length and place change, in words."""
    old, new = timezone.localtime(session.starts_at), timezone.localtime(starts_at)
    changes = [
        ("the date", old.date() != new.date()),
        ("the start time", old.time() != new.time()),
        ("the length", session.duration_minutes != duration_minutes),
        ("the place", session.location != location),
    ]
    return [words for words, changed in changes if changed]


def session_reschedule(
    *, session: ScopingSession, starts_at: datetime, duration_minutes: int, location: str
) -> list[str]:
    """Change the session's time, length or place, and return what changed, in words.

    A real change counts up the session's calendar sequence and, after the commit, emails everyone
    already sent an invitation an updated one. When nothing changes, nothing is saved or sent.
    """
    with transaction.atomic():
        # Locked, so two changes at once each count up the sequence and neither is lost.
        ScopingSession.objects.select_for_update().only("pk").get(pk=session.pk)
        session.refresh_from_db(fields=["starts_at", "duration_minutes", "location", "sequence"])
        changes = _what_changed(
            session, starts_at=starts_at, duration_minutes=duration_minutes, location=location
        )
        if not changes:
            return []
        session.starts_at, session.duration_minutes = starts_at, duration_minutes
        session.location = location
        session.sequence += 1
        session.changed_at = timezone.now()
        session.save(
            update_fields=["starts_at", "duration_minutes", "location", "sequence", "changed_at"]
        )
        from scoping.tasks import email_session_changed  # noqa: PLC0415 (tasks import services)

        session_id, words = session.pk, get_text_list(changes, "and")
        transaction.on_commit(lambda: email_session_changed.delay(session_id, words), robust=True)
    return changes


def session_change_email(*, session_id: int, changes: str) -> int:
    """Email an updated invitation (the session as it is now, at its current sequence) to each
    person whose calendar holds an older version of it; returns how many were sent.

    Someone invited in two roles gets one email. People whose invitation has not gone yet get
    none: their invitation will show the session as it is when it goes.
    """
    session = ScopingSession.objects.select_related("idea__programme").filter(pk=session_id).first()
    if session is None:
        return 0
    emailed = session.invitations.filter(emailed_at__isnull=False).order_by()
    user_ids = sorted(set(emailed.values_list("user_id", flat=True)))
    return sum(_email_change(session, user_id, changes) for user_id in user_ids)


def _email_change(session: ScopingSession, user_id: int, changes: str) -> bool:
    # One person per transaction: if the mail server fails part way, those already sent keep
    # their claim, so a retry emails only the rest.
    with transaction.atomic():
        claimed = (
            session.invitations.filter(user_id=user_id, emailed_at__isnull=False)
            .filter(Q(emailed_sequence__isnull=True) | Q(emailed_sequence__lt=session.sequence))
            .update(emailed_sequence=session.sequence)
        )
        if not claimed:
            return False
        invitations = list(session.invitations.filter(user_id=user_id).select_related("user"))
        person = invitations[0].user
        session_url = absolute_url(session.get_absolute_url())
        context = {
            "person": person,
            "session": session,
            "idea": session.idea,
            "programme": session.idea.programme,
            "changes": changes,
            "session_url": session_url,
        }
        message = templated_message(
            "scoping/email/session_changed.txt", to=[person.email], context=context
        )
        roles = [invitation.get_role_display() for invitation in invitations]
        calendar = ics.session_invitation(session, person, roles=roles, session_url=session_url)
        message.attach(ics.as_attachment(calendar))
        message.send()
    return True


@transaction.atomic
def session_invitation_remove(*, invitation: SessionInvitation, removed_by: User) -> bool:
    """Take an invitation back. If it was emailed, the session has not started and the person is
    not invited in another role, they are sent a cancellation after the commit, which removes the
    session from their calendar. Returns whether a cancellation will be sent.
    """
    # Locked and read again: an invitation email being sent finishes first, so we know if it went.
    emailed_at = list(
        SessionInvitation.objects.select_for_update()
        .filter(pk=invitation.pk)
        .order_by()
        .values_list("emailed_at", flat=True)
    )
    invitation.delete()
    session = invitation.session
    if not emailed_at or emailed_at[0] is None or session.has_started:
        return False
    if session.invitations.filter(user_id=invitation.user_id).exists():
        return False  # still invited in another role: the event stays in their calendar
    # Counted on the session, not per person, so an invitation sent to them later outranks this.
    ScopingSession.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    session.refresh_from_db(fields=["sequence"])
    cancellation = SessionCancellation.objects.create(
        session=session,
        user_id=invitation.user_id,
        sequence=session.sequence,
        removed_by=removed_by,
    )
    from scoping.tasks import email_session_cancellation  # noqa: PLC0415 (tasks import services)

    transaction.on_commit(lambda: email_session_cancellation.delay(cancellation.pk), robust=True)
    return True


def session_cancellation_email(*, cancellation_id: int) -> bool:
    """Email someone no longer invited a cancellation of the session for their calendar; False
    when sent already (or not needed: they have been invited again since)."""
    with transaction.atomic():
        claimed = SessionCancellation.objects.filter(
            pk=cancellation_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        cancellation = SessionCancellation.objects.select_related(
            "user", "session__idea__programme"
        ).get(pk=cancellation_id)
        session = cancellation.session
        if session.invitations.filter(user_id=cancellation.user_id).exists():
            return False  # invited again: their new invitation keeps the event in the calendar
        # Only the session's title, time and programme: they may no longer see its page.
        context = {
            "person": cancellation.user,
            "session": session,
            "idea": session.idea,
            "programme": session.idea.programme,
        }
        message = templated_message(
            "scoping/email/session_invitation_cancelled.txt",
            to=[cancellation.user.email],
            context=context,
        )
        calendar = ics.session_cancellation(cancellation)
        message.attach(ics.as_attachment(calendar, method="CANCEL"))
        message.send()
    return True


def session_framing_save(
    *, session: ScopingSession, answers: dict[str, str], refined_question: str
) -> None:
    """Save the answers to the first agenda item and the question they led to, on the idea."""
    with transaction.atomic():
        for field, value in answers.items():
            setattr(session, field, value)
        session.save(update_fields=list(answers))
        idea = session.idea
        idea.refined_question = refined_question
        idea.save(update_fields=["refined_question", "updated_at"])


# --- The data inventory ------------------------------------------------------------------------


def data_source_remove(*, source: DataSource) -> None:
    """Take a source off the inventory, unless files have been uploaded for it."""
    if source.datasets.exists():
        raise ValidationError(cannot_remove_message(source))
    try:
        source.delete()
    except ProtectedError as error:  # a file arrived since the check
        raise ValidationError(cannot_remove_message(source)) from error


def cannot_remove_message(source: DataSource) -> str:
    return (
        f"You cannot remove {source.name} because a file has been uploaded for it. "
        "Its dataset stays until its retention date"
    )


# --- People and skills -------------------------------------------------------------------------


@transaction.atomic
def skills_add_suggested(*, idea: Idea) -> list[SkillNeed]:
    """Add each suggested skill the idea does not list yet. Safe to press twice."""
    # Lock the idea so that two presses at once cannot both add the same skill.
    Idea.objects.select_for_update().filter(pk=idea.pk).first()
    listed = set(idea.skill_needs.values_list("skill", flat=True))
    return [
        SkillNeed.objects.create(
            idea=idea, skill=suggestion.skill, notes=suggestion.reason, suggested=True
        )
        for suggestion in skill_suggestions(idea)
        if suggestion.skill not in listed
    ]


# --- The evaluation summary --------------------------------------------------------------------

INCOMPLETE_EVALUATION = (
    "Complete the summary before you share it: existing work, people and skills, and data safety"
)


def evaluation_save(
    *,
    idea: Idea,
    existing_work: str,
    people_and_skills: str,
    data_safety: str,
    updated_by: User,
) -> EvaluationSummary:
    """Write the idea's evaluation summary (creating it the first time)."""
    evaluation, _ = EvaluationSummary.objects.update_or_create(
        idea=idea,
        defaults={
            "existing_work": existing_work,
            "people_and_skills": people_and_skills,
            "data_safety": data_safety,
            "updated_by": updated_by,
        },
    )
    return evaluation


def evaluation_share(*, evaluation: EvaluationSummary) -> bool:
    """Email the programme's core team a link to the summary, unless they already have this
    version (so a second press, or two people pressing at once, sends nothing more). Says whether
    it was shared now."""
    if not evaluation.is_complete:
        raise ValidationError(INCOMPLETE_EVALUATION)
    from scoping.tasks import email_evaluation_shared  # noqa: PLC0415 (tasks import services)

    shared_at = timezone.now()
    with transaction.atomic():
        claimed = (
            EvaluationSummary.objects.filter(pk=evaluation.pk)
            .filter(Q(shared_at__isnull=True) | Q(shared_at__lt=F("updated_at")))
            .update(shared_at=shared_at)
        )
        if claimed:
            transaction.on_commit(
                lambda: email_evaluation_shared.delay(evaluation.pk, shared_at.isoformat())
            )
    evaluation.refresh_from_db(fields=["shared_at"])
    return bool(claimed)


def evaluation_share_email(*, evaluation_id: int, shared_at: datetime) -> int:
    """Send the emails for one share; how many went (0 when sent already or superseded)."""
    with transaction.atomic():
        claimed = (
            EvaluationSummary.objects.filter(pk=evaluation_id, shared_at=shared_at)
            .filter(Q(shared_emailed_at__isnull=True) | ~Q(shared_emailed_at=shared_at))
            .update(shared_emailed_at=shared_at)
        )
        if not claimed:
            return 0
        evaluation = EvaluationSummary.objects.select_related("idea__programme").get(
            pk=evaluation_id
        )
        idea = evaluation.idea
        url = absolute_url(reverse("scoping:evaluation", args=[idea.pk]))
        messages = []
        for person in core_team_users(idea.programme):
            context = {"person": person, "idea": idea, "programme": idea.programme, "url": url}
            messages.append(
                templated_message(
                    "scoping/email/evaluation_shared.txt", to=[person.email], context=context
                )
            )
        # One message each, so nobody sees the others' addresses. If the server fails part way,
        # the claim rolls back and a retry sends the lot again: a repeat beats a gap.
        get_connection().send_messages(messages)
    return len(messages)
