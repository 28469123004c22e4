"""Scoping's rules: the skills each kind of data calls for, the roles a session needs, and who
may do what."""

from __future__ import annotations

import pytest
from django.utils import timezone

from projects.models import Project
from scoping.models import DataSource, Idea, ScopingSession, SessionRole, Skill, missing_roles
from scoping.skills import SKILLS_BY_KIND, skills_for, suggest_skills
from teams.models import Organisation
from tests.scoping_helpers import idea_on, session_for

Kind = DataSource.Kind


def _source(kind: str, owner: Organisation | None = None, name: str = "A source") -> DataSource:
    return DataSource(name=name, kind=kind, owner=owner)


def _org(pk: int, kind: str) -> Organisation:
    return Organisation(pk=pk, name=f"Org {pk}", kind=kind)


# --- The skill table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.OPEN_DATA, [Skill.DATA_MINING, Skill.RESEARCHER]),
        (Kind.DIGITAL_SYSTEM, [Skill.KNOWS_THE_DATA, Skill.SYSTEM_ADMIN]),
        (Kind.INFORMAL_TOOL, [Skill.KNOWS_THE_DATA, Skill.SYSTEM_ADMIN]),
        (Kind.PAPER, [Skill.DATA_CLEANING]),
        (Kind.QUALITATIVE, [Skill.DATA_CLEANING, Skill.COLLECTION_DESIGN]),
        (Kind.NEW_COLLECTION, [Skill.COLLECTION_DESIGN]),
        (Kind.OTHER_TEAMS, [Skill.KNOWS_THE_DATA, Skill.SUBJECT_EXPERT]),
    ],
)
def test_each_kind_of_data_calls_for_its_skills(kind, expected) -> None:
    assert skills_for(_source(kind), core_team_organisation_ids=set()) == expected


def test_every_kind_of_data_has_a_row_in_the_table() -> None:
    assert set(SKILLS_BY_KIND) == set(Kind.values)


@pytest.mark.parametrize("owner_kind", [Organisation.Kind.COUNCIL, Organisation.Kind.VCS])
def test_internal_data_held_by_the_core_team_needs_subject_experts(owner_kind) -> None:
    owner = _org(1, owner_kind)
    skills = skills_for(_source(Kind.DIGITAL_SYSTEM, owner), core_team_organisation_ids={1})
    assert skills == [Skill.KNOWS_THE_DATA, Skill.SYSTEM_ADMIN, Skill.SUBJECT_EXPERT]


def test_data_held_outside_the_core_team_needs_a_researcher() -> None:
    owner = _org(2, Organisation.Kind.PUBLIC_BODY)
    skills = skills_for(_source(Kind.PAPER, owner), core_team_organisation_ids={1})
    assert skills == [Skill.DATA_CLEANING, Skill.RESEARCHER]


def test_a_vcs_organisation_outside_the_core_team_brings_both() -> None:
    owner = _org(3, Organisation.Kind.VCS)
    skills = skills_for(_source(Kind.PAPER, owner), core_team_organisation_ids={1})
    assert skills == [Skill.DATA_CLEANING, Skill.SUBJECT_EXPERT, Skill.RESEARCHER]


def test_suggestions_name_each_skill_once_with_the_sources_behind_it() -> None:
    sources = [
        _source(Kind.DIGITAL_SYSTEM, name="Case system"),
        _source(Kind.INFORMAL_TOOL, name="Rota spreadsheet"),
        _source(Kind.NEW_COLLECTION, name="Exit survey"),
    ]
    suggestions = suggest_skills(sources, core_team_organisation_ids=set())

    assert [s.skill for s in suggestions] == [
        Skill.KNOWS_THE_DATA,
        Skill.SYSTEM_ADMIN,
        Skill.COLLECTION_DESIGN,
    ]
    assert suggestions[0].sources == ["Case system", "Rota spreadsheet"]
    assert suggestions[0].reason == "Suggested for Case system, Rota spreadsheet"
    assert suggest_skills([], core_team_organisation_ids=set()) == []


# --- The roles a session needs -----------------------------------------------------------------


def test_a_session_with_nobody_invited_misses_every_needed_role() -> None:
    assert missing_roles([]) == [
        SessionRole.FACILITATOR,
        SessionRole.PROPOSER,
        SessionRole.DATA_SPECIALIST,
        SessionRole.SUBJECT_EXPERT,
    ]


def test_other_guests_do_not_fill_a_needed_role() -> None:
    invited = [SessionRole.FACILITATOR, SessionRole.OTHER, SessionRole.OTHER]
    assert missing_roles(invited) == [
        SessionRole.PROPOSER,
        SessionRole.DATA_SPECIALIST,
        SessionRole.SUBJECT_EXPERT,
    ]


def test_a_session_with_all_four_roles_misses_none() -> None:
    invited = [
        SessionRole.SUBJECT_EXPERT,
        SessionRole.PROPOSER,
        SessionRole.DATA_SPECIALIST,
        SessionRole.FACILITATOR,
    ]
    assert missing_roles(invited) == []


