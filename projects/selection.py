"""Selection: scoring candidates, ranking them, the decision, the project team, the public
announcement and registrations of interest.

Candidates are a programme's evaluated projects. Each core-team member scores each one against
every `Criterion` from 1 (weak) to 5 (strong); the comparison ranks candidates by the mean of the
scorers' totals and shows how far the scores spread. The facilitator then selects one and parks
the others, through `projects.services.project_transition` (the only way a status changes).

Reads are plain functions over a fixed number of queries; writes are keyword-only services that
queue their emails after commit. Each email claims its row first, so a task run twice sends once.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, FloatField, Prefetch, QuerySet, Sum, Window
from django.db.models.functions import Rank
from django.urls import reverse
from django.utils import timezone

from cip.emails import absolute_url, send_templated
from projects.emails import facilitator_emails
from projects.models import (
    UNDER_WAY,
    Criterion,
    InterestRegistration,
    Project,
    ProjectMember,
    SelectionScore,
    Status,
)
from projects.services import project_transition
from scoping.queries import core_team_users
from teams.models import Organisation, Programme, User

SCORES = range(1, 6)
# Selected and parked projects stay in the comparison, apart, for reference.
FOR_REFERENCE = (Status.SELECTED, Status.PARKED)
# Scores for one criterion this far apart (1 and 4, say) are worth talking about before deciding.
WIDE_SPREAD = 3


class ScoringClosed(Exception):
    """The project is not a candidate (any more), so its scores cannot change."""


class NotUnderWay(Exception):
    """The project has not been selected, so it has no team to invite to or announce."""


class AlreadyOnTeam(Exception):
    """Someone with this email address is already on the project team."""


class AlreadyRegistered(Exception):
    """This person has already registered interest in the project."""


# --- Ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSummary:
    criterion: Criterion
    mean: float | None
    low: int | None
    high: int | None

    @property
    def label(self) -> str:
        return self.criterion.label

    @property
    def wide(self) -> bool:
        return self.low is not None and self.high - self.low >= WIDE_SPREAD


@dataclass(frozen=True)
class ScoreComment:
    scorer: str
    criterion: str
    text: str


@dataclass
class CandidateSummary:
    """One candidate's scores, summarised for the comparison table."""

    project: Project
    criteria: list[CriterionSummary]
    totals: list[int]  # one per scorer: the sum of their scores over the criteria
    scored_by: list[User]  # core-team members who have scored it
    not_scored: list[User]  # core-team members who have not
    rank: int | None = None
    comments: list[ScoreComment] = field(default_factory=list)  # filled by `compare`

    @property
    def mean_total(self) -> float | None:
        return statistics.fmean(self.totals) if self.totals else None

    @property
    def low_total(self) -> int | None:
        return min(self.totals, default=None)

    @property
    def high_total(self) -> int | None:
        return max(self.totals, default=None)

    @property
    def stdev(self) -> float | None:
        """The population standard deviation of the totals (0 for a single scorer)."""
        return statistics.pstdev(self.totals) if self.totals else None

    @property
    def disagreement(self) -> list[CriterionSummary]:
        """The criteria whose scores spread widely."""
        return [summary for summary in self.criteria if summary.wide]

    @property
    def team_size(self) -> int:
        return len(self.scored_by) + len(self.not_scored)

    @property
    def former_scorers(self) -> int:
        """Scorers who have since left the core team: their scores still count."""
        return len(self.totals) - len(self.scored_by)


MAX_TOTAL = len(Criterion) * max(SCORES)


def summarise(
    project: Project, scores: Iterable[tuple[int, str, int]], team: list[User]
) -> CandidateSummary:
    """Summarise one candidate's scores, given as (scorer id, criterion, score) triples, against
    the programme's current core team (no queries)."""
    by_criterion: dict[str, list[int]] = defaultdict(list)
    totals: dict[int, int] = defaultdict(int)
    for scorer_id, criterion, score in scores:
        by_criterion[criterion].append(score)
        totals[scorer_id] += score
    criteria = []
    for criterion in Criterion:
        values = by_criterion.get(criterion.value, [])
        criteria.append(
            CriterionSummary(
                criterion=criterion,
                mean=statistics.fmean(values) if values else None,
                low=min(values, default=None),
                high=max(values, default=None),
            )
        )
    return CandidateSummary(
        project=project,
        criteria=criteria,
        totals=list(totals.values()),
        scored_by=[person for person in team if person.pk in totals],
        not_scored=[person for person in team if person.pk not in totals],
    )


def ranked(projects: QuerySet[Project]) -> QuerySet[Project]:
    """`projects` best first: by mean total score, unscored last, then by title. Each carries
    `mean_total` (None while unscored) and `place`, its rank among all of them (shared on a tie),
    so a page of them keeps its ranks. One query.

    A scorer's total is the sum of their scores, so the mean of the totals is the sum of every
    score over the number of scorers.
    """
    mean_total = Sum("scores__score", output_field=FloatField()) / Count(
        "scores__scorer", distinct=True
    )
    best_first = F("mean_total").desc(nulls_last=True)
    return (
        projects.annotate(mean_total=mean_total)
        .annotate(place=Window(Rank(), order_by=best_first))
        .select_related("idea")
        .order_by(best_first, "idea__title", "pk")
    )


