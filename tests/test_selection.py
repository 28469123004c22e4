"""Selection: scoring, the comparison table, the decision, the project team, the announcement and
registrations of interest, by persona."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import tasks_for
from cip.public_cache import SITE, invalidate
from projects import selection
from projects.models import (
    Criterion,
    InterestRegistration,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    Status,
)
from projects.services import TransitionBlocked, project_transition
from projects.tasks import email_interest_notice, email_project_member
from scoping.models import EvaluationSummary
from teams.models import Membership, Programme, Role
from tests.factories import MembershipFactory, UserFactory
from tests.selection_helpers import candidate, score, selected

SEVEN = len(Criterion)


def _valid_scores(value: int = 4, **overrides) -> dict[str, str]:
    data = {f"score_{c}": str(value) for c in Criterion.values}
    data |= {f"comment_{c}": "" for c in Criterion.values}
    data["comment_impact"] = "Could change how referrals work."
    data.update(overrides)
    return data


# --- Ranking and spread ----------------------------------------------------------------------


class _Person:
    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name

    def get_short_name(self) -> str:
        return self.name


def _triples(scorer_id: int, values: list[int]) -> list[tuple[int, str, int]]:
    return [(scorer_id, c, v) for c, v in zip(Criterion.values, values, strict=True)]


def test_summary_means_totals_spread_and_who_has_not_scored() -> None:
    team = [_Person(1, "Ann"), _Person(2, "Bo"), _Person(3, "Cy")]
    scores = _triples(1, [5, 4, 5, 4, 4, 4, 3]) + _triples(2, [1, 4, 3, 4, 4, 4, 3])

    summary = selection.summarise(object(), scores, team)

    assert summary.totals == [29, 23]
    assert summary.mean_total == 26
    assert (summary.low_total, summary.high_total) == (23, 29)
    assert summary.stdev == 3
    first = summary.criteria[0]
    assert (first.mean, first.low, first.high, first.wide) == (3, 1, 5, True)
    assert [c.criterion for c in summary.disagreement] == [Criterion.ROLES_AND_SKILLS]
    assert [p.name for p in summary.scored_by] == ["Ann", "Bo"]
    assert [p.name for p in summary.not_scored] == ["Cy"]
    assert summary.team_size == 3


def test_summary_of_an_unscored_candidate() -> None:
    summary = selection.summarise(object(), [], [_Person(1, "Ann")])

    assert summary.mean_total is None and summary.stdev is None and summary.low_total is None
    assert all(c.mean is None and not c.wide for c in summary.criteria)
    assert not summary.disagreement


def test_one_scorer_has_no_spread() -> None:
    summary = selection.summarise(object(), _triples(1, [3] * SEVEN), [])

    assert summary.stdev == 0 and summary.low_total == summary.high_total == 21


@pytest.mark.django_db
def test_ranking_by_mean_total_with_ties_sharing_a_rank_and_unscored_last(programme_a) -> None:
    people = [UserFactory() for _ in range(2)]

    def scored(title, totals):
        project = candidate(programme_a, title)
        for person, total in zip(people, totals, strict=False):
            score(project, person, _spread(total))
        return project

    for title, totals in [("Low", [14]), ("None", []), ("High B", [30]), ("High A", [28, 32])]:
        scored(title, totals)

    ranked = selection.compare(programme=programme_a).candidates

    assert [(s.project.idea.title, s.rank, s.mean_total) for s in ranked] == [
        ("High A", 1, 30),
        ("High B", 1, 30),
        ("Low", 3, 14),
        ("None", None, None),
    ]
    # A page of them keeps the ranks they have among all of them.
    second_page = list(selection.candidates(programme_a)[2:])
    assert [(p.idea.title, p.place) for p in second_page][:1] == [("Low", 3)]


def _spread(total: int) -> list[int]:
    """Seven scores from 1 to 5 adding up to `total`."""
    values = [1] * SEVEN
    for i in range(total - SEVEN):
        values[i % SEVEN] += 1
    return values


# --- Services --------------------------------------------------------------------------------


def test_scores_can_change_until_the_decision(programme_a, analyst) -> None:
    project = candidate(programme_a)
    scores = {c: (3, "") for c in Criterion.values}
    selection.selection_scores_save(project=project, scorer=analyst, scores=scores)
    scores[Criterion.IMPACT] = (5, " Big ")
    selection.selection_scores_save(project=project, scorer=analyst, scores=scores)

    mine = SelectionScore.objects.filter(project=project, scorer=analyst)
    assert mine.count() == SEVEN
    assert mine.get(criterion=Criterion.IMPACT).score == 5
    assert mine.get(criterion=Criterion.IMPACT).comment == "Big"

    project_transition(project=project, user=None, action="select", reason="Best")
    with pytest.raises(selection.ScoringClosed):
        selection.selection_scores_save(project=project, scorer=analyst, scores=scores)


def test_decision_is_all_or_nothing(programme_a, facilitator, analyst) -> None:
    scored, unscored = candidate(programme_a, "Scored"), candidate(programme_a, "Not scored")
    score(scored, analyst)

    with pytest.raises(TransitionBlocked) as blocked:
        selection.selection_decide(
            user=facilitator, selected=unscored, reason="Why not", parked={scored: "Later"}
        )

    assert "must score" in blocked.value.messages[0]
    assert set(Project.objects.values_list("status", flat=True)) == {Status.EVALUATED}


def test_comparison_counts_queries_not_candidates(programme_a, facilitator, analyst) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selection.compare(programme=programme_a)
        return len(captured)

    score(candidate(programme_a, "First"), analyst)
    one = queries()
    newcomer = MembershipFactory(programme=programme_a, user=UserFactory()).user
    for n in range(4):
        project = candidate(programme_a, f"Candidate {n}")
        for person in (analyst, facilitator, newcomer):
            score(project, person, n + 1)

    assert queries() == one == 4


# --- Scoring page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("team_member", 200),
        ("analyst", 200),
        ("facilitator", 200),
        ("admin", 403),  # admins not on the team do not score
        ("vcs_partner", 404),
        ("outsider", 404),
        ("staff", 404),
    ],
)
def test_who_may_open_the_scoring_page(who, expected, persona, client_for, programme_a) -> None:
    project = candidate(programme_a)
    response = client_for(persona(who)).get(reverse("projects:score", args=[project.pk]))
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, programme_a) -> None:
    project = candidate(programme_a)
    for name, kwargs in [
        ("projects:score", {"pk": project.pk}),
        ("projects:selection", {"slug": programme_a.slug}),
        ("projects:selection_decide", {"slug": programme_a.slug}),
        ("projects:team", {"pk": project.pk}),
        ("projects:announce", {"pk": project.pk}),
        ("projects:interest", {"pk": project.pk}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_a_team_member_scores_and_changes_their_scores(team_member, client_for, programme_a):
    project = candidate(programme_a)
    client = client_for(team_member)
    url = reverse("projects:score", args=[project.pk])

    page = client.get(url).content.decode()
    assert "1 (weak)" in page and "5 (strong)" in page
    assert reverse("scoping:evaluation", args=[project.idea_id]) in page

    response = client.post(url, _valid_scores(4))
    assert response.status_code == 302
    assert response.url == reverse("projects:selection", args=[programme_a.slug])
    assert SelectionScore.objects.filter(scorer=team_member).count() == SEVEN

    client.post(url, _valid_scores(4, score_impact="2"))
    impact = SelectionScore.objects.get(scorer=team_member, criterion=Criterion.IMPACT)
    assert impact.score == 2
    assert re.search(
        r'name="score_impact"[^>]*value="2"\s*checked', client.get(url).content.decode()
    )


def test_a_score_outside_one_to_five_is_refused(team_member, client_for, programme_a) -> None:
    project = candidate(programme_a)
    response = client_for(team_member).post(
        reverse("projects:score", args=[project.pk]), _valid_scores(4, score_impact="9")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Choose a score from 1 to 5 for ‘Learning more could have a large impact’" in page
    assert not SelectionScore.objects.exists()


def test_no_scoring_once_decided(team_member, client_for, programme_a) -> None:
    project = selected(programme_a)
    url = reverse("projects:score", args=[project.pk])
    client = client_for(team_member)

    page = client.get(url).content.decode()
    assert "cannot be scored now" in page
    response = client.post(url, _valid_scores(4))
    assert response.status_code == 302
    assert not SelectionScore.objects.filter(scorer=team_member).exists()


def test_scoring_page_refuses_other_methods(team_member, client_for, programme_a) -> None:
    project = candidate(programme_a)
    response = client_for(team_member).put(reverse("projects:score", args=[project.pk]))
    assert response.status_code == 405


# --- Comparison table ------------------------------------------------------------------------


def test_comparison_ranks_candidates_and_names_who_has_not_scored(
    client_for, programme_a, facilitator, analyst, team_member, reviewer
) -> None:
    strong, weak = candidate(programme_a, "Strong idea"), candidate(programme_a, "Weak idea")
    score(strong, analyst, 5)
    score(strong, team_member, [1, 5, 5, 5, 5, 5, 5])
    score(weak, analyst, 2)
    parked = candidate(programme_a, "Parked idea")
    project_transition(project=parked, user=None, action="park", reason="Later")

    response = client_for(facilitator).get(reverse("projects:selection", args=[programme_a.slug]))

    page = response.content.decode()
    assert page.index("Strong idea") < page.index("Weak idea") < page.index("Parked idea")
    assert "Selected and parked projects, for reference" in page
    assert "Scores differ widely" in page  # 1 and 5 for roles and skills
    assert "2 of 4" in page and "1 of 4" in page
    assert "Not scored yet: Facilitator, Reviewer" in page
    assert "31 to 35" in page  # lowest to highest total of the strong idea
    assert 'scope="col"' in page and "govuk-table__cell--numeric" in page
    assert "Record the decision" in page


def test_scores_from_someone_who_has_left_still_count_and_are_said_to(
    client_for, programme_a, facilitator, analyst, team_member
) -> None:
    project = candidate(programme_a, "Strong idea")
    score(project, analyst, 5)
    score(project, team_member, 3)
    team_member.memberships.update(ended_at=timezone.now())

    page = client_for(analyst).get(reverse("projects:selection", args=[programme_a.slug]))

    text = page.content.decode()
    assert "Also 1 who has left the core team" in text
    assert "28.0" in text  # the mean of 35 and 21
    summary = selection.candidate_summary(project=project)
    assert (len(summary.totals), summary.former_scorers) == (2, 1)


def test_the_core_team_reads_each_others_comments_on_the_comparison(
    client_for, programme_a, analyst, team_member
) -> None:
    project = candidate(programme_a, "Strong idea")
    score(project, analyst, 4, comment="The visit data is <ready>.")
    score(candidate(programme_a, "Quiet idea"), team_member, 3)

    page = client_for(team_member).get(reverse("projects:selection", args=[programme_a.slug]))

    text = page.content.decode()
    assert "Comments on ‘Strong idea’ (7)" in text  # the helper comments on every criterion
    assert "The visit data is &lt;ready&gt;." in text
    assert "Comments on ‘Quiet idea’ (0)" in text and "Nobody has left a comment yet." in text


@pytest.mark.parametrize(
    ("who", "expected"),
    [("analyst", 200), ("admin", 200), ("vcs_partner", 404), ("outsider", 404), ("staff", 404)],
)
def test_who_may_compare(who, expected, persona, client_for, programme_a) -> None:
    candidate(programme_a)
    response = client_for(persona(who)).get(reverse("projects:selection", args=[programme_a.slug]))
    assert response.status_code == expected
    if expected == 200:  # only those who decide see the button
        assert ("Record the decision" in response.content.decode()) is (who == "admin")


def test_comparison_is_read_only(facilitator, client_for, programme_a) -> None:
    url = reverse("projects:selection", args=[programme_a.slug])
    assert client_for(facilitator).post(url).status_code == 405


def test_comparison_page_query_count_is_constant(
    client_for, programme_a, analyst, team_member, facilitator
) -> None:
    client = client_for(analyst)
    url = reverse("projects:selection", args=[programme_a.slug])

    def add(count: int, prefix: str, *, parked: int) -> None:
        for n in range(count):
            project = candidate(programme_a, f"{prefix} {n}")
            for person in (analyst, team_member, facilitator):
                score(project, person, n % 5 + 1)
            if n < parked:
                project_transition(project=project, user=None, action="park", reason="Later")

    add(2, "First", parked=1)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(60, "More", parked=30)  # more than a page of each
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)
    page = response.content.decode()
    assert page.count("Pages of candidates") == page.count("Pages of selected and parked") == 1


def test_candidates_come_first_and_each_page_keeps_its_ranks(
    client_for, programme_a, analyst
) -> None:
    for n in range(12):
        score(candidate(programme_a, f"Candidate {n:02}"), analyst, n % 5 + 1)
    parked = candidate(programme_a, "Parked one")
    score(parked, analyst, 5)
    project_transition(project=parked, user=None, action="park", reason="Later")
    url = reverse("projects:selection", args=[programme_a.slug])

    first = client_for(analyst).get(url).content.decode()
    second = client_for(analyst).get(url + "?page=2").content.decode()

    assert first.index("Candidates waiting for a decision") < first.index("Parked one")
    # Twelve candidates, ten a page: the last two are on page 2, ranked among all twelve.
    ranks = re.findall(r'cell--numeric">(\d+|–)</td>', second.split('id="for-reference"')[0])
    assert ranks == ["10", "10"]
    assert "Parked one" in second  # the reference table has its own pages


# --- The decision ----------------------------------------------------------------------------


def test_facilitator_selects_one_and_parks_the_other(
    facilitator, analyst, client_for, programme_a
) -> None:
    chosen, other = candidate(programme_a, "Chosen"), candidate(programme_a, "Other")
    score(chosen, analyst, 5)
    score(other, analyst, 2)
    client = client_for(facilitator)
    url = reverse("projects:selection_decide", args=[programme_a.slug])

    page = client.get(url).content.decode()
    assert "Candidates, ranked by mean total score" in page

    response = client.post(
        url,
        {"selected": chosen.pk, "reason": "Ready to go", f"park_{other.pk}": "Next round"},
    )

    assert response.status_code == 302
    assert response.url == reverse("projects:team", args=[chosen.pk])
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, chosen.status_reason) == (Status.SELECTED, "Ready to go")
    assert (other.status, other.status_reason) == (Status.PARKED, "Next round")
    event = ProjectEvent.objects.get(project=other, action="park")
    assert event.actor == facilitator and event.reason == "Next round"

    # A parked project can come back as a candidate.
    project_transition(project=other, user=facilitator, action="reconsider", reason="Team free")
    other.refresh_from_db()
    assert other.status == Status.EVALUATED
    assert [c.project for c in selection.compare(programme=programme_a).candidates] == [other]


def test_every_other_candidate_needs_a_reason_to_park(
    facilitator, analyst, client_for, programme_a
):
    chosen = candidate(programme_a, "Chosen")
    candidate(programme_a, "Other")
    score(chosen, analyst)
    url = reverse("projects:selection_decide", args=[programme_a.slug])

    response = client_for(facilitator).post(url, {"selected": chosen.pk, "reason": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter why the core team selected this project" in page
    assert "Enter why ‘Other’ is parked" in page
    assert set(Project.objects.values_list("status", flat=True)) == {Status.EVALUATED}


def test_guard_messages_show_in_the_error_summary(facilitator, analyst, client_for, programme_a):
    unscored, scored = candidate(programme_a, "Unscored"), candidate(programme_a, "Scored")
    score(scored, analyst)
    url = reverse("projects:selection_decide", args=[programme_a.slug])

    response = client_for(facilitator).post(
        url, {"selected": unscored.pk, "reason": "Hunch", f"park_{scored.pk}": "Later"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "At least one core-team member must score the idea before it is selected" in page
    assert set(Project.objects.values_list("status", flat=True)) == {Status.EVALUATED}


@pytest.mark.parametrize(
    ("who", "expected"), [("analyst", 403), ("team_member", 403), ("outsider", 404), ("admin", 200)]
)
def test_only_the_facilitator_decides(who, expected, persona, client_for, programme_a) -> None:
    url = reverse("projects:selection_decide", args=[programme_a.slug])
    assert client_for(persona(who)).get(url).status_code == expected


# --- The project team ------------------------------------------------------------------------


def test_facilitator_invites_a_member_who_is_emailed_once(
    facilitator, vcs_partner, client_for, programme_a, settings, django_capture_on_commit_callbacks
) -> None:
    project = selected(programme_a)
    project.idea.skill_needs.create(skill="researcher")
    client = client_for(facilitator)
    url = reverse("projects:team", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'list="role-suggestions"' in page
    assert "Researcher who follows the research and data in this area" in page  # unfilled skill
    assert "Subject-matter experts and users" in page  # the make_candidate skill
    assert "VCS member lead" in page  # a role from the guide
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Vic Partner",
                "email": vcs_partner.email.upper(),
                "role": "Someone who knows the data",
                "expectations": "Two hours a week for six weeks.",
                "listed_publicly": "on",
            },
        )

    assert response.status_code == 302 and response.url == url
    member = ProjectMember.objects.get()
    assert member.user == vcs_partner  # linked to the existing account by email
    assert member.organisation == vcs_partner.organisation
    assert member.invited_by == facilitator and member.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [vcs_partner.email]
    assert project.idea.title in message.subject
    assert "Someone who knows the data" in message.body
    assert "Two hours a week for six weeks." in message.body
    assert settings.SITE_URL + reverse("landing:programme", args=[programme_a.slug]) in message.body
    assert email_project_member(member.pk) is False
    assert len(mail.outbox) == 1

    again = client.post(url, {"name": "Again", "email": vcs_partner.email, "role": "x"})
    assert "This person is already on the project team" in again.content.decode()


def test_invitation_form_errors(facilitator, client_for, programme_a) -> None:
    project = selected(programme_a)
    response = client_for(facilitator).post(reverse("projects:team", args=[project.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("Enter their full name", "Enter their email address", "Enter what is expected"):
        assert message in page
    assert not ProjectMember.objects.exists()


def test_too_long_answers_say_what_to_fix(facilitator, client_for, programme_a) -> None:
    project = selected(programme_a)
    data = {
        "name": "x" * 201,
        "email": "sam@example.org",
        "organisation": "999999",
        "role": "x" * 201,
        "expectations": "x" * 2001,
    }
    response = client_for(facilitator).post(reverse("projects:team", args=[project.pk]), data)
    page = response.content.decode()
    for message in (
        "Their name must be 200 characters or fewer",
        "Choose an organisation from the list",
        "Their role must be 200 characters or fewer",
        "What is expected of them must be 2,000 characters or fewer",
    ):
        assert message in page
    assert "Ensure this value" not in page and "Select a valid choice" not in page
    assert not ProjectMember.objects.exists()


def test_a_too_long_decision_says_what_to_fix(facilitator, client_for, programme_a) -> None:
    chosen, other = candidate(programme_a, "Chosen"), candidate(programme_a, "Other")
    url = reverse("projects:selection_decide", args=[programme_a.slug])
    data = {"selected": chosen.pk, "reason": "x" * 2001, f"park_{other.pk}": "x" * 2001}
    page = client_for(facilitator).post(url, data).content.decode()
    assert "The reason must be 2,000 characters or fewer" in page
    assert "The reason for parking ‘Other’ must be 2,000 characters or fewer" in page
    assert "Ensure this value" not in page
    assert set(Project.objects.values_list("status", flat=True)) == {Status.EVALUATED}


def test_no_team_before_selection(facilitator, client_for, programme_a) -> None:
    project = candidate(programme_a)
    url = reverse("projects:team", args=[project.pk])
    client = client_for(facilitator)
    assert "once the project is selected" in client.get(url).content.decode()
    client.post(url, {"name": "A", "email": "a@example.org", "role": "r", "expectations": "e"})
    assert not ProjectMember.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"), [("analyst", 403), ("vcs_partner", 404), ("outsider", 404), ("admin", 200)]
)
def test_who_may_manage_the_team(who, expected, persona, client_for, programme_a) -> None:
    project = selected(programme_a)
    for name in ("projects:team", "projects:announce"):
        response = client_for(persona(who)).get(reverse(name, args=[project.pk]))
        assert response.status_code == expected, name


def test_facilitator_removes_a_member(facilitator, analyst, client_for, programme_a) -> None:
    project = selected(programme_a)
    member = selection.project_member_invite(
        project=project,
        invited_by=facilitator,
        name="Ben",
        email="ben@example.org",
        role="Expert",
        expectations="Workshops",
        listed_publicly=True,
    )
    url = reverse("projects:team_member_remove", args=[project.pk, member.pk])
    assert client_for(analyst).post(url).status_code == 403
    assert "Remove Ben from the project team?" in client_for(facilitator).get(url).content.decode()

    response = client_for(facilitator).post(url)

    assert response.url == reverse("projects:team", args=[project.pk])
    assert not ProjectMember.objects.exists()


# --- Announcing and the public page ----------------------------------------------------------


def test_facilitator_announces_and_the_public_page_shows_it(
    facilitator, client_for, client, programme_a
) -> None:
    project = selected(programme_a, announced=False)
    project.idea.refined_question = "Which households stop visiting while still in crisis?"
    project.idea.save()
    for name, listed in (("Listed Person", True), ("Private Person", False)):
        selection.project_member_invite(
            project=project,
            invited_by=facilitator,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            role="Subject-matter expert",
            expectations="Workshops",
            listed_publicly=listed,
        )
    project.idea.messages.create(kind="team_note", body="Private team note")
    public = reverse("landing:programme", args=[programme_a.slug])
    assert "When the team selects a project" in client.get(public).content.decode()

    url = reverse("projects:announce", args=[project.pk])
    empty = client_for(facilitator).post(url, {"public_summary": ""})
    assert "Enter what the public page should say about the project" in empty.content.decode()
    response = client_for(facilitator).post(url, {"public_summary": "Finding the gaps."})

    assert response.status_code == 302 and response.url == public + "#the-project"
    project.refresh_from_db()
    assert project.announced_at is not None
    page = client.get(public).content.decode()
    assert "Finding the gaps." in page
    assert "Which households stop visiting while still in crisis?" in page
    assert "Listed Person" in page and "Subject-matter expert" in page
    assert "Private Person" not in page
    assert "@example.org" not in page  # never an email address
    assert "Private team note" not in page
    assert reverse("projects:interest", args=[project.pk]) in page
    assert "When the team selects a project" not in page


def test_public_page_shows_only_announced_projects_under_way(client, programme_a) -> None:
    url = reverse("landing:programme", args=[programme_a.slug])
    back = selected(programme_a, "Reconsidered")
    project_transition(project=back, user=None, action="reconsider", reason="Team unavailable")
    quiet = selected(programme_a, "Not announced", announced=False)
    page = client.get(url).content.decode()
    assert "Not announced" not in page and "Reconsidered" not in page

    project_transition(project=quiet, user=None, action="park", reason="Not now")
    shown = selected(programme_a, "Shown project")
    page = client.get(url).content.decode()
    assert shown.idea.title in page
    assert "Not announced" not in page and "Reconsidered" not in page


def test_a_programme_runs_one_project_at_a_time(facilitator, client_for, programme_a) -> None:
    """The guide's programmes select one project and run it to the end before the next, so a
    second selection is refused with the reason, and the decision page says so first."""
    running = selected(programme_a, "Already running")
    second = candidate(programme_a, "Waiting its turn")
    score(second, UserFactory(), 4)
    client = client_for(facilitator)
    url = reverse("projects:selection_decide", args=[programme_a.slug])
    page = client.get(url).content.decode()
    assert "A programme runs one project at a time" in page
    assert "Park it or reconsider it before selecting another." in page

    response = client.post(url, {"selected": second.pk, "reason": "Next"})
    assert "“Already running” is already selected, and a programme runs one project at a " in (
        response.content.decode()
    )
    second.refresh_from_db()
    assert second.status == Status.EVALUATED
    with pytest.raises(TransitionBlocked):
        project_transition(project=second, user=facilitator, action="select", reason="Next")

    # Once the running project has closed, the next one may be selected.
    Project.objects.filter(pk=running.pk).update(status=Status.CLOSED)
    assert "one project at a time" not in client.get(url).content.decode()
    moved = project_transition(project=second, user=facilitator, action="select", reason="Next")
    assert moved.status == Status.SELECTED


@pytest.mark.parametrize("action", ["park", "reconsider"])
def test_leaving_selection_takes_the_project_off_the_public_page_until_announced_again(
    action, client, programme_a
) -> None:
    project = selected(programme_a, "Once announced")
    project = project_transition(project=project, user=None, action=action, reason="Not now")
    if action == "park":
        project = project_transition(project=project, user=None, action="reconsider", reason="Go")
    score(project, UserFactory(), 4)
    project = project_transition(project=project, user=None, action="select", reason="Again")

    assert project.announced_at is None
    page = client.get(reverse("landing:programme", args=[programme_a.slug])).content.decode()
    assert "Once announced" not in page


def test_public_page_query_count_does_not_grow_with_projects(client, programme_a) -> None:
    url = reverse("landing:programme", args=[programme_a.slug])
    selected(programme_a, "One")
    client.get(url)
    invalidate(SITE)  # measure the page being rendered, not served from the cache
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        # One project runs at a time: the page grows with past projects and team members.
        Project.objects.filter(idea__programme=programme_a).update(status=Status.CLOSED)
        project = selected(programme_a, f"Project {n}")
        ProjectMember.objects.create(
            project=project, name=f"M{n}", email=f"m{n}@example.org", role="r", listed_publicly=True
        )
    invalidate(SITE)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one) > 0


def test_announce_needs_a_selected_project(facilitator, client_for, programme_a) -> None:
    project = candidate(programme_a)
    url = reverse("projects:announce", args=[project.pk])
    client = client_for(facilitator)
    assert "Only a selected project can be announced" in client.get(url).content.decode()
    client.post(url, {"public_summary": "Too soon"})
    project.refresh_from_db()
    assert project.announced_at is None


# --- Registering interest --------------------------------------------------------------------


def test_a_vcs_partner_registers_interest_and_the_facilitator_is_told_once(
    vcs_partner, facilitator, client_for, programme_a, django_capture_on_commit_callbacks
) -> None:
    project = selected(programme_a)
    client = client_for(vcs_partner)
    url = reverse("projects:interest", args=[project.pk])
    assert vcs_partner.organisation.name in client.get(url).content.decode()  # filled in
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"organisation_name": "Riverside Carers", "message": "Our data"}
        )

    assert response.status_code == 302
    registration = InterestRegistration.objects.get()
    assert (registration.user, registration.organisation_name) == (vcs_partner, "Riverside Carers")
    (message,) = mail.outbox
    assert message.to == [facilitator.email]
    assert "Riverside Carers" in message.subject and "Our data" in message.body
    assert vcs_partner.email in message.body
    assert reverse("projects:team", args=[project.pk]) in message.body
    assert email_interest_notice(registration.pk) is False and len(mail.outbox) == 1

    # One per person: the page says so, and a second POST adds nothing.
    assert "You registered Riverside Carers" in client.get(url).content.decode()
    client.post(url, {"organisation_name": "Again", "message": "Again"})
    assert InterestRegistration.objects.count() == 1

    team_page = client_for(facilitator).get(reverse("projects:team", args=[project.pk]))
    assert "Riverside Carers" in team_page.content.decode()


def test_interest_form_errors(vcs_partner, client_for, programme_a) -> None:
    project = selected(programme_a)
    response = client_for(vcs_partner).post(
        reverse("projects:interest", args=[project.pk]), {"organisation_name": ""}
    )
    page = response.content.decode()
    assert "Enter the name of your organisation" in page
    assert "Enter how your organisation could help" in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [("vcs_partner", 404), ("outsider", 404), ("staff", 404), ("analyst", 403), ("admin", 403)],
)
def test_no_interest_in_projects_not_announced(who, expected, persona, client_for, programme_a):
    project = selected(programme_a, announced=False)
    response = client_for(persona(who)).get(reverse("projects:interest", args=[project.pk]))
    assert response.status_code == expected


# --- The project page, the dashboard and the demo --------------------------------------------


def test_project_page_shows_the_score_summary_and_the_team(
    analyst, facilitator, client_for, programme_a
) -> None:
    project = candidate(programme_a)
    score(project, analyst, 4)
    page = client_for(analyst).get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "28.0 out of 35" in page
    assert reverse("projects:score", args=[project.pk]) in page
    assert reverse("projects:selection", args=[programme_a.slug]) in page

    chosen = selected(programme_a)
    ProjectMember.objects.create(project=chosen, name="Nadia", email="n@example.org", role="Expert")
    page = client_for(facilitator).get(chosen.get_absolute_url()).content.decode()
    assert "Nadia" in page and reverse("projects:team", args=[chosen.pk]) in page


def _titles(request_user, rf) -> list[str]:
    request = rf.get("/")
    request.user = request_user
    return [task.title for task in tasks_for(request)]


def test_dashboard_tasks(rf, analyst, facilitator, programme_a) -> None:
    project = candidate(programme_a, "Food bank")
    assert "Score “Food bank”" in _titles(analyst, rf)
    assert not any(t.startswith("Record the selection") for t in _titles(facilitator, rf))

    score(project, analyst)

    assert "Score “Food bank”" not in _titles(analyst, rf)
    assert f"Record the selection decision for {programme_a.name}" in _titles(facilitator, rf)


def test_demo_scores_decides_and_announces_once(db, settings, client) -> None:
    settings.DEBUG = True

    def counts() -> list[int]:
        models = (SelectionScore, ProjectMember, InterestRegistration, ProjectEvent, Project)
        return [model.objects.count() for model in models]

    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    camden = Programme.objects.get(slug="camden")
    statuses = set(Project.objects.in_programme(camden).values_list("status", flat=True))
    # The selected project has gone on to be published (projects/demo_solutions.py) and is now
    # reflecting (projects/demo_reflection.py).
    assert {Status.REFLECTING, Status.PARKED} <= statuses
    chosen = Project.objects.in_programme(camden).get(status=Status.REFLECTING)
    assert chosen.announced_at and chosen.members.count() >= 2 and chosen.interest.count() == 1
    beds = selection.compare(programme=Programme.objects.get(slug="central-bedfordshire"))
    assert len(beds.candidates) >= 2 and beds.ready_to_decide
    assert all(len(c.scored_by) >= 2 for c in beds.candidates)
    evaluated = EvaluationSummary.objects.exclude(idea__project__status=Status.SCOPING)
    assert evaluated and not any(evaluation.needs_sharing for evaluation in evaluated)
    page = client.get(reverse("landing:programme", args=["camden"])).content.decode()
    assert chosen.idea.title in page and "Nadia Rahman" in page
    assert "Kwame Mensah" not in page.split('id="the-project"')[1].split("Insights")[0]
    assert Membership.objects.filter(programme=camden, role=Role.FACILITATOR).exists()


def test_a_candidate_title_is_escaped_on_the_decision_page(
    facilitator, analyst, client_for, programme_a
) -> None:
    # crispy-forms-gds renders labels as safe HTML, and a proposer writes the title.
    title = "Who <script>alert(1)</script> misses out?"
    candidate(programme_a, "Chosen")
    candidate(programme_a, title)
    url = reverse("projects:selection_decide", args=[programme_a.slug])

    page = client_for(facilitator).get(url).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "Why is ‘Who &lt;script&gt;alert(1)&lt;/script&gt; misses out?’ parked?" in page
