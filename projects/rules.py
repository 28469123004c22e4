"""Who may do what with projects and ideas. Views and templates ask these permissions.

A project is known to its programme's core team, to its proposer (and their organisation, once an
admin has confirmed they work there) and to admins; everyone else gets 404.
"""

from __future__ import annotations

import rules

from teams.rules import belongs_to, is_admin, is_programme_facilitator, is_programme_member


def _idea(obj):
    return getattr(obj, "idea", obj)


@rules.predicate
def is_on_team(user, obj) -> bool:
    return is_programme_member(user, _idea(obj).programme)


@rules.predicate
def is_facilitator(user, obj) -> bool:
    return is_programme_facilitator(user, _idea(obj).programme)


@rules.predicate
def is_proposer(user, obj) -> bool:
    idea = _idea(obj)
    return user.is_authenticated and (
        (idea.proposer_id is not None and idea.proposer_id == user.pk)
        or belongs_to(user, idea.proposing_organisation)
    )


rules.add_perm("projects.know_project", is_on_team | is_proposer | is_admin)
rules.add_perm("projects.read_team_notes", is_on_team | is_admin)
rules.add_perm("projects.move_project", is_facilitator | is_admin)
rules.add_perm("projects.withdraw_project", is_facilitator | is_proposer | is_admin)
