"""factory_boy factories, and the personas every view test signs in as.

The personas follow the house style: people in programme A with each kind of role, a VCS partner
who is not on a team, an outsider who is only in programme B, and an admin. `PERSONAS` is the
order the URL matrix lists them in.
"""

from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from tests import log_canaries

PASSWORD = "correct horse battery staple"
# Hashing with the production hasher would dominate the suite's run time.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PERSONAS = (
    "anonymous",
    "vcs_partner",  # signed up, in the VCS partner group, on no programme team
    "team_member",  # VCS partner on programme A's core team (VCS member lead)
    "analyst",
    "reviewer",  # information rights on programme A
    "facilitator",
    "staff",  # council staff, on no programme team
    "outsider",  # on programme B's team only
    "admin",
)

# Personas whose role makes the MFA middleware insist on a second factor: analysts may download
# data, so they need one as reviewers, facilitators and admins do.
MFA_PERSONAS = ("analyst", "reviewer", "facilitator", "outsider", "admin")
# Personas given an authenticator: those above, and the team member, whose organisation owns the
# data in the dataset tests (members of an owning organisation need a second factor too).
AUTHENTICATOR_PERSONAS = (*MFA_PERSONAS, "team_member")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.VCS
    verified = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    organisation_confirmed = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, names: list[SiteGroup] | None, **kwargs) -> None:
        """`UserFactory(groups=[SiteGroup.STAFF])`: the groups come from migration teams/0002."""
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=[SiteGroup(n).value for n in names]))

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """Give the user a verified primary address, as allauth's login expects (default on)."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    place = "Riverside"
    introduction = "A partnership between a council and its community."


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.DATA_ANALYST


def give_totp(user: User) -> Authenticator:
    """Activate a TOTP authenticator the way allauth's own activation flow does."""
    secret = generate_totp_secret()
    log_canaries.remember(secret)  # it must never be logged
    return TOTP.activate(user, secret).instance


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_persona(name: str, *, programme_a: Programme, programme_b: Programme) -> User | None:
    """Create one persona (None for anonymous). MFA personas get an authenticator."""
    if name == "anonymous":
        return None
    groups, memberships, extra = {
        "vcs_partner": ([SiteGroup.VCS_PARTNER], [], {}),
        "team_member": ([SiteGroup.VCS_PARTNER], [(programme_a, Role.VCS_MEMBER_LEAD)], {}),
        "analyst": ([SiteGroup.STAFF], [(programme_a, Role.DATA_ANALYST)], {}),
        "reviewer": ([SiteGroup.STAFF], [(programme_a, Role.INFORMATION_RIGHTS)], {}),
        "facilitator": ([SiteGroup.FACILITATOR], [(programme_a, Role.FACILITATOR)], {}),
        "staff": ([SiteGroup.STAFF], [], {}),
        "outsider": ([SiteGroup.STAFF], [(programme_b, Role.DATA_ANALYST)], {}),
        "admin": ([SiteGroup.ADMIN], [], {"is_staff": True, "is_superuser": True}),
    }[name]
    user = UserFactory(
        email=f"{name}@example.org",
        display_name=name.replace("_", " ").title(),
        groups=groups,
        **extra,
    )
    for programme, role in memberships:
        MembershipFactory(programme=programme, user=user, role=role)
    if name in AUTHENTICATOR_PERSONAS:
        give_totp(user)
    return user
