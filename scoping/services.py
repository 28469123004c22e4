"""Writes in scoping that span models, send mail or queue work.

Mail goes through thin tasks queued after the commit; each email claims its row first (a
conditional update), so a task that runs twice sends once, and a failed send gives the claim back
so that a retry can send it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url
from scoping import ics
from scoping.models import (
    DataSource,
    EvaluationSummary,
    Idea,
    ScopingSession,
    SessionInvitation,
    SessionRole,
    SkillNeed,
)
from scoping.queries import core_team_users, skill_suggestions
from teams.models import User

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
        f"{user} is already invited as {SessionRole(role).label.lower()}", code="duplicate"
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
        session_url = absolute_url(session.get_absolute_url())
        context = {
            "invitation": invitation,
            "session": session,
            "idea": session.idea,
            "programme": session.idea.programme,
            "session_url": session_url,
        }
        text = render_to_string("scoping/email/session_invitation.txt", context).strip()
        subject, _, body = text.partition("\n")
        message = EmailMessage(subject.strip(), body.strip() + "\n", None, [invitation.user.email])
        calendar = ics.session_invitation(invitation, session_url=session_url)
        message.attach(ics.as_attachment(calendar))
        # Sent inside the transaction: if the mail server fails, the claim rolls back.
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
            text = render_to_string("scoping/email/evaluation_shared.txt", context).strip()
            subject, _, body = text.partition("\n")
            body = body.strip() + "\n"
            messages.append(EmailMessage(subject.strip(), body, None, [person.email]))
        # One message each, so nobody sees the others' addresses. If the server fails part way,
        # the claim rolls back and a retry sends the lot again: a repeat beats a gap.
        get_connection().send_messages(messages)
    return len(messages)
