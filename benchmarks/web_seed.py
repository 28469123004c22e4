"""A programme as big as a busy council's after a few years, written in seconds with bulk_create.

`seed_programme(slug=..., size=Size())` adds one programme with its core team, thousands of ideas
(some scoped, scored, parked, selected and announced), office hours with their bookings, news,
scoping sessions, datasets with their findings and access log, and a project with a long
conversation. `make bench-web` loads it at full size; tests/test_list_pages.py at two small sizes,
to show every list page makes the same queries and stays under its size limit whatever the data.

Nothing here sends email or queues work: bulk_create skips signals, so the public pages' cache is
invalidated once at the end.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from itertools import cycle

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cip.public_cache import SITE, invalidate
from landing.models import NewsPost
from projects.models import (
    Criterion,
    InterestRegistration,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    Status,
)
from safety.demo import approved_check
from safety.models import ColumnFinding, Dataset, DatasetAccess, Remedy, Stage
from scoping.models import DataSource, Idea, IdeaMessage, ScopingSession, SessionInvitation
from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    Role,
    SiteGroup,
    User,
)


@dataclass(frozen=True)
class Size:
    ideas: int = 2000  # every idea is a project; `projects` of them have moved on
    projects: int = 200
    bookings: int = 5000  # ten a session, half of them past
    news: int = 500
    programmes: int = 100  # other programmes, for the home page
    people: int = 500  # VCS partners who book, propose and register interest
    conversation: int = 60  # messages and moves on the busiest project
    datasets: int = 20
    columns: int = 40  # findings in the busiest dataset (others have 10)
    accesses: int = 300  # downloads logged on the busiest dataset


@dataclass
class Seeded:
    programme: Programme
    facilitator: User
    analyst: User  # the data analyst: reads the queue, scores, opens datasets
    reviewer: User  # information rights: chooses remedies
    partner: User  # a VCS partner with many ideas and bookings, whose organisation owns data
    busy_project: Project  # selected: a long conversation, sessions, interest and datasets
    new_project: Project  # the oldest idea still at the start, which could be merged
    busy_dataset: Dataset


def _people(slug: str, count: int, organisations: list[Organisation]) -> list[User]:
    users = User.objects.bulk_create(
        User(
            email=f"partner{n}@{slug}.example",
            display_name=f"Partner {n}",
            organisation=organisation,
            organisation_confirmed=True,
            password=UNUSABLE_PASSWORD_PREFIX,  # nobody signs in as them
        )
        for n, organisation in zip(range(count), cycle(organisations), strict=False)
    )
    return users


def _person(slug: str, name: str, organisation: Organisation, group: SiteGroup, **extra) -> User:
    user = User.objects.create_user(
        email=f"{name}@{slug}.example",
        display_name=name.replace("-", " ").title(),
        organisation=organisation,
        organisation_confirmed=True,
        **extra,
    )
    user.groups.add(Group.objects.get(name=group.value))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def seed_programme(*, slug: str, size: Size = Size(), password: str | None = None) -> Seeded:  # noqa: B008
    """Add a programme called `slug` at `size`; `password` is given to its named people."""
    now = timezone.now()
    council = Organisation.objects.create(
        name=f"{slug.title()} Council", kind=Organisation.Kind.COUNCIL, verified=True
    )
    groups = Organisation.objects.bulk_create(
        Organisation(name=f"{slug.title()} Community Group {n}", verified=True)
        for n in range(max(5, size.people // 25))
    )
    programme = Programme.objects.create(
        name=f"{slug.title()} Community Insights",
        slug=slug,
        place=slug.title(),
        introduction="A partnership between the council and local community organisations.",
        lead_organisation=council,
    )
    Programme.objects.bulk_create(
        Programme(name=f"Programme {n} of {slug}", slug=f"{slug}-{n}", place=f"Place {n}")
        for n in range(size.programmes)
    )

    extra = {"password": password} if password else {}
    facilitator = _person(slug, "facilitator", council, SiteGroup.FACILITATOR, **extra)
    analyst = _person(slug, "analyst", council, SiteGroup.STAFF, **extra)
    lead = _person(slug, "delivery-lead", council, SiteGroup.STAFF, **extra)
    reviewer = _person(slug, "reviewer", council, SiteGroup.STAFF, **extra)
    partner = _person(slug, "partner", groups[0], SiteGroup.VCS_PARTNER, **extra)
    # Their roles, or their organisation's data, need a second factor (safety.rules).
    for user in (facilitator, analyst, lead, reviewer, partner):
        TOTP.activate(user, generate_totp_secret())
    Membership.objects.bulk_create(
        Membership(programme=programme, user=user, role=role, listed_publicly=True)
        for user, role in [
            (facilitator, Role.FACILITATOR),
            (analyst, Role.DATA_ANALYST),
            (lead, Role.DELIVERY_LEAD),
            (reviewer, Role.INFORMATION_RIGHTS),
            (partner, Role.VCS_MEMBER_LEAD),
        ]
    )
    people = _people(slug, size.people, groups)

    projects = _ideas(programme, size, now, partner, people, groups)
    _selection(projects, size, now, [facilitator, analyst, lead], people)
    busy = projects[0]
    _conversation(busy, size, now, facilitator, partner)
    _scoping(programme, busy, projects, size, now, facilitator, analyst)
    _office_hours(programme, size, now, facilitator, [partner, *people])
    _news(programme, size, now, facilitator)
    dataset = _datasets(busy, size, now, partner, analyst, groups[0])

    invalidate(SITE)
    return Seeded(programme, facilitator, analyst, reviewer, partner, busy, projects[-1], dataset)


def _ideas(programme, size: Size, now, partner, people, groups) -> list[Project]:
    """`size.ideas` ideas, newest first in the queue; one in ten is the partner's own."""
    proposers = cycle([partner, *people[:9]])
    ideas = Idea.objects.bulk_create(
        Idea(
            programme=programme,
            title=f"Idea {n}: who misses out on support in ward {n % 40}?",
            problem="People stop coming and nobody knows why. " * 3,
            question=f"Which residents in ward {n % 40} stop using services, and when?",
            proposer=(proposer := next(proposers)),
            proposing_organisation=proposer.organisation or groups[0],
            created_at=now - timedelta(minutes=n),
        )
        for n in range(size.ideas)
    )
    # The first `projects` ideas have moved on: a spread of statuses, the first few selected.
    moved = [Status.SCOPING, Status.EVALUATED, Status.PARKED, Status.SCOPING, Status.WITHDRAWN]
    statuses = [Status.SELECTED if n < 3 else moved[n % len(moved)] for n in range(size.projects)]
    statuses += [Status.IDEA] * (size.ideas - size.projects)
    projects = Project.objects.bulk_create(
        Project(
            idea=idea,
            status=status,
            status_changed_at=now - timedelta(minutes=n),
            announced_at=now - timedelta(days=n) if status == Status.SELECTED else None,
            public_summary="What the project finds out, and why."
            if status == Status.SELECTED
            else "",
            created_at=idea.created_at,
        )
        for n, (idea, status) in enumerate(zip(ideas, statuses, strict=True))
    )
    ProjectEvent.objects.bulk_create(
        ProjectEvent(
            project=project,
            action="submit",
            from_status=Status.IDEA,
            to_status=Status.IDEA,
            at=project.created_at,
        )
        for project in projects
    )
    # Every fifth idea has a question from the team waiting for its proposer.
    IdeaMessage.objects.bulk_create(
        IdeaMessage(idea=project.idea, kind=IdeaMessage.Kind.REQUEST, body="Which wards?")
        for project in projects[::5]
    )
    return projects


