"""Who may do what in scoping. Views ask these through `get_for_user`; templates ask them too.

Everything hangs off the idea's programme. Its core team (anyone with an active role) and admins
see the scoping of its ideas; the facilitator schedules sessions (and changes the time or place
of one that has not started), invites people and writes the evaluation summary; anyone on the
core team keeps the notes, the data inventory and the skills. People invited to a session, and
the idea's proposer, see that session and its record, but not the inventory, the skills or the
evaluation. Everyone else gets 404. Once an idea is withdrawn, closed or merged into another, its
scoping is kept as a record and nobody changes it.
"""

from __future__ import annotations

import rules

from projects.models import ENDED
from teams.rules import belongs_to, is_admin, is_programme_facilitator, is_programme_member


def _idea(obj):
    """The idea behind an idea, a session, a data source, a skill or an evaluation."""
    if obj is None:
        return None
    if hasattr(obj, "programme_id"):
        return obj
    return getattr(obj, "idea", None)


def _programme(obj):
    idea = _idea(obj)
    return idea.programme if idea is not None else None


@rules.predicate
def is_core_team(user, obj) -> bool:
    programme = _programme(obj)
    return programme is not None and is_programme_member(user, programme)


@rules.predicate
def is_facilitator(user, obj) -> bool:
    programme = _programme(obj)
    return programme is not None and is_programme_facilitator(user, programme)


@rules.predicate
def is_proposer(user, obj) -> bool:
    """The person who proposed the idea, or someone confirmed to work for their organisation."""
    idea = _idea(obj)
    return (
        user.is_authenticated
        and idea is not None
        and (
            (idea.proposer_id is not None and idea.proposer_id == user.pk)
            or belongs_to(user, idea.proposing_organisation)
        )
    )


@rules.predicate
def is_in_play(user, obj) -> bool:
    """The idea is still being worked on: not withdrawn, closed or merged into another."""
    idea = _idea(obj)
    if idea is None or idea.merged_into_id is not None:
        return False
    project = getattr(idea, "project", None)
    return project is None or project.status not in ENDED


@rules.predicate
def is_invitee(user, session) -> bool:
    """Invited to this session, in any role. Cached on the session for the request."""
    if not user.is_authenticated or session is None:
        return False
    cache = session.__dict__.setdefault("_invitee_ids", {})
    if user.pk not in cache:
        cache[user.pk] = session.invitations.filter(user=user).exists()
    return cache[user.pk]


@rules.predicate
def is_upcoming(user, session) -> bool:
    """The session has not started: once it has, its time and place are part of the record."""
    return session is not None and not session.has_started


rules.add_perm("scoping.open_scoping_pages", rules.is_authenticated)
# Ideas: the proposer knows the idea (so gets 403 rather than 404 on the team's pages).
rules.add_perm("scoping.know_idea", is_core_team | is_proposer | is_admin)
rules.add_perm("scoping.see_scoping", is_core_team | is_admin)
rules.add_perm("scoping.schedule_session", (is_facilitator | is_admin) & is_in_play)
rules.add_perm("scoping.edit_inventory", (is_core_team | is_admin) & is_in_play)
rules.add_perm("scoping.edit_skills", (is_core_team | is_admin) & is_in_play)
rules.add_perm("scoping.edit_evaluation", (is_facilitator | is_admin) & is_in_play)
rules.add_perm("scoping.share_evaluation", (is_facilitator | is_admin) & is_in_play)
# Sessions.
rules.add_perm("scoping.see_session", is_core_team | is_invitee | is_proposer | is_admin)
rules.add_perm("scoping.invite_to_session", (is_facilitator | is_admin) & is_in_play)
rules.add_perm("scoping.change_session", (is_facilitator | is_admin) & is_in_play & is_upcoming)
rules.add_perm("scoping.edit_session_notes", (is_core_team | is_admin) & is_in_play)

# A programme's own suggestions of published data sets: asked with the programme.
rules.add_perm("scoping.manage_public_data", is_programme_facilitator | is_admin)
