"""Demo ideas and their scoping for `manage.py seed_demo`.

Per programme: one idea scoped all the way (a held session with its invitations, preparation,
answers and refined question; several data sources of different kinds; suggested skills, each
filled; a complete, shared evaluation summary), and a second idea mid-scoping (a session in the
diary with a role nobody fills yet, and a skill nobody fills). The first idea's VCS-owned source
is what `safety.demo` uploads a synthetic export for. Sends no email; safe to run again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from scoping import services
from scoping.models import (
    DataSource,
    EvaluationSummary,
    Idea,
    ProgrammeDataSet,
    ScopingSession,
    SessionInvitation,
    SessionRole,
    SkillNeed,
)
from scoping.queries import core_team_users
from teams.models import Organisation, Programme, User
from teams.services import LONDON

Kind = DataSource.Kind

IDEAS = {
    "camden": (
        "Who stops coming to the food bank, and why?",
        "Northgate Community Food Bank",
        "Food bank visits export",
    ),
    "central-bedfordshire": (
        "Which villages miss out on debt advice?",
        "Ivel Valley Advice Service",
        "Advice case records",
    ),
}

# The fully scoped idea of each programme: who proposed it, who came in which role, and what the
# session produced.
SCOPED = {
    "camden": {
        "proposer": "partner@foodbank.example",
        "question": "Why do regular visitors stop coming, and are they better off when they do?",
        "invitations": [
            ("facilitator@camden.example", SessionRole.FACILITATOR),
            ("partner@foodbank.example", SessionRole.PROPOSER),
            ("analyst@camden.example", SessionRole.DATA_SPECIALIST),
            ("communities@refugee-network.example", SessionRole.SUBJECT_EXPERT),
            ("delivery-lead@camden.example", SessionRole.OTHER),
        ],
        "location": "Camden Town Hall, Committee Room 2",
        "prep_existing_work": "The council's cost-of-living dashboard counts food bank referrals "
        "but not what happens after. A neighbouring borough surveyed people leaving its "
        "emergency food scheme last year.",
        "prep_known_datasets": "The food bank's visit spreadsheet (three years, one row a visit). "
        "The council's case-management system holds crisis-fund awards; the analyst team can "
        "run an extract.",
        "answers": {
            "decisions_informed": "Where the food bank's outreach volunteers spend their time, "
            "and whether the council refers people to advice sooner.",
            "what_we_know": "About a third of people stop within two months. Volunteers think "
            "many found work; some say the opening hours do not suit shift workers.",
            "hypotheses": "Families with children stop when school holidays end. People moved "
            "out of the borough by temporary housing stop because of the journey.",
            "pain_point": "Nobody knows whether stopping is good news or someone falling "
            "through the gaps.",
            "better_off": "Households who stop visiting while still in crisis should be "
            "reached by advice services within a month.",
            "who_could_act": "Outreach volunteers could call people at risk; council welfare "
            "officers could offer a benefits check.",
        },
        "refined_question": "Which households stop visiting the food bank while still in "
        "financial crisis, and how could we reach them within a month?",
        "sources": [
            ("ONS health and social care data sets", Kind.OPEN_DATA, None, False),
            ("Volunteer notebooks at the distribution desk", Kind.PAPER, "vcs", True),
            ("Short exit survey of people who stop visiting", Kind.NEW_COLLECTION, None, True),
        ],
        "fillers": {
            "knows_the_data": "partner@foodbank.example",
            "system_admin": "analyst@camden.example",
            "subject_expert": "communities@refugee-network.example",
            "data_mining": "Camden data science apprentice",
            "data_cleaning": "analyst@camden.example",
            "collection_design": "Open Door research volunteer",
            "researcher": "delivery-lead@camden.example",
        },
        "evaluation": (
            "The council's cost-of-living dashboard and a neighbouring borough's exit survey: "
            "the project can reuse the survey's questions.",
            "An extract from the council case-management system (the analyst team), and a "
            "volunteer to design and run the exit survey.",
            "The visit spreadsheet holds names, phone numbers and free-text notes about "
            "families. A sharing agreement is needed before analysts see it; a redacted copy "
            "without names and notes would still answer the question.",
        ),
        "second": {
            "title": "Are refugee families missing out on school holiday activities?",
            "proposer": "communities@refugee-network.example",
            "organisation": "Welcome Refugee Network",
            "question": "How many refugee children take up free holiday activities, and what "
            "stops the others?",
            "invitations": [
                ("facilitator@camden.example", SessionRole.FACILITATOR),
                ("communities@refugee-network.example", SessionRole.PROPOSER),
                ("analyst@camden.example", SessionRole.DATA_SPECIALIST),
            ],
            "location": "https://meet.example.org/holiday-activities-scoping",
            "source": ("Holiday club sign-up spreadsheet", Kind.INFORMAL_TOOL, True),
        },
    },
    "central-bedfordshire": {
        "proposer": "lead@advice.example",
        "question": "Where are people in debt who never reach advice?",
        "invitations": [
            ("facilitator@centralbedfordshire.example", SessionRole.FACILITATOR),
            ("lead@advice.example", SessionRole.PROPOSER),
            ("data-specialist@nhs-trust.example", SessionRole.DATA_SPECIALIST),
            ("advisory@mental-health.example", SessionRole.SUBJECT_EXPERT),
        ],
        "location": "Ampthill Village Hall",
        "prep_existing_work": "Citizens Advice publishes debt-advice demand by local authority; "
        "the parish councils ran a cost-of-living survey in two villages.",
        "prep_known_datasets": "Ten years of the advice service's case records, anonymised on "
        "export. Council Tax arrears by parish from the council's revenues system.",
        "answers": {
            "decisions_informed": "Where the advice service runs its outreach sessions, and "
            "which parish councils it asks to share leaflets.",
            "what_we_know": "Most clients come from the three market towns. Caseworkers rarely "
            "see anyone from the smallest villages.",
            "hypotheses": "Villages without a bus route are under-served. Older residents use "
            "family rather than advice services.",
            "pain_point": "People arrive in crisis, months after the debt started.",
            "better_off": "Residents of small villages should get advice before enforcement "
            "action starts.",
            "who_could_act": "Parish clerks could point people to outreach sessions; the "
            "advice service could move its van's route.",
        },
        "refined_question": "Which villages have high Council Tax arrears but few advice "
        "clients, and where should outreach go first?",
        "sources": [
            ("UK Data Service collections", Kind.OPEN_DATA, None, False),
            ("Parish council cost-of-living survey", Kind.OTHER_TEAMS, None, True),
            ("Caseworker interviews about rural clients", Kind.QUALITATIVE, "vcs", True),
        ],
        "fillers": {
            "knows_the_data": "lead@advice.example",
            "system_admin": "Revenues system administrator, Central Bedfordshire Council",
            "subject_expert": "advisory@mental-health.example",
            "data_mining": "data-specialist@nhs-trust.example",
            "data_cleaning": "data-specialist@nhs-trust.example",
            "collection_design": "facilitator@centralbedfordshire.example",
            "researcher": "data-specialist@nhs-trust.example",
        },
        "evaluation": (
            "Citizens Advice's published demand figures give a county-wide baseline; the parish "
            "survey covers two villages.",
            "A revenues system administrator for the arrears extract; a caseworker to explain "
            "the case-record codes.",
            "Case records are anonymised on export but keep full postcodes: small villages may "
            "need postcodes reduced to the district before sharing.",
        ),
        "second": {
            "title": "How do young people find mental-health support in rural areas?",
            "proposer": "advisory@mental-health.example",
            "organisation": "Open Door Mental Health",
            "question": "Where do young people in villages look for help first, and how long "
            "before they reach a service?",
            "invitations": [
                ("facilitator@centralbedfordshire.example", SessionRole.FACILITATOR),
                ("advisory@mental-health.example", SessionRole.PROPOSER),
            ],
            "location": "https://meet.example.org/young-people-scoping",
            "source": ("Open Door referral forms", Kind.PAPER, True),
        },
    },
}


def seed_ideas(programmes: dict[str, Programme]) -> list[DataSource]:
    """Add an idea and its data sources per programme if missing; return the VCS-owned sources."""
    sources = []
    for slug, programme in programmes.items():
        if slug not in IDEAS:
            continue
        title, owner_name, source_name = IDEAS[slug]
        owner = Organisation.objects.filter(name=owner_name).first()
        idea, _ = Idea.objects.get_or_create(
            programme=programme,
            title=title,
            defaults={
                "problem": "A question a partner brought to office hours.",
                "proposing_organisation": owner,
            },
        )
        source, _ = DataSource.objects.get_or_create(
            idea=idea,
            name=source_name,
            defaults={"kind": DataSource.Kind.INFORMAL_TOOL, "owner": owner},
        )
        lead = programme.lead_organisation
        DataSource.objects.get_or_create(
            idea=idea,
            name="Council case-management extract",
            defaults={"kind": DataSource.Kind.DIGITAL_SYSTEM, "owner": lead},
        )
        sources.append(source)
    return sources


@transaction.atomic
def seed_scoping(programmes: dict[str, Programme]) -> None:
    """Scope the first idea of each programme fully and start a second one (only once)."""
    seed_ideas(programmes)
    _seed_public_data(programmes)
    people = {user.email: user for user in User.objects.all()}
    for slug, programme in programmes.items():
        if slug not in SCOPED:
            continue
        plan = SCOPED[slug]
        idea = Idea.objects.get(programme=programme, title=IDEAS[slug][0])
        _scope_fully(idea, plan, people)
        _start_scoping(programme, plan["second"], people)


# Published data a programme suggests for its own ideas, beside everyone's (scoping.public_data).
PROGRAMME_DATA = {
    "camden": {
        "name": "Camden Open Data",
        "publisher": "London Borough of Camden",
        "holds": "The council's published data: ward profiles, housing, community safety, street "
        "works and more.",
        "kind": "Open data portal, by ward",
        "licence": "Open Government Licence v3.0",
        "url": "https://opendata.camden.gov.uk/",
    },
}


def _seed_public_data(programmes: dict[str, Programme]) -> None:
    for slug, data_set in PROGRAMME_DATA.items():
        ProgrammeDataSet.objects.get_or_create(
            programme=programmes[slug], name=data_set["name"], defaults=data_set
        )


def _at(days: int, hour: int) -> datetime:
    """`hour` o'clock UK time, `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _invite(session: ScopingSession, invitations, people, invited_by: User | None) -> None:
    for email, role in invitations:
        if email in people:
            SessionInvitation.objects.get_or_create(
                session=session,
                user=people[email],
                role=role,
                defaults={"invited_by": invited_by, "emailed_at": timezone.now()},
            )