def _selection(projects, size: Size, now, team, people) -> None:
    """The core team's scores of every candidate, parked and selected project (the analyst has
    not scored every other candidate yet); members and interest for the selected ones."""
    analyst = team[1]
    scored = [p for p in projects if p.status in (Status.EVALUATED, Status.PARKED, Status.SELECTED)]
    SelectionScore.objects.bulk_create(
        SelectionScore(
            project=project,
            scorer=scorer,
            criterion=criterion,
            score=(n + len(criterion)) % 5 + 1,
            comment="Worth discussing." if criterion == Criterion.IMPACT else "",
        )
        for n, project in enumerate(scored)
        for scorer in team
        if not (scorer == analyst and project.status == Status.EVALUATED and n % 2)
        for criterion in Criterion.values
    )
    selected = [p for p in projects if p.status == Status.SELECTED]
    ProjectMember.objects.bulk_create(
        ProjectMember(
            project=project,
            name=f"Member {n}",
            email=f"member{n}@example.org",
            role="Analyst",
            expectations="Two days a month.",
            listed_publicly=True,
        )
        for project in selected
        for n in range(3)
    )
    InterestRegistration.objects.bulk_create(
        InterestRegistration(
            project=projects[0],
            user=person,
            organisation_name=str(person.organisation),
            message="We hold referral data and would like to help.",
            created_at=now - timedelta(minutes=n),
        )
        for n, person in enumerate(people[: size.people // 2])
    )


def _conversation(project, size: Size, now, facilitator, partner) -> None:
    kinds = cycle([IdeaMessage.Kind.REQUEST, IdeaMessage.Kind.REPLY, IdeaMessage.Kind.TEAM_NOTE])
    IdeaMessage.objects.bulk_create(
        IdeaMessage(
            idea=project.idea,
            author=partner if (kind := next(kinds)) == IdeaMessage.Kind.REPLY else facilitator,
            kind=kind,
            body="Thank you: here is what we know so far about the families we see. " * 4,
            created_at=now - timedelta(hours=n),
        )
        for n in range(size.conversation)
    )
    ProjectEvent.objects.bulk_create(
        ProjectEvent(
            project=project,
            action="reconsider" if n % 2 else "park",
            from_status=Status.EVALUATED if n % 2 else Status.PARKED,
            to_status=Status.PARKED if n % 2 else Status.EVALUATED,
            actor=facilitator,
            reason="The team talked it through again.",
            at=now - timedelta(hours=n),
        )
        for n in range(size.conversation)
    )


def _scoping(programme, busy, projects, size: Size, now, facilitator, analyst) -> None:
    """A past session for every idea being scoped (its question still to record), many on the
    busiest idea, and upcoming ones the analyst is invited to."""
    scoping = [p for p in projects if p.status == Status.SCOPING]
    sessions = ScopingSession.objects.bulk_create(
        [
            ScopingSession(
                idea=project.idea, starts_at=now - timedelta(days=1, hours=n), location="Room 1"
            )
            for n, project in enumerate(scoping)
        ]
        + [
            ScopingSession(idea=busy.idea, starts_at=now + timedelta(days=n - 5), location="Online")
            for n in range(size.conversation)
        ]
    )
    SessionInvitation.objects.bulk_create(
        SessionInvitation(session=session, user=analyst, role="data_specialist")
        for session in sessions
        if session.starts_at > now
    )


def _office_hours(programme, size: Size, now, facilitator, people) -> None:
    """Weekly sessions of ten places, half past (attendance still to record) and half to come,
    each booked by ten people; the partner books every one."""
    slots_count = max(2, size.bookings // 10)
    starts = [now + timedelta(days=7 * (n - slots_count // 2), hours=2) for n in range(slots_count)]
    slots = OfficeHourSlot.objects.bulk_create(
        OfficeHourSlot(
            programme=programme,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=12,
            place="Community centre, main hall",
            bookings_close_at=start - timedelta(hours=24),
            created_by=facilitator,
        )
        for start in starts
    )
    others = cycle(people[1:])
    OfficeHourBooking.objects.bulk_create(
        OfficeHourBooking(
            slot=slot,
            user=person,
            organisation=person.organisation,
            topic="Our referral data and what it could show.",
        )
        for slot in slots
        for person in [people[0], *(next(others) for _ in range(9))]
    )


def _news(programme, size: Size, now, author) -> None:
    NewsPost.objects.bulk_create(
        NewsPost(
            programme=programme,
            title=f"Update {n}: what we heard at office hours",
            slug=f"update-{n}",
            summary="What partners told us this month, and what happens next.",
            body="A longer account of the month. " * 20,
            published_at=now - timedelta(days=n, minutes=1),
            author=author,
        )
        for n in range(size.news)
    )


def _datasets(project, size: Size, now, partner, analyst, owner) -> Dataset:
    """Scanned datasets from the partner's organisation; the first with many columns and a long
    access log."""
    source = DataSource.objects.create(
        idea=project.idea,
        name="Visits spreadsheet",
        kind=DataSource.Kind.INFORMAL_TOOL,
        owner=owner,
    )
    # The analyst may open the data once the evaluation check names them (safety.rules).
    approved_check(project.idea, Stage.EVALUATION, data_source=source, analysts=[analyst])
    datasets = Dataset.objects.bulk_create(
        Dataset(
            data_source=source,
            owner=owner,
            uploaded_by=partner,
            original_filename=f"visits-{n}.csv",
            sha256=secrets.token_hex(32),
            size=120_000,
            content_type=Dataset.Format.CSV,
            status=Dataset.Status.SCANNED,
            rows=1000,
            created_at=now - timedelta(days=n),
        )
        for n in range(size.datasets)
    )
    ColumnFinding.objects.bulk_create(
        ColumnFinding(
            dataset=dataset,
            position=column,
            name=f"column_{column}",
            kind="email" if column % 3 == 0 else "text",
            pii_types=["email"] if column % 3 == 0 else [],
            matches=1000 if column % 3 == 0 else 0,
            confidence=0.98,
            suggested_action=Remedy.DROP if column % 3 == 0 else Remedy.KEEP,
            masked_examples=["j***@e******.org"] if column % 3 == 0 else [],
        )
        for n, dataset in enumerate(datasets)
        for column in range(size.columns if n == 0 else 10)
    )
    DatasetAccess.objects.bulk_create(
        DatasetAccess(
            dataset=datasets[0],
            user=analyst,
            what=DatasetAccess.What.RAW,
            purpose="Checking the counts before the workshop.",
            at=now - timedelta(hours=n),
        )
        for n in range(size.accesses)
    )
    return datasets[0]
