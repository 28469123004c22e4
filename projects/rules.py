"""Who may do what with projects and ideas. Views and templates ask these permissions.

A project is known to its programme's core team, to its proposer (and their organisation, once an
admin has confirmed they work there) and to admins; everyone else gets 404.
"""

from __future__ import annotations

import rules

from projects.models import UNDER_WAY
from teams.rules import (
    belongs_to,
    is_admin,
    is_booking_facilitator,
    is_programme_facilitator,
    is_programme_member,
)


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


@rules.predicate
def is_project_member(user, obj) -> bool:
    """Someone on the project team (invited on the team page, with an account here)."""
    project = getattr(obj, "project", obj)
    if not user.is_authenticated or not hasattr(project, "members"):
        return False
    cache = user.__dict__.setdefault("_project_teams", {})
    if project.pk not in cache:
        cache[project.pk] = project.members.filter(user=user).exists()
    return cache[project.pk]


rules.add_perm("projects.know_project", is_on_team | is_proposer | is_project_member | is_admin)
rules.add_perm("projects.read_team_notes", is_on_team | is_admin)
rules.add_perm("projects.move_project", is_facilitator | is_admin)
rules.add_perm("projects.withdraw_project", is_facilitator | is_proposer | is_admin)

# Ideas. Anyone signed in may suggest one; a programme's facilitator may do so on someone's behalf
# (asked with the programme), or from an office-hours booking (asked with the booking).
rules.add_perm("projects.open_idea_pages", rules.is_authenticated)
rules.add_perm("projects.submit_idea", rules.is_authenticated)
rules.add_perm("projects.submit_for_others", is_programme_facilitator | is_admin)
rules.add_perm("projects.idea_from_booking", is_booking_facilitator | is_admin)
rules.add_perm("projects.view_own_ideas", rules.is_authenticated)
# Messages: the facilitator asks the proposer for more or leaves the team a note; the proposer
# replies. Other core-team members read.
rules.add_perm("projects.message_as_team", is_facilitator | is_admin)
rules.add_perm("projects.write_message", is_facilitator | is_admin | is_proposer)
rules.add_perm("projects.merge_idea", is_facilitator | is_admin)


# Selection (projects/selection.py, projects/views/selection.py). Only the core team scores:
# admins who are not on it compare and decide, but do not score.
@rules.predicate
def is_announced(user, project) -> bool:
    return project.announced_at is not None and project.status in UNDER_WAY


rules.add_perm("projects.score_project", is_on_team)
# These two are asked with the programme.
rules.add_perm("projects.compare_candidates", is_programme_member | is_admin)
rules.add_perm("projects.decide_selection", is_programme_facilitator | is_admin)
rules.add_perm("projects.manage_project_team", is_facilitator | is_admin)
rules.add_perm("projects.announce_project", is_facilitator | is_admin)
# An announced project is known to anyone signed in; before that, only to the core team.
rules.add_perm("projects.see_announcement", is_announced | is_on_team | is_admin)
rules.add_perm("projects.register_interest", rules.is_authenticated & is_announced)


# Exploring, testing and publishing (projects/views/exploring.py, testing.py, insights.py): the
# programme's core team and the project team keep the records; the facilitator runs workshops.
rules.add_perm("projects.work_on_solutions", is_on_team | is_project_member | is_admin)
rules.add_perm("projects.run_workshops", is_facilitator | is_admin)


@rules.predicate
def is_invited(user, workshop) -> bool:
    return user.is_authenticated and workshop.invitations.filter(user=user).exists()


@rules.predicate
def works_on_workshop_project(user, workshop) -> bool:
    return rules.has_perm("projects.work_on_solutions", user, workshop.project)


# Asked with a workshop: the people invited and the team see it and book a place.
rules.add_perm("projects.see_workshop", is_invited | works_on_workshop_project)
rules.add_perm("projects.book_workshop", is_invited | works_on_workshop_project)


# Insights to actions (projects/actions.py, projects/views/actions.py). Anyone signed in may
# register interest in acting on a published insight (asked with the insight). The facilitator
# (and admins) see who registered, run the actions meeting, write the action pack and record
# actions; the team reads the actions and the pack. An action's owner organisation sees it and
# keeps it up to date.
def _action_project(action):
    return action.insight.project


@rules.predicate
def is_action_owner(user, action) -> bool:
    """Someone an admin has confirmed works for the action's owner organisation."""
    return (
        user.is_authenticated
        and user.organisation_confirmed
        and user.organisation_id is not None
        and user.organisation_id == action.owner_id
    )


