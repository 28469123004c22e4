"""The project lifecycle, table-driven: every (status, action) pair, every guard, who may move,
reasons, effects after commit, and the row lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from projects import insights, tasks
from projects.lifecycle import BY_ACTION, EARLY, TRANSITIONS, available_actions
from projects.models import (
    Criterion,
    FeedbackItem,
    FinalCheck,
    Insight,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    SolutionIdea,
    Status,
)
from projects.services import TransitionBlocked, idea_submit, project_transition
from safety import checks
from safety.demo import approved_check, approved_evaluation_checks
from safety.models import Outcome, SafetyCheck, Stage
from scoping.models import DataSource, EvaluationSummary, ScopingSession, Skill, SkillNeed
from tests.factories import PERSONAS, UserFactory
from tests.phase3_helpers import ready_insight

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(programme_a, vcs_partner) -> Project:
    """An idea the VCS partner suggested on programme A, still an idea."""
    return idea_submit(
        programme=programme_a,
        submitted_by=vcs_partner,
        proposer=vcs_partner,
        organisation=vcs_partner.organisation,
        title="Who stops coming to the food bank?",
        problem="Regular visitors stop coming and we do not know why.",
    )


def _at(project: Project, status: str) -> Project:
    """Put the project at `status` without a move (arranging a test, not using the lifecycle)."""
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def _signed_off_now(project: Project, stage: str) -> None:
    """A check signed off now, replacing any earlier sign-off the test arranged."""
    SafetyCheck.objects.filter(idea=project.idea, stage=stage).delete()
    approved_check(project.idea, stage)


def _refine(idea) -> None:
    idea.refined_question = "Which regular visitors stop coming, and what would bring them back?"
    idea.save(update_fields=["refined_question"])


# What makes each guard pass. A guard added to the table without a line here fails
# test_every_guard_has_a_way_to_pass, so the table and its tests move together.
SATISFY = {
    "has_scoping_session": lambda p: ScopingSession.objects.create(
        idea=p.idea, starts_at=timezone.now() + timedelta(days=3)
    ),
    "has_refined_question": lambda p: _refine(p.idea),
    "has_data_sources": lambda p: DataSource.objects.create(
        idea=p.idea, name="Visits export", kind=DataSource.Kind.INFORMAL_TOOL
    ),
    "has_skills": lambda p: SkillNeed.objects.create(idea=p.idea, skill=Skill.KNOWS_THE_DATA),
    "has_complete_evaluation": lambda p: EvaluationSummary.objects.update_or_create(
        idea=p.idea,
        defaults={"existing_work": "None", "people_and_skills": "An analyst", "data_safety": "OK"},
    ),
    "has_scores": lambda p: SelectionScore.objects.create(
        project=p, scorer=UserFactory(), criterion=Criterion.IMPACT, score=4
    ),
    "has_evaluation_safety_checks": lambda p: approved_evaluation_checks(p.idea),
    "has_solution_safety_check": lambda p: approved_check(p.idea, Stage.SOLUTION),
    "has_pre_publication_safety_check": lambda p: _signed_off_now(p, Stage.PRE_PUBLICATION),
    "has_project_team": lambda p: ProjectMember.objects.create(
        project=p, name="Sam", email="sam@example.org", role="Analyst", expectations="Two days"
    ),
    "has_solution_ideas": lambda p: SolutionIdea.objects.create(
        project=p, title="A ward map", kind=SolutionIdea.Kind.MAP, audience="A", what_to_see="W"
    ),
    "feedback_answered": lambda p: FeedbackItem.objects.create(
        project=p, kind="accessibility", text="Hard to read", state="acted_on", response="Fixed"
    ),
    "final_checks_done": lambda p: [
        FinalCheck.objects.get_or_create(project=p, item=item) for item in FinalCheck.Item
    ],
    "has_ready_insight": lambda p: ready_insight(p),
    # The other project under way (see BLOCK) closes.
    "no_other_project_under_way": lambda p: (
        Project.objects.in_programme(p.programme).exclude(pk=p.pk).update(status=Status.CLOSED)
    ),
}
# Guards that pass until something else happens, and what makes them fail.
BLOCK = {
    "no_other_project_under_way": lambda p: _at(
        idea_submit(
            programme=p.programme,
            submitted_by=None,
            proposer=None,
            organisation=None,
            title="Already under way",
        ),
        Status.EXPLORING,
    ),
}
GUARDS = sorted({guard.__name__: guard for t in TRANSITIONS for guard in t.guards}.items())
# A guard that passes vacuously until another is satisfied: a new data source needs its own
# approved evaluation check; an insight marked ready needs the pre-publication check again.
FOLLOWS = {
    "has_data_sources": "has_evaluation_safety_checks",
    "has_ready_insight": "has_pre_publication_safety_check",
}


# The pre-publication check counts only when signed off after the insights were marked ready.
LAST = ("has_pre_publication_safety_check",)


def _satisfy(project: Project, *, but: str | None = None) -> None:
    for name, _ in sorted(GUARDS, key=lambda guard: guard[0] in LAST):
        if name != but:
            SATISFY[name](project)


# --- The table itself ---------------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    actions = [t.action for t in TRANSITIONS]
    assert len(actions) == len(set(actions)), "two transitions share an action name"
    for t in TRANSITIONS:
        assert set(t.sources) <= set(Status.values) and t.target in Status.values, t.action
        assert t.target not in t.sources, f"{t.action} goes nowhere"
        assert t.permission in ("projects.move_project", "projects.withdraw_project")


def test_every_status_is_reachable_and_only_closed_and_withdrawn_are_final() -> None:
    reached, frontier = {Status.IDEA}, [Status.IDEA]
    while frontier:
        status = frontier.pop()
        for t in TRANSITIONS:
            if status in t.sources and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Status.values)
    final = {s for s in Status.values if not any(s in t.sources for t in TRANSITIONS)}
    assert final == {Status.CLOSED, Status.WITHDRAWN}


def test_every_guard_has_a_way_to_pass() -> None:
    assert {name for name, _ in GUARDS} <= set(SATISFY)


# --- Every (status, action) pair ----------------------------------------------------------------

PAIRS = [
    pytest.param(status, t.action, id=f"{status}-{t.action}")
    for status in Status.values
    for t in TRANSITIONS
]


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_status_and_action(status, action, project, facilitator) -> None:
    _at(project, status)
    _satisfy(project)
    transition = BY_ACTION[action]
    before = project.events.count()

    if status in transition.sources:
        moved = project_transition(
            project=project, user=facilitator, action=action, reason="  Because it is time.  "
        )
        event = project.events.latest("pk")
        assert moved.status == transition.target
        assert Project.objects.get(pk=project.pk).status == transition.target
        assert (event.action, event.from_status, event.to_status) == (
            action,
            status,
            transition.target,
        )
        assert event.actor == facilitator
        assert event.reason == moved.status_reason == "Because it is time."
        assert moved.status_changed_at == event.at
    else:
        with pytest.raises(TransitionBlocked) as blocked:
            project_transition(project=project, user=facilitator, action=action, reason="Why")
        label = Status(status).label.lower()
        assert blocked.value.messages == [f"The project is {label}, so it cannot move that way now"]
        assert Project.objects.get(pk=project.pk).status == status
        assert project.events.count() == before


# --- Guards -------------------------------------------------------------------------------------

GUARDED = [
    pytest.param(t.action, guard.__name__, id=f"{t.action}-{guard.__name__}")
    for t in TRANSITIONS
    for guard in t.guards
]


@pytest.mark.parametrize(("action", "guard_name"), GUARDED)
def test_a_guard_says_what_is_missing_then_lets_the_move_through(
    action, guard_name, project, facilitator
) -> None:
    transition = BY_ACTION[action]
    _at(project, transition.sources[0])
    _satisfy(project, but=guard_name)
    if guard_name in BLOCK:
        BLOCK[guard_name](project)
    guard = dict(GUARDS)[guard_name]
    message = guard(project)
    assert message and not message.endswith(".")  # GOV.UK error messages: no full stop

    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=project, user=facilitator, action=action, reason="Ready")
    assert blocked.value.messages == [message]
    assert Project.objects.get(pk=project.pk).status == transition.sources[0]

    SATISFY[guard_name](project)
    assert guard(project) is None
    if guard_name in FOLLOWS:
        SATISFY[FOLLOWS[guard_name]](project)
    moved = project_transition(project=project, user=facilitator, action=action, reason="Ready")
    assert moved.status == transition.target


def test_all_missing_things_are_listed_together(project, facilitator) -> None:
    _at(project, Status.SCOPING)
    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=project, user=facilitator, action="evaluate")
    # With no data source yet, no evaluation safety check is missing either (see FOLLOWS).
    assert len(blocked.value.messages) == len(BY_ACTION["evaluate"].guards) - 1


# --- Reasons ------------------------------------------------------------------------------------

NEED_REASONS = [pytest.param(t.action, id=t.action) for t in TRANSITIONS if t.needs_reason]


@pytest.mark.parametrize("action", NEED_REASONS)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required_where_the_table_says(action, reason, project, facilitator) -> None:
    transition = BY_ACTION[action]
    _at(project, transition.sources[0])
    _satisfy(project)

    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=project, user=facilitator, action=action, reason=reason)

    assert blocked.value.messages == ["Enter the reason"]
    assert Project.objects.get(pk=project.pk).status == transition.sources[0]


def test_moves_without_a_reason_need_none(project, facilitator) -> None:
    _satisfy(project)
    moved = project_transition(project=project, user=facilitator, action="start_scoping")
    assert moved.status == Status.SCOPING
    assert moved.status_reason == ""


# --- Who may move -------------------------------------------------------------------------------

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
MOVERS = {"facilitator", "admin"}


@pytest.mark.parametrize("who", SIGNED_IN)
def test_only_the_facilitator_and_admins_move_a_project(who, persona, project) -> None:
    user = persona(who)  # the VCS partner is the proposer
    _at(project, Status.SCOPING)
    _satisfy(project)

    if who in MOVERS:
        assert project_transition(project=project, user=user, action="evaluate").status == (
            Status.EVALUATED
        )
    else:
        with pytest.raises(PermissionDenied):
            project_transition(project=project, user=user, action="evaluate")
        assert Project.objects.get(pk=project.pk).status == Status.SCOPING


@pytest.mark.parametrize("who", SIGNED_IN)
def test_withdrawing_early_is_for_the_facilitator_admins_and_the_proposer(
    who, persona, project
) -> None:
    user = persona(who)
    _at(project, Status.SCOPING)

    if who in MOVERS or who == "vcs_partner":
        moved = project_transition(project=project, user=user, action="withdraw", reason="Done")
        assert moved.status == Status.WITHDRAWN
    else:
        with pytest.raises(PermissionDenied):
            project_transition(project=project, user=user, action="withdraw", reason="Done")


@pytest.mark.parametrize("status", [s for s in Status.values if s not in EARLY])
def test_the_proposer_cannot_withdraw_once_past_the_early_states(
    status, project, vcs_partner
) -> None:
    _at(project, status)
    assert "withdraw" not in [t.action for t in available_actions(project, vcs_partner)]
    with pytest.raises(TransitionBlocked):
        project_transition(project=project, user=vcs_partner, action="withdraw", reason="Gone")
    assert Project.objects.get(pk=project.pk).status == status


def test_available_actions_follow_the_person_and_the_status(
    project, facilitator, vcs_partner, analyst, team_member
) -> None:
    def actions(user) -> list[str]:
        return [t.action for t in available_actions(project, user)]

    assert actions(facilitator) == ["start_scoping", "withdraw"]
    assert actions(vcs_partner) == ["withdraw"]
    assert actions(analyst) == actions(team_member) == []
    _at(project, Status.EVALUATED)
    assert actions(facilitator) == ["select", "park", "withdraw"]
    _at(project, Status.SELECTED)
    assert actions(vcs_partner) == []


def test_the_system_may_move_without_a_person(project) -> None:
    _satisfy(project)
    moved = project_transition(project=project, user=None, action="start_scoping")
    assert moved.status == Status.SCOPING
    assert project.events.latest("pk").actor is None


# --- Effects after commit -----------------------------------------------------------------------


def test_the_proposer_is_emailed_once_after_commit(
    project, facilitator, vcs_partner, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_transition(
            project=project, user=facilitator, action="withdraw", reason="Another group has it"
        )
    assert mail.outbox == []  # nothing is sent before the commit

    for callback in callbacks:  # the email, and fresh public pages (cip.public_cache)
        callback()
    (email,) = mail.outbox
    assert email.to == [vcs_partner.email]
    assert "withdrawn" in email.subject
    assert "Another group has it" in email.body

    # The task runs again (a worker restarted, say): nothing more is sent.
    event = ProjectEvent.objects.get(project=project, action="withdraw")
    assert tasks.email_proposer_about_move(event.pk) is False
    assert len(mail.outbox) == 1


def test_a_blocked_move_queues_nothing(
    project, facilitator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionBlocked):
        project_transition(project=project, user=facilitator, action="withdraw")
    assert callbacks == []


def test_moves_without_effects_email_nobody(
    project, facilitator, django_capture_on_commit_callbacks
) -> None:
    _at(project, Status.SCOPING)
    _satisfy(project)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, user=facilitator, action="evaluate")
    assert mail.outbox == []


# --- The row lock -------------------------------------------------------------------------------


def test_a_move_on_a_stale_object_sees_the_new_status(project, facilitator, vcs_partner) -> None:
    stale = Project.objects.get(pk=project.pk)
    _satisfy(project)
    project_transition(project=project, user=vcs_partner, action="withdraw", reason="Solved")

    assert stale.status == Status.IDEA  # what the second page loaded
    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=stale, user=facilitator, action="start_scoping")
    assert blocked.value.messages == ["The project is withdrawn, so it cannot move that way now"]
    assert project.events.filter(action="withdraw").count() == 1
    assert Project.objects.get(pk=project.pk).status == Status.WITHDRAWN


def test_a_proposer_who_withdraws_their_own_idea_is_not_emailed_about_it(
    project, vcs_partner, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, user=vcs_partner, action="withdraw", reason="Solved")
    assert mail.outbox == []


def test_an_insight_changed_after_the_pre_publication_sign_off_needs_the_check_again(
    project, facilitator, reviewer
) -> None:
    _at(project, Status.READY)
    _satisfy(project)
    insight = project.insights.get()
    insight.summary = "A new figure the reviewer has not seen."
    insights.insight_save(insight=insight, user=facilitator)
    insights.insight_mark_ready(insight=insight, user=facilitator, ready=True)
    later = timezone.now() + timedelta(seconds=1)
    Insight.objects.filter(pk=insight.pk).update(ready_at=later)  # marked ready after sign-off

    with pytest.raises(TransitionBlocked) as blocked:
        project_transition(project=project, user=facilitator, action="publish")
    assert blocked.value.messages == [
        "An insight was changed or marked ready after the pre-publication safety check was "
        "signed off: start a new version of the check and have it signed off"
    ]
    assert not Insight.objects.filter(pk=insight.pk, published_at__isnull=False).exists()

    Insight.objects.filter(pk=insight.pk).update(ready_at=timezone.now())
    new = checks.check_new_version(
        check=checks.in_force(project.idea, Stage.PRE_PUBLICATION), user=facilitator
    )
    checks.check_save(check=new, user=facilitator, answers=new.answers, submit=True)
    checks.check_sign_off(check=new, user=reviewer, outcome=Outcome.APPROVED)
    moved = project_transition(project=project, user=facilitator, action="publish")
    assert moved.status == Status.PUBLISHED
