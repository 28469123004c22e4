"""Insights to actions: registrations of interest in a published insight, the actions meeting,
the action pack, actions with their progress, and the reminders to owners when an update is due.

Keyword-only writes; emails go after commit through tasks that send once (projects.emails).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import get_text_list

from projects import tasks
from projects.insights import table_view
from projects.models import (
    Action,
    ActionInterest,
    ActionPack,
    ActionProgress,
    ActionsMeeting,
    ActionsMeetingInvitation,
    Insight,
    Project,
)
from teams.models import User

# An owner is reminded when nothing has been said about an open action for this long ...
QUIET_DAYS = 30
# ... and once when its due date is this close.
DUE_SOON_DAYS = 7


class AlreadyRegistered(Exception):
    """This person has already registered interest in acting on the insight."""


# --- Interest and the actions meeting ----------------------------------------------------------


def action_interest_register(
    *, insight: Insight, user: User, organisation_name: str, what: str, note: str = ""
) -> ActionInterest:
    """Record that someone's organisation might act on a published insight, and tell the
    programme's facilitators. Raises AlreadyRegistered when they have done so before."""
    try:
        with transaction.atomic():
            interest = ActionInterest.objects.create(
                insight=insight,
                user=user,
                organisation_name=organisation_name.strip(),
                what=what.strip(),
                note=note.strip(),
            )
    except IntegrityError as error:
        raise AlreadyRegistered from error
    transaction.on_commit(lambda: tasks.email_action_interest.delay(interest.pk))
    return interest


def interest_in(project: Project) -> QuerySet[ActionInterest]:
    """Registrations of interest in any of the project's insights, newest first."""
    return (
        ActionInterest.objects.filter(insight__project=project)
        .select_related("insight", "user")
        .order_by("-created_at", "-pk")
    )


def actions_meeting_create(*, project: Project, user: User, **fields) -> ActionsMeeting:
    return ActionsMeeting.objects.create(project=project, created_by=user, **fields)


def _what_changed(meeting: ActionsMeeting, *, starts_at, ends_at, place: str) -> list[str]:
    """The parts of the meeting a new time and place change, in words."""
    old, new = timezone.localtime(meeting.starts_at), timezone.localtime(starts_at)
    changes = [
        ("the date", old.date() != new.date()),
        ("the start time", old.time() != new.time()),
        ("the length", meeting.ends_at - meeting.starts_at != ends_at - starts_at),
        ("the place", meeting.place != place),
    ]
    return [words for words, changed in changes if changed]


def actions_meeting_reschedule(
    *, meeting: ActionsMeeting, starts_at: datetime, ends_at: datetime, place: str
) -> list[str]:
    """Change the meeting's time or place, and return what changed, in words.

    A real change counts up the meeting's calendar sequence and, after the commit, emails everyone
    already sent an invitation an updated one. When nothing changes, nothing is saved or sent.
    """
    with transaction.atomic():
        # Locked, so two changes at once each count up the sequence and neither is lost.
        ActionsMeeting.objects.select_for_update().only("pk").get(pk=meeting.pk)
        meeting.refresh_from_db(fields=["starts_at", "ends_at", "place", "sequence"])
        changes = _what_changed(meeting, starts_at=starts_at, ends_at=ends_at, place=place)
        if not changes:
            return []
        meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
        meeting.sequence += 1
        meeting.save(update_fields=["starts_at", "ends_at", "place", "sequence"])
        meeting_id, words = meeting.pk, get_text_list(changes, "and")
        transaction.on_commit(
            lambda: tasks.email_actions_meeting_changed.delay(meeting_id, words), robust=True
        )
    return changes


@transaction.atomic
def actions_meeting_invite(
    *, meeting: ActionsMeeting, invited_by: User
) -> list[ActionsMeetingInvitation]:
    """Invite everyone who registered interest in the project's insights and is not invited yet;
    each is emailed once, after commit, with a calendar entry."""
    from projects.tasks import email_actions_meeting_invitation  # noqa: PLC0415 (tasks import us)

    registered = ActionInterest.objects.filter(insight__project_id=meeting.project_id)
    people = (
        User.objects.filter(pk__in=registered.values("user"), is_active=True)
        .exclude(pk__in=meeting.invitations.values("user"))
        .order_by("pk")
    )
    new = []
    for person in people:
        invitation, created = ActionsMeetingInvitation.objects.get_or_create(
            meeting=meeting, user=person, defaults={"invited_by": invited_by}
        )
        if created:
            new.append(invitation)
            transaction.on_commit(
                lambda pk=invitation.pk: email_actions_meeting_invitation.delay(pk), robust=True
            )
    return new


# --- The action pack ----------------------------------------------------------------------------


def action_pack_of(project: Project) -> ActionPack:
    """The project's pack, or an empty one not yet saved."""
    return ActionPack.objects.filter(project=project).first() or ActionPack(project=project)


def action_pack_save(*, pack: ActionPack, user: User) -> ActionPack:
    pack.updated_by = user
    pack.save()
    return pack