def _scope_fully(idea: Idea, plan: dict, people: dict[str, User]) -> None:
    if idea.proposer is None and plan["proposer"] in people:
        idea.proposer = people[plan["proposer"]]
        idea.question = idea.question or plan["question"]
        idea.save(update_fields=["proposer", "question", "updated_at"])
    if idea.scoping_sessions.exists():
        return  # scoped on an earlier run: leave whatever people have changed since
    facilitator = people.get(plan["invitations"][0][0])
    session = ScopingSession.objects.create(
        idea=idea,
        starts_at=_at(-21, 10),
        duration_minutes=90,
        location=plan["location"],
        prep_existing_work=plan["prep_existing_work"],
        prep_known_datasets=plan["prep_known_datasets"],
        created_by=facilitator,
        **plan["answers"],
    )
    _invite(session, plan["invitations"], people, facilitator)
    idea.refined_question = plan["refined_question"]
    idea.save(update_fields=["refined_question", "updated_at"])

    for name, kind, owner, personal in plan["sources"]:
        DataSource.objects.get_or_create(
            idea=idea,
            name=name,
            defaults={
                "kind": kind,
                "owner": idea.proposing_organisation if owner == "vcs" else None,
                "may_hold_personal_data": personal,
            },
        )
    services.skills_add_suggested(idea=idea)
    # As the skills form allows: someone on the core team, or anyone else by name.
    core_team = set(core_team_users(idea.programme))
    for need in SkillNeed.objects.filter(idea=idea):
        filler = plan["fillers"].get(need.skill)
        if people.get(filler) in core_team:
            need.filled_by = people[filler]
        elif filler in people:
            person = people[filler]
            need.filled_by_name = ", ".join(
                str(part) for part in (person, person.organisation) if part
            )
        elif filler:
            need.filled_by_name = filler
        need.save(update_fields=["filled_by", "filled_by_name"])

    existing_work, people_and_skills, data_safety = plan["evaluation"]
    evaluation, created = EvaluationSummary.objects.get_or_create(
        idea=idea,
        defaults={
            "existing_work": existing_work,
            "people_and_skills": people_and_skills,
            "data_safety": data_safety,
            "updated_by": facilitator,
        },
    )
    if created:  # written a week ago and shared the same day (auto_now stamps today)
        written = timezone.now() - timedelta(days=7)
        EvaluationSummary.objects.filter(pk=evaluation.pk).update(
            updated_at=written, shared_at=written + timedelta(hours=1)
        )


def _start_scoping(programme: Programme, plan: dict, people: dict[str, User]) -> None:
    idea, created = Idea.objects.get_or_create(
        programme=programme,
        title=plan["title"],
        defaults={
            "problem": "Raised at office hours by a community partner.",
            "question": plan["question"],
            "proposer": people.get(plan["proposer"]),
            "proposing_organisation": Organisation.objects.filter(
                name=plan["organisation"]
            ).first(),
        },
    )
    if not created:
        return
    facilitator = people.get(plan["invitations"][0][0])
    session = ScopingSession.objects.create(
        idea=idea,
        starts_at=_at(10, 14),
        duration_minutes=90,
        location=plan["location"],
        created_by=facilitator,
    )
    _invite(session, plan["invitations"], people, facilitator)
    name, kind, personal = plan["source"]
    DataSource.objects.create(
        idea=idea,
        name=name,
        kind=kind,
        owner=idea.proposing_organisation,
        may_hold_personal_data=personal,
    )
    services.skills_add_suggested(idea=idea)