# --- Who may do what ---------------------------------------------------------------------------

IDEA_PERMS = {
    # perm: personas who hold it on programme A's idea (the VCS partner proposed it)
    "scoping.know_idea": {
        "team_member",
        "analyst",
        "reviewer",
        "facilitator",
        "vcs_partner",
        "admin",
    },
    "scoping.see_scoping": {"team_member", "analyst", "reviewer", "facilitator", "admin"},
    "scoping.edit_inventory": {"team_member", "analyst", "reviewer", "facilitator", "admin"},
    "scoping.edit_skills": {"team_member", "analyst", "reviewer", "facilitator", "admin"},
    "scoping.schedule_session": {"facilitator", "admin"},
    "scoping.edit_evaluation": {"facilitator", "admin"},
    "scoping.share_evaluation": {"facilitator", "admin"},
}
SESSION_PERMS = {
    # staff are invited to the session, and nothing else
    "scoping.see_session": {
        "team_member",
        "analyst",
        "reviewer",
        "facilitator",
        "vcs_partner",
        "staff",
        "admin",
    },
    "scoping.edit_session_notes": {"team_member", "analyst", "reviewer", "facilitator", "admin"},
    "scoping.invite_to_session": {"facilitator", "admin"},
}
EVERYONE = ("vcs_partner", "team_member", "analyst", "reviewer", "facilitator", "staff")


@pytest.mark.django_db
@pytest.mark.parametrize("who", [*EVERYONE, "outsider", "admin"])
def test_permissions_by_persona(who, persona, programme_a) -> None:
    user = persona(who)
    proposer = persona("vcs_partner")
    idea = idea_on(programme_a, proposer=proposer)
    session = session_for(idea, invite={persona("staff"): SessionRole.OTHER})

    for perm, holders in IDEA_PERMS.items():
        assert user.has_perm(perm, idea) == (who in holders), perm
    for perm, holders in SESSION_PERMS.items():
        assert user.has_perm(perm, session) == (who in holders), perm


@pytest.mark.django_db
def test_someone_confirmed_at_the_proposing_organisation_counts_as_the_proposer(
    programme_a, vcs_partner
) -> None:
    idea = idea_on(programme_a)
    idea.proposing_organisation = vcs_partner.organisation
    idea.save()
    assert vcs_partner.has_perm("scoping.know_idea", idea)

    vcs_partner.organisation_confirmed = False
    vcs_partner.save()
    vcs_partner = type(vcs_partner).objects.get(pk=vcs_partner.pk)
    assert not vcs_partner.has_perm("scoping.know_idea", idea)


@pytest.mark.django_db
def test_an_ended_membership_gives_no_access(programme_a, analyst) -> None:
    idea = idea_on(programme_a)
    analyst.memberships.update(ended_at="2020-01-01T00:00Z")
    analyst = type(analyst).objects.get(pk=analyst.pk)
    assert not analyst.has_perm("scoping.know_idea", idea)


@pytest.mark.django_db
def test_an_invitation_to_one_session_opens_no_other(programme_a, staff) -> None:
    idea = idea_on(programme_a)
    invited = session_for(idea, invite={staff: SessionRole.SUBJECT_EXPERT})
    other = ScopingSession.objects.create(idea=idea, starts_at=invited.starts_at)

    assert staff.has_perm("scoping.see_session", invited)
    assert not staff.has_perm("scoping.see_session", other)


CHANGES = [
    "scoping.schedule_session",
    "scoping.edit_inventory",
    "scoping.edit_skills",
    "scoping.edit_evaluation",
    "scoping.share_evaluation",
]


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ["withdrawn", "closed", "merged"])
def test_an_ended_idea_keeps_its_scoping_as_a_record(ending, programme_a, facilitator) -> None:
    idea = idea_on(programme_a)
    session = session_for(idea)
    assert all(facilitator.has_perm(perm, idea) for perm in CHANGES)

    if ending == "merged":
        idea.merged_into = Idea.objects.create(programme=programme_a, title="The one it joined")
        idea.save()
    else:
        Project.objects.filter(idea=idea).update(status=ending)
    idea = Idea.objects.select_related("project").get(pk=idea.pk)
    session = ScopingSession.objects.get(pk=session.pk)

    assert facilitator.has_perm("scoping.see_scoping", idea)
    assert facilitator.has_perm("scoping.see_session", session)
    assert not any(facilitator.has_perm(perm, idea) for perm in CHANGES)
    assert not facilitator.has_perm("scoping.invite_to_session", session)
    assert not facilitator.has_perm("scoping.edit_session_notes", session)
    assert not facilitator.has_perm("scoping.change_session", session)


@pytest.mark.django_db
def test_only_a_session_still_to_come_can_change(programme_a, facilitator, analyst) -> None:
    session = session_for(idea_on(programme_a))
    assert facilitator.has_perm("scoping.change_session", session)
    assert not analyst.has_perm("scoping.change_session", session)

    session.starts_at = timezone.now()
    assert not facilitator.has_perm("scoping.change_session", session)