def pack_contents(project: Project) -> dict:
    """What the action pack's PDF shows: the prompts and routes, then every published insight of
    the project as the public sees it (protected tables only)."""
    published = []
    for insight in project.insights.published().select_related("programme"):
        tables = list(insight.tables.all())
        views = {table.pk: table_view(table) for table in tables}
        figures = [(f, views[f.table_id]) for f in insight.figures.select_related("boundaries")]
        shown = {figure.table_id for figure, _ in figures}
        published.append(
            {
                "insight": insight,
                "figures": figures,
                "other_tables": [views[t.pk] for t in tables if t.pk not in shown],
            }
        )
    return {
        "project": project,
        "idea": project.idea,
        "programme": project.idea.programme,
        "pack": action_pack_of(project),
        "insights": published,
    }


# --- Actions and progress -----------------------------------------------------------------------


def action_save(*, action: Action, user: User, agrees_public: bool | None = None) -> Action:
    """Save the action. ``agrees_public`` is the owner's own answer on showing it publicly (None
    when the person saving is not one of the owner's people, who alone can agree)."""
    if action.pk is None:
        action.created_by = user
    if agrees_public is not None and agrees_public != action.public:
        action.public = agrees_public
        action.public_agreed_by = user if agrees_public else None
        action.public_agreed_at = timezone.now() if agrees_public else None
    action.save()
    return action


@transaction.atomic
def action_progress_add(
    *, action: Action, user: User, text: str, status: str | None = None
) -> ActionProgress:
    """Append a dated progress note, and move the action's status when it changed."""
    note = ActionProgress.objects.create(action=action, author=user, text=text.strip())
    if status and status != action.status:
        action.status = status
        action.save(update_fields=["status", "updated_at"])
    return note


def with_latest_progress(actions: QuerySet[Action]) -> QuerySet[Action]:
    """The actions with their owner and latest progress note (`latest_text`, `latest_at`), in
    one query however many there are."""
    latest = ActionProgress.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
    return actions.select_related("owner").annotate(
        latest_text=Subquery(latest.values("text")[:1]),
        latest_at=Subquery(latest.values("at")[:1]),
    )


def public_actions(insight: Insight) -> QuerySet[Action]:
    """The insight's actions whose owners agreed to show them publicly."""
    return with_latest_progress(insight.actions.shown_publicly()).order_by("due_date", "pk")


def actions_of(project: Project) -> QuerySet[Action]:
    return with_latest_progress(
        Action.objects.filter(insight__project=project).select_related("insight")
    ).order_by("due_date", "pk")


def actions_owned_by(user: User) -> QuerySet[Action]:
    """Actions owned by the person's organisation, once an admin has confirmed they work there."""
    if not (user.organisation_id and user.organisation_confirmed):
        return Action.objects.none()
    return with_latest_progress(
        Action.objects.filter(owner_id=user.organisation_id).select_related(
            "insight__project__idea"
        )
    ).order_by("due_date", "pk")


# --- Reminders ----------------------------------------------------------------------------------


def reminder_key(*, status: str, due_date: date, last_update: date, today: date) -> str | None:
    """The reminder an action's owner is due today, or None. The key names the period, so each
    reminder goes once: one as the due date comes within DUE_SOON_DAYS, and one for every
    QUIET_DAYS without a progress note (counted from the last note, or from when the action was
    recorded; once it is overdue, from the due date at the earliest, so that a quiet period cut
    by the due-date reminder does not come round again). Done and dropped actions need none."""
    if status not in Action.OPEN:
        return None
    if 0 <= (due_date - today).days <= DUE_SOON_DAYS:
        return f"due:{due_date.isoformat()}"
    since = max(last_update, due_date) if today > due_date else last_update
    quiet = (today - since).days
    if quiet >= QUIET_DAYS:
        return f"quiet:{since.isoformat()}:{quiet // QUIET_DAYS}"
    return None


def _last_update(created_at, last_note) -> date:
    return timezone.localdate(last_note or created_at)


def current_reminder(action_id: int, *, today: date | None = None) -> str | None:
    """The reminder the action is due now (None when none is, or it has gone)."""
    found = (
        Action.objects.filter(pk=action_id)
        .annotate(last_note=Max("progress__at"))
        .values("status", "due_date", "created_at", "last_note")
        .first()
    )
    if found is None:
        return None
    return reminder_key(
        status=found["status"],
        due_date=found["due_date"],
        last_update=_last_update(found["created_at"], found["last_note"]),
        today=today or timezone.localdate(),
    )


def action_reminders_due(*, today: date | None = None) -> list[tuple[int, str]]:
    """(action id, reminder key) for every open action whose owner is due a reminder that has
    not gone yet."""
    today = today or timezone.localdate()
    rows = (
        Action.objects.open()
        .annotate(last_note=Max("progress__at"))
        .values_list("pk", "status", "due_date", "created_at", "last_note", "reminded_for")
    )
    due = []
    for pk, status, due_date, created_at, last_note, reminded_for in rows.iterator():
        key = reminder_key(
            status=status,
            due_date=due_date,
            last_update=_last_update(created_at, last_note),
            today=today,
        )
        if key is not None and key != reminded_for:
            due.append((pk, key))
    return due


def owner_emails(action: Action) -> list[str]:
    """The active people an admin has confirmed work for the action's owner organisation."""
    people = User.objects.filter(
        organisation_id=action.owner_id, organisation_confirmed=True, is_active=True
    )
    return sorted(set(people.values_list("email", flat=True)))