def candidates(programme: Programme) -> QuerySet[Project]:
    """The projects waiting for the decision, ranked."""
    return ranked(Project.objects.in_programme(programme).filter(status=Status.EVALUATED))


def decided(programme: Programme) -> QuerySet[Project]:
    """Selected and parked projects, ranked, kept for reference."""
    return ranked(Project.objects.in_programme(programme).filter(status__in=FOR_REFERENCE))


def ready_to_decide(programme: Programme) -> bool:
    """There are candidates, and every one has at least one score."""
    waiting = Project.objects.in_programme(programme).filter(status=Status.EVALUATED)
    return waiting.exists() and not waiting.filter(scores__isnull=True).exists()


@dataclass
class Comparison:
    candidates: list[CandidateSummary] = field(default_factory=list)
    for_reference: list[CandidateSummary] = field(default_factory=list)
    team: list[User] = field(default_factory=list)

    @property
    def by_criterion(self) -> list[tuple[Criterion, list[CriterionSummary]]]:
        """The candidates' summaries turned round: one row per criterion, in rank order."""
        return [
            (criterion, [candidate.criteria[i] for candidate in self.candidates])
            for i, criterion in enumerate(Criterion)
        ]

    @property
    def ready_to_decide(self) -> bool:
        """Every candidate has at least one score."""
        return bool(self.candidates) and all(c.totals for c in self.candidates)


def summaries_of(projects: Sequence[Project], *, team: list[User]) -> list[CandidateSummary]:
    """Every score and comment of these projects (from `ranked`), summarised in one query."""
    scores: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    comments: dict[int, list[ScoreComment]] = defaultdict(list)
    if projects:
        rows = (
            SelectionScore.objects.filter(project__in=[p.pk for p in projects])
            .order_by("scorer__display_name", "scorer_id", "criterion")
            .values_list(
                "project_id", "scorer_id", "criterion", "score", "comment",
                "scorer__display_name", "scorer__email",
            )
        )  # fmt: skip
        for project_id, scorer_id, criterion, score, comment, name, email in rows:
            scores[project_id].append((scorer_id, criterion, score))
            if comment:
                label = Criterion(criterion).label
                comments[project_id].append(ScoreComment(name or email, label, comment))
    summaries = []
    for project in projects:
        summary = summarise(project, scores[project.pk], team)
        summary.rank = project.place if project.mean_total is not None else None
        summary.comments = comments[project.pk]
        summaries.append(summary)
    return summaries


def compare(*, programme: Programme) -> Comparison:
    """Every candidate of the programme ranked, and its selected and parked projects apart, in
    four queries whatever the number of candidates and scorers. The comparison page shows a page
    of each (`candidates`, `decided`); the decision needs them all."""
    team = list(core_team_users(programme))
    return Comparison(
        candidates=summaries_of(list(candidates(programme)), team=team),
        for_reference=summaries_of(list(decided(programme)), team=team),
        team=team,
    )


def candidate_summary(*, project: Project) -> CandidateSummary:
    """One project's summary, for its own page (two queries)."""
    rows = project.scores.values_list("scorer_id", "criterion", "score")
    return summarise(project, rows, list(core_team_users(project.idea.programme)))


def scores_of(*, project: Project, scorer: User) -> dict[str, tuple[int, str]]:
    """A scorer's current scores of a project: criterion -> (score, comment)."""
    rows = project.scores.filter(scorer=scorer).values_list("criterion", "score", "comment")
    return {criterion: (score, comment) for criterion, score, comment in rows}


# --- Scoring and the decision ------------------------------------------------------------------


def selection_scores_save(
    *, project: Project, scorer: User, scores: dict[str, tuple[int, str]]
) -> None:
    """Record a core-team member's scores of a candidate, one per criterion, replacing any they
    gave before. Raises ScoringClosed once the decision is made (the project is no longer
    evaluated). The caller checks that `scorer` may score."""
    with transaction.atomic():
        # Lock the project so the scores cannot change while a decision is being recorded.
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status != Status.EVALUATED:
            raise ScoringClosed
        SelectionScore.objects.bulk_create(
            [
                SelectionScore(
                    project=locked,
                    scorer=scorer,
                    criterion=criterion,
                    score=score,
                    comment=comment.strip(),
                )
                for criterion, (score, comment) in scores.items()
            ],
            update_conflicts=True,
            unique_fields=["project", "scorer", "criterion"],
            update_fields=["score", "comment", "updated_at"],
        )


@transaction.atomic
def selection_decide(
    *, user: User, selected: Project, reason: str, parked: dict[Project, str]
) -> Project:
    """Select one candidate and park the others, each with its reason: all or nothing.

    Each move goes through `project_transition`, so each is checked, recorded and its proposer
    told after commit; PermissionDenied or TransitionBlocked from any move undoes them all.
    """
    chosen = project_transition(project=selected, user=user, action="select", reason=reason)
    for project, why in parked.items():
        project_transition(project=project, user=user, action="park", reason=why)
    return chosen


