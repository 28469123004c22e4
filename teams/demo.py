"""Demo people and programmes for `manage.py seed_demo`: two programmes modelled on the guide's
trial councils, their organisations, one person per role, their team details and office hours.

Safe to run again: it only adds what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from teams.models import (
    Membership,
    Organisation,
    Programme,
    Role,
    SiteGroup,
    User,
    WaysOfWorking,
)
from teams.office_hours_demo import seed_office_hours

# Published in the README on purpose; seed_demo refuses to run with DEBUG off.
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
        "External data specialist, Central Bedfordshire and Camden (switches programme)",
        groups=(SiteGroup.STAFF,),
        roles=(
            (CENTRAL_BEDFORDSHIRE, Role.EXTERNAL_DATA_SPECIALIST),
            (CAMDEN, Role.EXTERNAL_DATA_SPECIALIST),
        ),
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

# What each person tells the team about themselves, the days they have committed a project, and
# whether they agreed to be named on the public page.
TEAM_DETAILS = {
    "facilitator@camden.example": (
        "Independent facilitator. I have run data projects with councils and charities for ten "
        "years, and my job is to make sure every voice in the room is heard.",
        "Agile delivery, workshop facilitation, a working knowledge of data protection",
        22,
        True,
    ),
    "delivery-lead@camden.example": (
        "I manage delivery for Camden's data and insight team.",
        "Planning, unblocking, and knowing who to ask in the council",
        16,
        True,
    ),
    "analyst@camden.example": (
        "Analyst in the council's insight team, mostly housing and benefits data.",
        "SQL, Python and a long memory for what the council already collects",
        8,
        False,
    ),
    "communities@refugee-network.example": (
        "I coordinate volunteers at the Welcome Refugee Network and sit on two local forums.",
        "Trusted relationships with community groups that rarely talk to the council",
        4,
        True,
    ),
    "facilitator@centralbedfordshire.example": (
        "Facilitator for the Central Bedfordshire programme, working three days a week.",
        "Running workshops in village halls as well as online",
        20,
        True,
    ),
    "lead@advice.example": (
        "I manage the advice service's caseworkers across the Ivel Valley.",
        "Ten years of anonymised case records and a team keen to use them",
        7,
        True,
    ),
    "advisory@mental-health.example": (
        "Service manager at Open Door, a mental-health charity for young people.",
        "Knowledge of safeguarding and of how young people describe what they need",
        3,
        False,
    ),
}

WAYS_OF_WORKING = {
    CAMDEN: {
        "meeting_frequency": "A 30-minute stand-up every Tuesday and a show and tell every other "
        "Thursday",
        "channels": "Email for decisions, a shared chat for quick questions, and the programme "
        "workspace for anything the whole team should see",
        "target_timelines": "Office hours through January, scoping sessions in February, a "
        "project selected by early March",
        "time_needed": "Analysts mostly from March. VCS leads for two hours a week during "
        "scoping. The advisory panel for two workshops.",
    },
}

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


def seed() -> tuple[dict[str, Programme], set[str]]:
    """Add whatever is missing; return the programmes and the emails of new accounts."""
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
                "organisation_confirmed": demo.organisation is not None,
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
    _seed_team_details()
    for slug, agreement in WAYS_OF_WORKING.items():
        facilitator = Membership.objects.filter(
            programme=programmes[slug], role=Role.FACILITATOR
        ).first()
        WaysOfWorking.objects.get_or_create(
            programme=programmes[slug],
            defaults=agreement | {"updated_by": facilitator and facilitator.user},
        )
    for slug, (facilitator, bookers) in OFFICE_HOURS.items():
        seed_office_hours(
            programmes[slug],
            User.objects.get(email=facilitator),
            list(User.objects.filter(email__in=bookers).order_by("email")),
        )
    return programmes, created


def _seed_team_details() -> None:
    """Introductions, committed days and public listing, only where nobody has set them yet."""
    for email, (introduction, brings, days, listed) in TEAM_DETAILS.items():
        user = User.objects.get(email=email)
        if not user.introduction:
            user.introduction, user.what_they_bring = introduction, brings
            user.save(update_fields=["introduction", "what_they_bring"])
        user.memberships.active().filter(committed_days__isnull=True).update(
            committed_days=days, listed_publicly=listed
        )


def demo_emails() -> list[str]:
    return [demo.email for demo in DEMO_USERS]


def _verify_email(user: User) -> None:
    """Give the account a verified primary address so it can sign in straight away."""
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
