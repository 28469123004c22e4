"""Demo of insights to actions for `manage.py seed_demo`.

On Camden's published food-bank insight: three registrations of interest, an actions meeting next
month, the facilitator's action pack, and two actions whose owners agreed to show them publicly,
each with progress notes, so the insight's public page shows what changed. Safe to run again: it
only adds what is missing. Sends no email (nobody is invited to the meeting here).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from projects.models import (
    Action,
    ActionInterest,
    ActionPack,
    ActionProgress,
    ActionsMeeting,
    Insight,
)
from teams.models import Organisation, Programme, User

INTEREST = [
    (
        "partner@foodbank.example",
        "Northgate Community Food Bank",
        "Open on Saturday mornings in the wards where most families stop visiting.",
        "Our volunteers are free on Tuesday evenings.",
    ),
    (
        "communities@refugee-network.example",
        "Welcome Refugee Network",
        "Tell newly arrived families about the food bank in their own languages.",
        "",
    ),
    (
        "delivery-lead@camden.example",
        "Camden Council",
        "Add a food bank referral to the cost-of-living support line's script.",
        "",
    ),
]

# (owner, title, due in days, status, [(days ago, progress note)])
ACTIONS = [
    (
        "Northgate Community Food Bank",
        "Open on Saturday mornings for working families",
        45,
        Action.Status.IN_PROGRESS,
        [
            (40, "Agreed with the church hall to open 9am to 12pm on Saturdays from next month."),
            (12, "Four Saturday openings held so far: 63 households came, 21 of them new to us."),
        ],
    ),
    (
        "Camden Council",
        "Refer callers to the food bank from the cost-of-living support line",
        -5,
        Action.Status.DONE,
        [
            (30, "Referral question drafted with the food bank and tested with two call handlers."),
            (6, "Every call handler now offers a food bank referral; 48 referrals in two weeks."),
        ],
    ),
]

PROMPTS = """## Before the meeting

Read the insight, and bring one thing your organisation could change within three months.

## At the meeting

* Who meets the families who stop visiting, and when?
* What would make it easier for them to come back?
* Which action could start next month, and who owns it?
* What would tell us, in six months, that it worked?
"""

ROUTES = """* **Camden Community Fund**: small grants up to £5,000 for local food projects.
* **National Lottery Awards for All**: £300 to £20,000 for community projects.
* **Partnership with the council's cost-of-living team**: referrals and shared outreach.
"""


def seed_actions(programmes: dict[str, Programme]) -> None:
    """Interest, a meeting, an action pack and two public actions on Camden's insight."""
    insight = (
        Insight.objects.published()
        .filter(programme=programmes.get("camden"))
        .select_related("project")
        .first()
    )
    if insight is None:
        return
    people = {u.email: u for u in User.objects.filter(email__in=[i[0] for i in INTEREST])}
    facilitator = User.objects.filter(email="facilitator@camden.example").first()
    now = timezone.now()
    with transaction.atomic():
        for email, organisation, what, note in INTEREST:
            if email in people:
                ActionInterest.objects.get_or_create(
                    insight=insight,
                    user=people[email],
                    defaults={"organisation_name": organisation, "what": what, "note": note},
                )
        if not insight.project.actions_meetings.exists():
            starts = (now + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
            ActionsMeeting.objects.create(
                project=insight.project,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place="Committee Room 2, Camden Town Hall, Judd Street, London WC1H 9JE",
                created_by=facilitator,
            )
        ActionPack.objects.get_or_create(
            project=insight.project,
            defaults={"prompts": PROMPTS, "routes": ROUTES, "updated_by": facilitator},
        )
        for owner_name, title, due_in, status, notes in ACTIONS:
            owner = Organisation.objects.filter(name=owner_name).first()
            if owner is None or insight.actions.filter(title=title).exists():
                continue
            author = User.objects.filter(organisation=owner, organisation_confirmed=True).first()
            action = Action.objects.create(
                insight=insight,
                owner=owner,
                title=title,
                due_date=timezone.localdate() + timedelta(days=due_in),
                status=status,
                public=True,
                public_agreed_by=author,
                public_agreed_at=now - timedelta(days=45),
                created_by=facilitator,
                created_at=now - timedelta(days=50),
            )
            for days_ago, text in notes:
                ActionProgress.objects.create(
                    action=action, author=author, text=text, at=now - timedelta(days=days_ago)
                )
