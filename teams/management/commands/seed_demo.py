"""Demo data for trying the product: two programmes, their organisations and one person per role.

Safe to run again: it only adds what is missing. It refuses to run with DEBUG off (unless --force),
because every demo account shares a published password.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from teams.models import Membership, Organisation, Programme, Role, SiteGroup, User
from teams.office_hours_demo import seed_office_hours
from teams.rules import requires_mfa

# Published in the README on purpose; the command refuses to run with DEBUG off.
DEMO_PASSWORD = "insights-demo-2020"  # noqa: S105

CAMDEN = "camden"
CENTRAL_BEDFORDSHIRE = "central-bedfordshire"

Kind = Organisation.Kind
# (name, kind, website). The councils are the guide's two trial partners; the rest are invented.
ORGANISATIONS = [
    ("Camden Council", Kind.COUNCIL, "https://www.camden.gov.uk"),
    ("Central Bedfordshire Council", Kind.COUNCIL, "https://www.centralbedfordshire.gov.uk"),
    ("Northgate Community Food Bank", Kind.VCS, ""),
    ("Ivel Valley Advice Service", Kind.VCS, ""),
    ("Open Door Mental Health", Kind.VCS, ""),
    ("Welcome Refugee Network", Kind.VCS, ""),
    ("Riverside Community Health NHS Trust", Kind.PUBLIC_BODY, ""),
]

PROGRAMMES = [
    {
        "slug": CAMDEN,
        "name": "Camden Community Insights",
        "place": "London Borough of Camden",
        "lead": "Camden Council",
        "introduction": (
            "Camden has analysts, plenty of data and a vocal voluntary sector full of ideas, but "
            "partners do not yet fully trust the council to act on what they bring. Here the "
            "council's job is to show up and deliver: questions come from community groups, the "
            "analysis happens in the open, and partners help decide what is done with the "
            "findings, working alongside neighbouring London boroughs where that helps."
        ),
    },
    {
        "slug": CENTRAL_BEDFORDSHIRE,
        "name": "Central Bedfordshire Community Insights",
        "place": "Central Bedfordshire",
        "lead": "Central Bedfordshire Council",
        "introduction": (
            "A largely rural area where the council and local charities already know and trust "
            "each other but have few people to spare for data work. Questions often start with "
            "partners who keep good records of their own, analysis is shared with neighbouring "
            "public bodies, and town and parish councils help gather information and carry the "
            "findings back to residents."
        ),
    },
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    organisation: str | None
    who: str
    groups: tuple[SiteGroup, ...] = ()
    superuser: bool = False
    roles: tuple[tuple[str, Role], ...] = field(default_factory=tuple)


DEMO_USERS = [
    DemoUser(
        "admin@insights.example",
        "Amira Okafor",
        None,
        "Admin: people, organisations and programmes (/admin/)",
        groups=(SiteGroup.ADMIN,),
        superuser=True,
    ),
    DemoUser(
        "facilitator@camden.example",
        "Fiona Walsh",
        "Camden Council",
        "Facilitator, Camden",
        groups=(SiteGroup.FACILITATOR,),
        roles=((CAMDEN, Role.FACILITATOR),),
    ),
    DemoUser(
        "facilitator@centralbedfordshire.example",
        "Tom Bright",
        "Central Bedfordshire Council",
        "Facilitator, Central Bedfordshire",
        groups=(SiteGroup.FACILITATOR,),
        roles=((CENTRAL_BEDFORDSHIRE, Role.FACILITATOR),),
    ),
    DemoUser(
        "delivery-lead@camden.example",
        "Dev Sharma",
        "Camden Council",
        "Delivery lead, Camden",
        groups=(SiteGroup.STAFF,),
        roles=((CAMDEN, Role.DELIVERY_LEAD),),
    ),
    DemoUser(
        "analyst@camden.example",
        "Sara Lind",
        "Camden Council",
        "Data analyst, Camden",
        groups=(SiteGroup.STAFF,),
        roles=((CAMDEN, Role.DATA_ANALYST),),
    ),
    DemoUser(
        "legal@camden.example",
        "Kwame Mensah",
        "Camden Council",
        "Contracts and legal, Camden",
        groups=(SiteGroup.STAFF,),
        roles=((CAMDEN, Role.CONTRACTS_AND_LEGAL),),
    ),
    DemoUser(
        "information-rights@camden.example",
        "Rachel Stone",
        "Camden Council",
        "Information-rights reviewer, Camden",
        groups=(SiteGroup.STAFF,),
        roles=((CAMDEN, Role.INFORMATION_RIGHTS),),
    ),
    DemoUser(
        "communities@refugee-network.example",
        "Yusuf Haddad",
        "Welcome Refugee Network",
        "Communities representative, Camden",
        groups=(SiteGroup.VCS_PARTNER,),
        roles=((CAMDEN, Role.COMMUNITIES_REPRESENTATIVE),),
    ),
    DemoUser(
        "lead@advice.example",
        "Helen Carter",
        "Ivel Valley Advice Service",
        "VCS member lead, Central Bedfordshire",
        groups=(SiteGroup.VCS_PARTNER,),
        roles=((CENTRAL_BEDFORDSHIRE, Role.VCS_MEMBER_LEAD),),
    ),
    DemoUser(
        "advisory@mental-health.example",
        "Priya Nair",
        "Open Door Mental Health",
        "Advisory panel, Central Bedfordshire",
        groups=(SiteGroup.VCS_PARTNER,),
        roles=((CENTRAL_BEDFORDSHIRE, Role.ADVISORY_PANEL),),
    ),
    DemoUser(
        "data-specialist@nhs-trust.example",
        "Owen Price",
        "Riverside Community Health NHS Trust",
        "External data specialist, Central Bedfordshire",
        groups=(SiteGroup.STAFF,),
        roles=((CENTRAL_BEDFORDSHIRE, Role.EXTERNAL_DATA_SPECIALIST),),
    ),
    DemoUser(
        "staff@centralbedfordshire.example",
        "Grace Adeyemi",
        "Central Bedfordshire Council",
        "Council staff, on no team",
        groups=(SiteGroup.STAFF,),
    ),
    DemoUser(
        "partner@foodbank.example",
        "Leo Murphy",
        "Northgate Community Food Bank",
        "VCS partner, on no team",
        groups=(SiteGroup.VCS_PARTNER,),
    ),
]

# Each programme's demo office hours: (facilitator who runs them, VCS partners who booked).
OFFICE_HOURS = {
    CAMDEN: (
        "facilitator@camden.example",
        ["partner@foodbank.example", "communities@refugee-network.example"],
    ),
    CENTRAL_BEDFORDSHIRE: (
        "facilitator@centralbedfordshire.example",
        ["lead@advice.example", "advisory@mental-health.example"],
    ),
}


class Command(BaseCommand):
    help = "Add demo programmes, organisations and one sign-in per role (development only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts share a published password.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add demo accounts with DEBUG off: they share a published password. "
                "Use --force if this really is a demonstration site."
            )
        with transaction.atomic():
            created = self._seed()
        self._print_sign_ins(created)

    def _seed(self) -> set[str]:
        """Add whatever is missing; return the emails of the accounts created this time."""
        organisations = {}
        for name, kind, website in ORGANISATIONS:
            organisations[name], _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "website": website, "verified": True}
            )
        programmes = {}
        for spec in PROGRAMMES:
            programmes[spec["slug"]], _ = Programme.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "place": spec["place"],
                    "introduction": spec["introduction"],
                    "lead_organisation": organisations[spec["lead"]],
                },
            )
        groups = {group.name: group for group in Group.objects.all()}
        created = set()
        for demo in DEMO_USERS:
            user, is_new = User.objects.get_or_create(
                email=demo.email,
                defaults={
                    "display_name": demo.display_name,
                    "organisation": organisations.get(demo.organisation),
                    "is_staff": demo.superuser,
                    "is_superuser": demo.superuser,
                },
            )
            if is_new:
                # Only new accounts get the demo password: a changed one is left alone.
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created.add(demo.email)
            have = set(user.groups.values_list("name", flat=True))
            missing = [groups[group.value] for group in demo.groups if group.value not in have]
            if missing:
                # Only when needed: adding a group the user has still writes an audit entry.
                user.groups.add(*missing)
            _verify_email(user)
            for slug, role in demo.roles:
                Membership.objects.get_or_create(
                    programme=programmes[slug], user=user, role=role, ended_at=None
                )
        for slug, (facilitator, bookers) in OFFICE_HOURS.items():
            seed_office_hours(
                programmes[slug],
                User.objects.get(email=facilitator),
                list(User.objects.filter(email__in=bookers).order_by("email")),
            )
        return created

    def _print_sign_ins(self, created: set[str]) -> None:
        write = self.stdout.write
        write(f"Demo data ready: {len(created)} new account(s). Sign in at /accounts/login/ with:")
        write("")
        width = max(len(demo.email) for demo in DEMO_USERS)
        write(f"  {'Email':<{width}}  {'Password':<{len(DEMO_PASSWORD)}}  Who")
        users = {user.email: user for user in User.objects.filter(email__in=_demo_emails())}
        for demo in DEMO_USERS:
            mark = " *" if requires_mfa(users[demo.email]) else ""
            write(f"  {demo.email:<{width}}  {DEMO_PASSWORD}  {demo.who}{mark}")
        write("")
        write(
            "* Asked to set up two-factor authentication (an authenticator app) at first sign-in: "
            "admins, facilitators and information-rights reviewers."
        )
        if len(created) < len(DEMO_USERS):
            write("Accounts that already existed keep whatever password they have now.")


def _demo_emails() -> list[str]:
    return [demo.email for demo in DEMO_USERS]


def _verify_email(user: User) -> None:
    """Give the account a verified primary address so it can sign in straight away."""
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
