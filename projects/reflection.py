"""The reflections survey: its questions, who is asked, answering (named or anonymously),
reminders, and the results.

Anonymity: an anonymous answer is stored with no user and only a date. The invitation is marked
answered (so reminders skip it) with no time and no reference to the response, in the same
request, and nothing about it is logged or put in the audit trail. The form is posted to an
address without the invitation's token, so not even a web server's access log ties the answer
to the link that was emailed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from projects.charts import BAR, Point, chart_spec, render_svg
from projects.models import (
    Project,
    ReflectionSurvey,
    Status,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    WorkshopBooking,
)
from teams.models import Membership, User

ONE, MANY, TEXT = "one", "many", "text"
# Results are shown once this many people have answered, and beyond the project's team a count
# smaller than this is shown as "fewer than", so that nobody's answers can be picked out.
SMALL = 3
REMIND_AFTER = timedelta(days=7)
_SALT = "projects.reflection.invitation"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""

    @property
    def choice_labels(self) -> dict[str, str]:
        return dict(self.choices)


# The method's own questions for updating it after a project, as choices to count and chart and
# free text to read.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "mechanisms",
        "How was data shared on this project?",
        MANY,
        (
            ("agreement", "Under a data-sharing agreement"),
            ("aggregates", "As aggregate tables only"),
            ("redacted", "As a redacted extract"),
            ("open", "From public or open data"),
            ("in_place", "Analysed where it was held, without moving it"),
            ("unsure", "I do not know"),
        ),
        hint="Select all that apply.",
    ),
    Question("mechanisms_text", "What helped or got in the way of sharing data?", TEXT),
    Question(
        "relationships",
        "Did you form new working relationships through the project?",
        ONE,
        (("several", "Yes, several"), ("one", "Yes, one"), ("none", "No")),
    ),
    Question(
        "relationships_text",
        "Which new relationships worked best, and why?",
        TEXT,
        hint="Could another project follow the example?",
    ),
    Question(
        "sources",
        "Did a data source turn out more useful than expected?",
        ONE,
        (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")),
    ),
    Question(
        "sources_text",
        "Which data sources did you use, and which were unexpectedly useful?",
        TEXT,
    ),
    Question(
        "impact",
        "Did the data protection impact assessment raise anything surprising?",
        ONE,
        (("yes", "Yes"), ("no", "No"), ("not_involved", "I was not involved in it")),
    ),
    Question("impact_text", "What surprised you, and how was it dealt with?", TEXT),
    Question(
        "selection",
        "Did the way the project was selected work?",
        ONE,
        (
            ("well", "It worked well"),
            ("partly", "It partly worked"),
            ("not", "It did not work"),
            ("unsure", "Not sure"),
        ),
    ),
    Question(
        "checks",
        "Should the next project do more or fewer data safety checks up front?",
        ONE,
        (("more", "More"), ("same", "About the same"), ("fewer", "Fewer")),
    ),
    Question("selection_text", "What would you change about selection or safety checks?", TEXT),
    Question("anything_text", "What else should the next project know?", TEXT),
)
BY_KEY = {q.key: q for q in QUESTIONS}


# --- Who is asked --------------------------------------------------------------------------------


def people_involved(project: Project) -> dict[str, tuple[User | None, str]]:
    """Everyone involved in the project, by lower-cased email: (account or None, name). The
    programme's core team, the project team, the proposer and the partners who booked a place
    at a testing workshop."""
    people: dict[str, tuple[User | None, str]] = {}

    def add(user: User | None, email: str, name: str) -> None:
        if email and (user is None or user.is_active):
            people.setdefault(email.lower(), (user, name))

    core = Membership.objects.filter(
        programme=project.idea.programme, ended_at__isnull=True
    ).select_related("user")
    for membership in core:
        add(membership.user, membership.user.email, str(membership.user))
    for member in project.members.select_related("user"):
        add(member.user, member.user.email if member.user else member.email, member.name)
    if project.idea.proposer is not None:
        add(project.idea.proposer, project.idea.proposer.email, str(project.idea.proposer))
    bookings = WorkshopBooking.objects.filter(
        workshop__project=project, status=WorkshopBooking.Status.BOOKED
    ).select_related("user")
    for booking in bookings:
        add(booking.user, booking.user.email, str(booking.user))
    return people


def invitation_token(invitation: SurveyInvitation) -> str:
    """The key in an invitation's emailed link (signed, so it is never stored)."""
    return signing.dumps(invitation.pk, salt=_SALT)


def invitation_from_token(token: str) -> SurveyInvitation | None:
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return (
        SurveyInvitation.objects.filter(pk=pk)
        .select_related("survey__project__idea__programme")
        .first()
    )


# --- Writes -------------------------------------------------------------------------------------


def survey_open(*, project: Project, user: User | None) -> ReflectionSurvey:
    """Open the project's survey (or keep the open one) and invite everyone involved who is
    not invited yet; the invitations are emailed after commit. Call inside a transaction."""
    from projects import tasks  # noqa: PLC0415 (tasks import emails, which import us)

    survey, _ = ReflectionSurvey.objects.get_or_create(
        project=project, defaults={"opened_by": user}
    )
    invited = set(survey.invitations.values_list("email", flat=True))
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(survey=survey, email=email, user=person, name=name[:200])
        for email, (person, name) in people_involved(project).items()
        if email not in invited
    )
    transaction.on_commit(lambda: tasks.send_survey_invitations.delay(survey.pk))
    return survey


