"""Who may do what with programmes, persona by persona (teams/rules.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from teams.models import Membership, Role, SiteGroup
from teams.rules import requires_mfa
from tests.factories import PERSONAS, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PROGRAMME_A_PERMS = (
    "teams.access_programme",
    "teams.edit_programme",
    "teams.change_team",
    "teams.change_ways_of_working",
)

#                 view   change programme, team, ways of working   needs MFA
EXPECTED = {
    "anonymous": (False, False, False, False, False),
    "vcs_partner": (False, False, False, False, False),
    "team_member": (True, False, False, False, False),
    "analyst": (True, False, False, False, True),  # analysts may download data
    "reviewer": (True, False, False, False, True),
    "facilitator": (True, True, True, True, True),
    "staff": (False, False, False, False, False),
    "outsider": (False, False, False, False, True),  # an analyst on programme B
    "admin": (True, True, True, True, True),
}


def test_every_persona_has_a_row() -> None:
    assert set(EXPECTED) == set(PERSONAS)


@pytest.mark.parametrize("who", PERSONAS)
def test_programme_permissions(who, persona, programme_a) -> None:
    user = persona(who) or AnonymousUser()

    got = tuple(user.has_perm(perm, programme_a) for perm in PROGRAMME_A_PERMS)

    assert (*got, requires_mfa(user)) == EXPECTED[who]


def test_outsider_has_rights_on_their_own_programme_only(outsider, programme_a, programme_b):
    assert outsider.has_perm("teams.access_programme", programme_b)
    assert not outsider.has_perm("teams.access_programme", programme_a)


def test_ended_membership_gives_no_rights(facilitator, programme_a) -> None:
    Membership.objects.filter(user=facilitator).update(ended_at=timezone.now())
    facilitator = type(facilitator).objects.get(pk=facilitator.pk)  # drop per-request caches

    assert not facilitator.has_perm("teams.access_programme", programme_a)
    assert not facilitator.has_perm("teams.edit_programme", programme_a)


def test_admin_group_without_superuser_is_an_admin(programme_a) -> None:
    user = UserFactory(groups=[SiteGroup.ADMIN])

    assert user.has_perm("teams.edit_programme", programme_a)
    assert requires_mfa(user)


def test_facilitator_site_group_alone_gives_no_programme_rights(programme_a) -> None:
    user = UserFactory(groups=[SiteGroup.FACILITATOR])

    assert not user.has_perm("teams.access_programme", programme_a)
    assert requires_mfa(user)


@pytest.mark.parametrize(
    ("role", "needs_mfa"),
    [
        # Analysts and the register's keepers may download data (safety.rules.may_download_data).
        (
            role,
            role
            in {
                Role.FACILITATOR,
                Role.INFORMATION_RIGHTS,
                Role.DATA_ANALYST,
                Role.CONTRACTS_AND_LEGAL,
            },
        )
        for role in Role
    ],
)
def test_which_programme_roles_need_mfa(role, needs_mfa, programme_a) -> None:
    member = MembershipFactory(programme=programme_a, role=role).user

    assert requires_mfa(member) is needs_mfa


def test_site_groups_exist_from_the_migration() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {g.value for g in SiteGroup}


def test_an_admin_group_member_manages_django_admin_without_being_superuser(client_for, db):
    from teams.models import SiteGroup
    from tests.factories import UserFactory, give_totp

    admin_user = UserFactory(is_staff=True, groups=[SiteGroup.ADMIN])
    give_totp(admin_user)
    client = client_for(admin_user)
    assert client.get("/admin/teams/programme/").status_code == 200
    assert client.get("/admin/teams/user/add/").status_code == 200
    # Staff without the Admin group get nothing, even if they may sign in to admin.
    plain = UserFactory(is_staff=True, groups=[SiteGroup.STAFF])
    assert client_for(plain).get("/admin/teams/programme/").status_code == 403


def test_object_rules_asked_without_an_object_say_no(db):
    from tests.factories import UserFactory

    user = UserFactory()
    for perm in [
        "teams.access_programme",
        "teams.edit_programme",
        "teams.view_booking",
        "landing.manage_news",
    ]:
        assert user.has_perm(perm) is False