# --- The project team ---------------------------------------------------------------------------


def project_member_invite(
    *,
    project: Project,
    invited_by: User | None,
    name: str,
    email: str,
    role: str,
    expectations: str,
    listed_publicly: bool,
    organisation: Organisation | None = None,
) -> ProjectMember:
    """Add someone to a selected project's team and email them what is expected of them.

    Links the member to an existing account with the same email address; takes that account's
    organisation when none is given and an admin has confirmed it. Raises NotUnderWay before
    selection and AlreadyOnTeam when the address is on the team already.
    """
    if project.status not in UNDER_WAY:
        raise NotUnderWay
    email = email.strip().lower()
    account = User.objects.filter(email__iexact=email, is_active=True).first()
    if organisation is None and account is not None and account.organisation_confirmed:
        organisation = account.organisation
    try:
        with transaction.atomic():
            member = ProjectMember.objects.create(
                project=project,
                user=account,
                name=name.strip(),
                email=email,
                organisation=organisation,
                role=role.strip(),
                expectations=expectations.strip(),
                listed_publicly=listed_publicly,
                invited_by=invited_by,
            )
    except IntegrityError as error:
        raise AlreadyOnTeam from error
    transaction.on_commit(lambda: _queue("email_project_member", member.pk))
    return member


def project_member_remove(*, member: ProjectMember) -> None:
    """Take someone off the project team (and so off the public page)."""
    member.delete()


def member_invitation_email(*, member_id: int) -> bool:
    """Email a new project-team member their role and what is expected of them; False when it
    was sent already or they have been removed."""
    with transaction.atomic():
        claimed = ProjectMember.objects.filter(pk=member_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        member = ProjectMember.objects.select_related("project__idea__programme", "invited_by").get(
            pk=member_id
        )
        programme = member.project.idea.programme
        context = {
            "member": member,
            "idea": member.project.idea,
            "programme": programme,
            "programme_url": absolute_url(reverse("landing:programme", args=[programme.slug])),
        }
        # Sending inside the transaction: if the mail server fails, the claim rolls back.
        send_templated("projects/email/member_invited.txt", to=[member.email], context=context)
    return True


# --- Announcing and interest ---------------------------------------------------------------------


def project_announce(*, project: Project, user: User, public_summary: str) -> Project:
    """Publish (or update) what the programme's public page says about the selected project.

    The first announcement sets `announced_at`; later edits change the summary only.
    """
    if project.status not in UNDER_WAY:
        raise NotUnderWay
    project.public_summary = public_summary.strip()
    fields = ["public_summary"]
    if project.announced_at is None:
        project.announced_at = timezone.now()
        fields.append("announced_at")
    project.save(update_fields=fields)
    return project


def announced_projects(programme: Programme) -> QuerySet[Project]:
    """The programme's announced projects that are under way, with the team members who agreed
    to be named (three queries however many there are)."""
    listed = ProjectMember.objects.filter(listed_publicly=True).select_related("organisation")
    return (
        Project.objects.in_programme(programme)
        .filter(announced_at__isnull=False, status__in=UNDER_WAY)
        .select_related("idea")
        .prefetch_related(Prefetch("members", queryset=listed, to_attr="listed_members"))
        .order_by("announced_at")
    )


def interest_register(
    *, project: Project, user: User, organisation_name: str, message: str
) -> InterestRegistration:
    """Record that someone's organisation would like to join an announced project, and tell the
    programme's facilitators. Raises AlreadyRegistered when they have done so before."""
    try:
        with transaction.atomic():
            registration = InterestRegistration.objects.create(
                project=project,
                user=user,
                organisation_name=organisation_name.strip(),
                message=message.strip(),
            )
    except IntegrityError as error:
        raise AlreadyRegistered from error
    transaction.on_commit(lambda: _queue("email_interest_notice", registration.pk))
    return registration


def interest_notice_email(*, registration_id: int) -> bool:
    """Tell the programme's facilitators about a registration of interest; False when it was
    sent already or there is no facilitator to tell."""
    with transaction.atomic():
        claimed = InterestRegistration.objects.filter(
            pk=registration_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        registration = InterestRegistration.objects.select_related(
            "project__idea__programme", "user"
        ).get(pk=registration_id)
        programme = registration.project.idea.programme
        facilitators = facilitator_emails(programme)
        if not facilitators:
            return False
        context = {
            "registration": registration,
            "idea": registration.project.idea,
            "programme": programme,
            "team_url": absolute_url(reverse("projects:team", args=[registration.project_id])),
        }
        send_templated("projects/email/interest_registered.txt", to=facilitators, context=context)
    return True


def _queue(task_name: str, pk: int) -> None:
    from projects import tasks  # noqa: PLC0415 (tasks import this module)

    getattr(tasks, task_name).delay(pk)