def survey_start(*, project: Project, user: User) -> ReflectionSurvey:
    """The facilitator opens the reflections survey: a published project starts reflecting
    (the lifecycle's move opens the survey), one already reflecting opens it now."""
    from projects.services import project_transition  # noqa: PLC0415 (it imports effects)

    if project.status == Status.PUBLISHED:
        project = project_transition(project=project, user=user, action="start_reflecting")
        return ReflectionSurvey.objects.get(project=project)
    with transaction.atomic():
        return survey_open(project=project, user=user)


def survey_answer(
    *, invitation: SurveyInvitation, answers: dict[str, list[str] | str], anonymous: bool
) -> bool:
    """Record someone's answers once: named, or anonymously (no user, a date only, and no link
    from the invitation). `answers` maps question keys to chosen values or text. False when
    they had answered already or the survey has closed."""
    with transaction.atomic():
        # The row lock makes a second press of the button wait, then find it answered.
        claimed = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .filter(pk=invitation.pk, answered=False, survey__closed_at__isnull=True)
            .exists()
        )
        if not claimed:
            return False
        # Every invitation to the survey is rewritten, not only this one, so that the database's
        # own bookkeeping (PostgreSQL's transaction id on each row version) cannot tie the new
        # response to the one invitation written in the same transaction.
        SurveyInvitation.objects.filter(survey_id=invitation.survey_id).update(
            answered=Case(When(pk=invitation.pk, then=Value(True)), default=F("answered"))
        )
        response = SurveyResponse.objects.create(
            survey_id=invitation.survey_id, user=None if anonymous else invitation.user
        )
        rows = []
        for key, value in answers.items():
            question = BY_KEY[key]
            if question.kind == TEXT:
                if value.strip():
                    rows.append(SurveyAnswer(response=response, question=key, text=value.strip()))
            else:
                values = [value] if isinstance(value, str) else value
                rows += [SurveyAnswer(response=response, question=key, choice=v) for v in values]
        SurveyAnswer.objects.bulk_create(rows)
    return True


def due_reminders(now=None) -> QuerySet[SurveyInvitation]:
    """Invitations to open surveys, emailed a while ago, not answered and not yet reminded."""
    now = now or timezone.now()
    return SurveyInvitation.objects.filter(
        survey__closed_at__isnull=True,
        answered=False,
        reminded_at__isnull=True,
        emailed_at__lte=now - REMIND_AFTER,
    )


# --- Results ------------------------------------------------------------------------------------


def shown_count(n: int, *, suppress: bool) -> str:
    """A count as shown: beyond the team, one too small to publish says only that it is small
    (zero is shown: it identifies nobody)."""
    return f"fewer than {SMALL}" if suppress and 0 < n < SMALL else str(n)


@dataclass(frozen=True)
class Count_:
    value: str
    label: str
    count: int
    shown: str  # the count as shown: "fewer than 3" when small and shown beyond the team


@dataclass(frozen=True)
class ChoiceResult:
    question: Question
    counts: tuple[Count_, ...]
    answered: int  # how many responses answered it

    @property
    def suppressed(self) -> bool:
        return any(c.shown != str(c.count) for c in self.counts)


def choice_results(responses: QuerySet[SurveyResponse], *, suppress: bool) -> list[ChoiceResult]:
    """Counts per choice for every choice question, in two queries whatever the numbers."""
    answers = SurveyAnswer.objects.filter(response__in=responses).exclude(choice="")
    counted = {
        (row["question"], row["choice"]): row["n"]
        for row in answers.values("question", "choice").annotate(n=Count("pk"))
    }
    answered = {
        row["question"]: row["n"]
        for row in answers.values("question").annotate(n=Count("response", distinct=True))
    }
    results = []
    for question in QUESTIONS:
        if question.kind == TEXT:
            continue
        counts = []
        for value, label in question.choices:
            n = counted.get((question.key, value), 0)
            counts.append(Count_(value, label, n, shown_count(n, suppress=suppress)))
        results.append(ChoiceResult(question, tuple(counts), answered.get(question.key, 0)))
    return results


def text_answers(responses: QuerySet[SurveyResponse], question: str = "") -> QuerySet:
    """The free-text answers, grouped by question (in the survey's order when paged through)."""
    order = {q.key: i for i, q in enumerate(QUESTIONS)}
    position = Case(
        *(When(question=k, then=Value(i)) for k, i in order.items()),
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    answers = SurveyAnswer.objects.filter(response__in=responses).exclude(text="")
    if question:
        answers = answers.filter(question=question)
    related = answers.select_related("response__survey__project__idea__programme")
    return related.order_by(position, "pk")


def programme_responses(programme) -> QuerySet[SurveyResponse]:
    """Responses from the programme's projects that have enough answers to be shown."""
    surveys = (
        ReflectionSurvey.objects.filter(project__idea__programme=programme)
        .annotate(n=Count("responses"))
        .filter(n__gte=SMALL)
    )
    return SurveyResponse.objects.filter(survey__in=surveys.values("pk"))


def survey_progress(survey: ReflectionSurvey) -> dict[str, int]:
    return survey.invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )


def result_chart(result: ChoiceResult, *, id_prefix: str) -> str:
    """The counts as an accessible SVG bar chart (small counts left out when suppressed: the
    table beside it says so). Drawn once per set of figures and kept in the cache."""
    points = [
        Point(c.label, "People", c.count if c.shown == str(c.count) else None)
        for c in result.counts
    ]
    spec = chart_spec(kind=BAR, points=points, category_title="", value_title="People")
    description = "; ".join(f"{c.label}: {c.shown}" for c in result.counts)
    key = (
        "reflection-chart:"
        + hashlib.sha256(
            json.dumps([spec, result.question.label, description, id_prefix]).encode()
        ).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        svg = render_svg(
            spec, title=result.question.label, description=description, id_prefix=id_prefix
        )
        cache.set(key, svg, timeout=24 * 60 * 60)
    return svg
