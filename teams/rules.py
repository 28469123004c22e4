"""Who may do what with people and programmes. Templates ask the same predicates."""

from __future__ import annotations

import rules

from teams.models import Membership, Role, SiteGroup

# Roles whose holders handle sensitive decisions, so they must sign in with a second factor.
MFA_ROLES = frozenset({Role.FACILITATOR, Role.INFORMATION_RIGHTS})


def roles_by_programme(user) -> dict[int, frozenset[str]]:
    """The user's active roles, by programme id: one query, kept on the user for the request
    (every page's menu and permission checks ask about them, often for several programmes)."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_roles_by_programme"):
        roles: dict[int, set[str]] = {}
        rows = Membership.objects.active().filter(user=user).order_by()
        for programme_id, role in rows.values_list("programme_id", "role"):
            roles.setdefault(programme_id, set()).add(role)
        user._roles_by_programme = {pk: frozenset(held) for pk, held in roles.items()}
    return user._roles_by_programme


def programmes_where(user, *roles: str) -> list[int]:
    """Ids of the programmes where the user holds any of `roles`, or any role when none is named.
    Dashboards ask the database about these programmes only when there are some."""
    return sorted(
        pk for pk, held in roles_by_programme(user).items() if not roles or held & set(roles)
    )


def held_roles(user) -> frozenset[str]:
    """Every role the user holds on any programme."""
    return frozenset().union(*roles_by_programme(user).values())


def _active_roles(user, programme) -> frozenset[str]:
    """The user's active roles on a programme."""
    if programme is None:  # asked without an object, as Django admin does
        return frozenset()
    return roles_by_programme(user).get(programme.pk, frozenset())


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.in_group(SiteGroup.ADMIN))


@rules.predicate
def is_site_facilitator(user) -> bool:
    return user.is_authenticated and user.in_group(SiteGroup.FACILITATOR)


@rules.predicate
def is_staff_member(user) -> bool:
    return user.is_authenticated and user.in_group(SiteGroup.STAFF)


@rules.predicate
def is_vcs_partner(user) -> bool:
    return user.is_authenticated and user.in_group(SiteGroup.VCS_PARTNER)


@rules.predicate
def is_programme_member(user, programme) -> bool:
    return user.is_authenticated and bool(_active_roles(user, programme))


@rules.predicate
def is_programme_facilitator(user, programme) -> bool:
    return user.is_authenticated and Role.FACILITATOR in _active_roles(user, programme)


def belongs_to(user, organisation) -> bool:
    """True only when an admin has confirmed the user works for `organisation`."""
    return (
        user.is_authenticated
        and organisation is not None
        and user.organisation_confirmed
        and user.organisation_id == organisation.pk
    )


# Apps above this one add reasons of their own (safety: anyone who may download data).
_mfa_reasons: list = []


def register_mfa_reason(reason) -> None:
    """`reason(user) -> bool`: True when the user must use a second factor."""
    if reason not in _mfa_reasons:
        _mfa_reasons.append(reason)


def requires_mfa(user) -> bool:
    """Admins, facilitators, information-rights reviewers and anyone a registered reason names
    (such as people who may download data) must use a second factor."""
    if not user.is_authenticated:
        return False
    if is_admin(user) or is_site_facilitator(user):
        return True
    if held_roles(user) & MFA_ROLES:
        return True
    return any(reason(user) for reason in _mfa_reasons)


rules.add_perm("teams.view_dashboard", rules.is_authenticated)
# Programme pages: signed-in people pass the gate, then the object rules below decide.
rules.add_perm("teams.open_programme_pages", rules.is_authenticated)
rules.add_perm("teams.change_own_profile", rules.is_authenticated)
# Named apart from Django's own model permissions (view_programme, change_programme), which a
# group granted in admin would otherwise turn into access to every programme.
rules.add_perm("teams.access_programme", is_programme_member | is_admin)
rules.add_perm("teams.edit_programme", is_programme_facilitator | is_admin)
rules.add_perm("teams.change_team", is_programme_facilitator | is_admin)
rules.add_perm("teams.change_ways_of_working", is_programme_facilitator | is_admin)


# Office hours. Slots are public; anyone signed in may book one.
@rules.predicate
def is_booking_owner(user, booking) -> bool:
    return user.is_authenticated and booking is not None and booking.user_id == user.pk


@rules.predicate
def is_booking_facilitator(user, booking) -> bool:
    return booking is not None and is_programme_facilitator(user, booking.slot.programme)


rules.add_perm("teams.manage_office_hours", is_programme_facilitator | is_admin)
rules.add_perm("teams.view_office_hour_slot", rules.always_allow)
rules.add_perm("teams.book_office_hours", rules.is_authenticated)
rules.add_perm("teams.view_own_bookings", rules.is_authenticated)
rules.add_perm("teams.view_booking", is_booking_owner | is_booking_facilitator | is_admin)
rules.add_perm("teams.change_booking", is_booking_owner | is_admin)
rules.add_perm("teams.download_booking_calendar", is_booking_owner | is_admin)