@rules.predicate
def works_on_action_project(user, action) -> bool:
    return rules.has_perm("projects.see_actions", user, _action_project(action))


@rules.predicate
def facilitates_action(user, action) -> bool:
    return is_facilitator(user, _action_project(action))


@rules.predicate
def is_invited_to_actions_meeting(user, project) -> bool:
    """Someone invited to one of the project's actions meetings: the guide gives them the pack."""
    return (
        user.is_authenticated and project.actions_meetings.filter(invitations__user=user).exists()
    )


rules.add_perm("projects.register_action_interest", rules.is_authenticated)
rules.add_perm("projects.see_actions", is_on_team | is_project_member | is_admin)
rules.add_perm(
    "projects.view_action_pack",
    is_on_team | is_project_member | is_invited_to_actions_meeting | is_admin,
)
rules.add_perm("projects.manage_actions", is_facilitator | is_admin)
rules.add_perm("projects.see_action", is_action_owner | works_on_action_project)
rules.add_perm("projects.update_action", is_action_owner | facilitates_action | is_admin)
# Showing an action publicly is its owner's own decision, not the facilitator's.
rules.add_perm("projects.agree_action_public", is_action_owner)
rules.add_perm("projects.view_own_actions", rules.is_authenticated)


# Reflecting (projects/views/reflection.py). The facilitator opens the survey; the people who
# worked on the project see its results and use the retrospective board. A card is changed by
# its author; the facilitator merges cards and marks actions.
@rules.predicate
def is_card_author(user, card) -> bool:
    return user.is_authenticated and card.author_id == user.pk


@rules.predicate
def works_on_card_project(user, card) -> bool:
    return rules.has_perm("projects.work_on_solutions", user, card.project)


@rules.predicate
def facilitates_card_project(user, card) -> bool:
    return is_programme_facilitator(user, card.project.idea.programme)


rules.add_perm("projects.run_reflections", is_facilitator | is_admin)
rules.add_perm("projects.see_reflections", is_on_team | is_project_member | is_admin)
rules.add_perm("projects.see_card", works_on_card_project)
rules.add_perm("projects.change_card", is_card_author)
rules.add_perm("projects.arrange_cards", facilitates_card_project | is_admin)
# Asked with the programme: its core team reads the results across projects and the lessons;
# the facilitator writes lessons and method changes.
rules.add_perm("projects.see_programme_reflections", is_programme_member | is_admin)
rules.add_perm("projects.read_lessons", is_programme_member | is_admin)
rules.add_perm("projects.write_lessons", is_programme_facilitator | is_admin)
rules.add_perm("projects.publish_method_changes", is_programme_facilitator | is_admin)


# Sharing (projects/sharing.py, projects/views/sharing.py). Plenaries are public: anyone signed in
# registers. The programme's team sees the sharing page and writes blog posts; each post's
# authors edit it and the facilitator (or an admin) reviews it.
@rules.predicate
def is_registrant(user, registration) -> bool:
    return user.is_authenticated and registration.user_id == user.pk


@rules.predicate
def runs_the_plenary(user, registration) -> bool:
    return is_programme_facilitator(user, registration.plenary.programme)


@rules.predicate
def is_author(user, post) -> bool:
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_blog_authors", {})
    if post.pk not in cache:
        cache[post.pk] = post.authors.filter(pk=user.pk).exists()
    return cache[post.pk]


@rules.predicate
def is_on_posts_team(user, post) -> bool:
    return is_programme_member(user, post.programme)


@rules.predicate
def facilitates_post(user, post) -> bool:
    return is_programme_facilitator(user, post.programme)


# Asked with the programme.
rules.add_perm("projects.view_sharing", is_programme_member | is_admin)
rules.add_perm("projects.manage_plenaries", is_programme_facilitator | is_admin)
rules.add_perm("projects.start_blog_post", is_programme_member)
# Asked with a plenary.
rules.add_perm("projects.view_plenary", rules.always_allow)
rules.add_perm("projects.register_for_plenary", rules.is_authenticated)
# Asked with a registration.
rules.add_perm("projects.view_registration", is_registrant | runs_the_plenary | is_admin)
rules.add_perm("projects.change_registration", is_registrant | is_admin)
# Asked with a blog post.
rules.add_perm("projects.see_blog_post", is_author | is_on_posts_team | is_admin)
rules.add_perm("projects.edit_blog_post", is_author)
rules.add_perm("projects.review_blog_post", facilitates_post | is_admin)
