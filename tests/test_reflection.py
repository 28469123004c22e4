"""Reflecting on a project: the survey (opened through the lifecycle, answered named or
anonymously, with reminders), its results, the retrospective board, lessons in the help of each
step, and method changes on the public page."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import mail
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from projects import reflection
from projects.emails import survey_reminders_send
from projects.models import (
    Lesson,
    MethodChange,
    ReflectionSurvey,
    RetroCard,
    Status,
    Step,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from projects.services import project_transition
from tests.factories import UserFactory
from tests.phase3_helpers import at, on_team
from tests.selection_helpers import candidate, selected

pytestmark = pytest.mark.django_db

ANSWERS = {
    "mechanisms": ["agreement", "aggregates"],
    "selection": "well",
    "checks": "more",
    "relationships_text": "The food bank and the housing team now talk every month.",
}


def _published(programme):
    return at(selected(programme), Status.PUBLISHED)


def _open(programme, facilitator):
    project = _published(programme)
    return reflection.survey_start(project=project, user=facilitator)


def _invitation(survey, email):
    return survey.invitations.get(email=email.lower())


def _post_answers(client, survey, email, *, recorded="anonymous", answers=None):
    token = reflection.invitation_token(_invitation(survey, email))
    data = {"token": token, "recorded": recorded}
    for key, value in (answers or ANSWERS).items():
        data[key] = value
    return client.post(reverse("projects:survey_submit"), data)


# --- Opening the survey --------------------------------------------------------------------------


def test_opening_moves_the_project_to_reflecting_and_emails_everyone(
    programme_a, facilitator, analyst, django_capture_on_commit_callbacks
):
    project = _published(programme_a)
    partner = UserFactory(email="partner@example.org")
    on_team(project, partner)
    with django_capture_on_commit_callbacks(execute=True):
        survey = reflection.survey_start(project=project, user=facilitator)
    project.refresh_from_db()
    assert project.status == Status.REFLECTING
    assert project.events.last().action == "start_reflecting"
    emails = set(survey.invitations.values_list("email", flat=True))
    assert {facilitator.email, analyst.email, "partner@example.org"} <= emails
    assert {m.to[0] for m in mail.outbox} == emails
    assert all("/reflections/" in m.body for m in mail.outbox)


def test_opening_twice_invites_only_people_added_since(
    programme_a, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = _open(programme_a, facilitator)
    before = survey.invitations.count()
    mail.outbox.clear()
    on_team(survey.project, UserFactory(email="late@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        reflection.survey_start(project=survey.project, user=facilitator)
    assert survey.invitations.count() == before + 1
    assert [m.to for m in mail.outbox] == [["late@example.org"]]


def test_closing_the_project_closes_the_survey(programme_a, facilitator):
    survey = _open(programme_a, facilitator)
    project_transition(project=survey.project, user=facilitator, action="close")
    survey.refresh_from_db()
    assert not survey.is_open
    invitation = survey.invitations.first()
    assert not reflection.survey_answer(invitation=invitation, answers=ANSWERS, anonymous=True)


def test_the_facilitator_opens_it_from_the_page(programme_a, facilitator, client_for):
    project = _published(programme_a)
    response = client_for(facilitator).post(reverse("projects:survey_open", args=[project.pk]))
    assert response.status_code == 302
    assert ReflectionSurvey.objects.filter(project=project).exists()


def test_it_cannot_open_before_publishing(programme_a, facilitator, client_for):
    project = selected(programme_a)
    client_for(facilitator).post(reverse("projects:survey_open", args=[project.pk]))
    assert not ReflectionSurvey.objects.exists()


# --- Answering -----------------------------------------------------------------------------------


def test_an_anonymous_answer_is_linked_to_nobody(programme_a, facilitator, analyst, client_for):
    survey = _open(programme_a, facilitator)
    audit_before = LogEntry.objects.count()
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        response = _post_answers(client_for(analyst), survey, analyst.email)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:survey_thanks")

    stored = SurveyResponse.objects.get()
    assert stored.user is None
    assert stored.answered_on == timezone.localdate()
    assert _invitation(survey, analyst.email).answered
    assert stored.answers.count() == 5
    # No audit entry at all, let alone one naming them.
    assert LogEntry.objects.count() == audit_before
    # No log line names them.
    token = reflection.invitation_token(_invitation(survey, analyst.email))
    names = {analyst.email, str(analyst), token, f"user={analyst.pk}", f"user_id={analyst.pk}"}
    for record in records:
        text = record.getMessage() + " " + repr(record.__dict__.get("args"))
        assert not any(name in text for name in names), text


def test_no_table_can_join_an_anonymous_answer_to_its_author(programme_a, facilitator, analyst):
    """Whatever the schema grows, nothing relates the has-answered marker to the answers, and
    the answers keep no user and no time of day for an anonymous author."""
    survey = _open(programme_a, facilitator)
    reflection.survey_answer(
        invitation=_invitation(survey, analyst.email), answers=ANSWERS, anonymous=True
    )
    answer_models = {SurveyResponse, SurveyAnswer}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model in answer_models:
                assert model in answer_models | {ReflectionSurvey}, (model, field)
    for model in answer_models | {SurveyInvitation}:
        for field in model._meta.concrete_fields:
            if model in answer_models:
                assert not isinstance(field, models.DateTimeField), field
            if model is SurveyInvitation:
                assert not (field.is_relation and field.related_model in answer_models), field
    # And in the stored rows: the response's only link to a person is empty.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id FROM {SurveyResponse._meta.db_table}")  # noqa: S608
        assert cursor.fetchall() == [(None,)]
    assert not LogEntry.objects.filter(
        content_type__model__in=["surveyresponse", "surveyanswer", "surveyinvitation"]
    ).exists()
    assert not LogEntry.objects.filter(changes_text__icontains="food bank").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row versions")
def test_the_database_bookkeeping_does_not_single_out_the_author(programme_a, facilitator, analyst):
    """The response and the has-answered marker are written in one transaction, so they share
    a transaction id (xmin): so does every other invitation to the survey."""
    survey = _open(programme_a, facilitator)
    SurveyInvitation.objects.create(survey=survey, email="someone@example.org")
    reflection.survey_answer(
        invitation=_invitation(survey, analyst.email), answers=ANSWERS, anonymous=True
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {SurveyResponse._meta.db_table}")  # noqa: S608
        (response_xmin,) = cursor.fetchone()
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {SurveyInvitation._meta.db_table}"  # noqa: S608
            " WHERE survey_id = %s",
            [survey.pk],
        )
        assert cursor.fetchall() == [(response_xmin,)]


def test_a_named_answer_keeps_the_name(programme_a, facilitator, analyst, client_for):
    survey = _open(programme_a, facilitator)
    _post_answers(client_for(None), survey, analyst.email, recorded="named")
    assert SurveyResponse.objects.get().user == analyst


def test_one_answer_each(programme_a, facilitator, analyst, client_for):
    survey = _open(programme_a, facilitator)
    client = client_for(None)
    _post_answers(client, survey, analyst.email)
    response = _post_answers(client, survey, analyst.email)
    assert response.status_code == 200
    assert "You have answered already" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"recorded": "anonymous"}, "Answer at least one question"),
        ({"selection": "well"}, "Choose whether to answer with your name or anonymously"),
        ({"recorded": "anonymous", "selection": "nonsense"}, "Select a valid choice"),
    ],
)
def test_bad_answers_get_a_clear_error(programme_a, facilitator, analyst, client_for, data, error):
    survey = _open(programme_a, facilitator)
    data["token"] = reflection.invitation_token(_invitation(survey, analyst.email))
    response = client_for(None).post(reverse("projects:survey_submit"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not SurveyResponse.objects.exists()
    assert not _invitation(survey, analyst.email).answered


def test_a_forged_token_is_not_found(client_for, programme_a):
    assert client_for(None).get(reverse("projects:survey_link", args=["forged"])).status_code == 404
    response = client_for(None).post(reverse("projects:survey_submit"), {"token": "forged"})
    assert response.status_code == 404


def test_the_link_shows_the_questions_without_signing_in(programme_a, facilitator, client_for):
    survey = _open(programme_a, facilitator)
    token = reflection.invitation_token(survey.invitations.first())
    page = client_for(None).get(reverse("projects:survey_link", args=[token])).content.decode()
    assert "How should we record your answers?" in page
    assert f'action="{reverse("projects:survey_submit")}"' in page


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_to_those_who_have_not_answered(
    programme_a, facilitator, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = _open(programme_a, facilitator)
    reflection.survey_answer(
        invitation=_invitation(survey, analyst.email), answers=ANSWERS, anonymous=True
    )
    SurveyInvitation.objects.update(emailed_at=timezone.now() - timedelta(days=8))
    mail.outbox.clear()
    sent = survey_reminders_send()
    assert sent == survey.invitations.count() - 1
    assert analyst.email not in {m.to[0] for m in mail.outbox}
    assert survey_reminders_send() == 0  # a second run sends nothing


def test_no_reminder_before_a_week(programme_a, facilitator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _open(programme_a, facilitator)
    assert survey_reminders_send() == 0


# --- Results -------------------------------------------------------------------------------------


def _answered(programme, facilitator, n: int):
    survey = _open(programme, facilitator)
    for i in range(n):
        invitation = SurveyInvitation.objects.create(survey=survey, email=f"p{i}@example.org")
        answers = dict(ANSWERS, relationships_text=f"Answer number {i}")
        if i == 0:
            answers["checks"] = "fewer"
        reflection.survey_answer(invitation=invitation, answers=answers, anonymous=True)
    return survey


def test_results_wait_for_enough_answers(programme_a, facilitator, client_for):
    survey = _answered(programme_a, facilitator, 2)
    url = reverse("projects:survey_results", args=[survey.project.pk])
    page = client_for(facilitator).get(url).content.decode()
    assert "Results are shown once at least 3 people have answered" in page
    assert "Answer number" not in page


def test_project_results_have_charts_tables_and_text(programme_a, facilitator, client_for):
    survey = _answered(programme_a, facilitator, 4)
    url = reverse("projects:survey_results", args=[survey.project.pk])
    page = client_for(facilitator).get(url).content.decode()
    assert page.count('role="img"') == 6
    assert "Answer number 3" in page
    assert "Which new relationships worked best, and why?" in page
    # Shown to the project's own team: small counts as they are.
    assert re.search(r"Fewer</th>\s*<td[^>]*>1</td>", page)


def test_programme_results_suppress_small_counts(programme_a, facilitator, client_for):
    _answered(programme_a, facilitator, 4)
    url = reverse("projects:programme_reflections", args=[programme_a.slug])
    page = client_for(facilitator).get(url).content.decode()
    assert re.search(r"Fewer</th>\s*<td[^>]*>fewer than 3</td>", page)
    assert re.search(r"More</th>\s*<td[^>]*>3</td>", page)


def test_choice_results_suppress_exactly_the_small_counts(programme_a, facilitator):
    survey = _answered(programme_a, facilitator, 4)
    checks = {
        r.question.key: r for r in reflection.choice_results(survey.responses.all(), suppress=True)
    }["checks"]
    assert [(c.value, c.count, c.shown) for c in checks.counts] == [
        ("more", 3, "3"),
        ("same", 0, "0"),
        ("fewer", 1, "fewer than 3"),
    ]


def test_text_answers_filter_by_question(programme_a, facilitator, client_for):
    survey = _answered(programme_a, facilitator, 3)
    url = reverse("projects:survey_results", args=[survey.project.pk])
    page = client_for(facilitator).get(url, {"question": "impact_text"}).content.decode()
    assert "Answer number" not in page
    assert "No written answers to this question" in page


@pytest.mark.parametrize("n", [3, 30])
def test_results_query_count_is_constant(
    programme_a, facilitator, client_for, django_assert_max_num_queries, n
):
    survey = _answered(programme_a, facilitator, n)
    client = client_for(facilitator)
    url = reverse("projects:survey_results", args=[survey.project.pk])
    client.get(url)  # the charts are drawn once, then kept
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    url = reverse("projects:programme_reflections", args=[programme_a.slug])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# --- The retrospective board ---------------------------------------------------------------------


def _board(programme):
    return reverse("projects:board", args=[_published(programme).pk])


def test_cards_are_added_changed_and_removed_by_their_author(
    programme_a, analyst, team_member, client_for
):
    url = _board(programme_a)
    client = client_for(analyst)
    response = client.post(url, {"column": "worked", "text": "Weekly check-ins"})
    assert response.status_code == 302
    card = RetroCard.objects.get()
    assert card.author == analyst
    edit = reverse("projects:card_edit", args=[card.project_id, card.pk])
    client.post(edit, {"column": "change", "text": "Check in twice a week"})
    card.refresh_from_db()
    assert (card.column, card.text) == ("change", "Check in twice a week")
    # Someone else on the team sees it but may not change it.
    assert client_for(team_member).post(edit, {"column": "worked", "text": "x"}).status_code == 403
    remove = reverse("projects:card_delete", args=[card.project_id, card.pk])
    assert client_for(team_member).post(remove).status_code == 403
    client.post(remove)
    assert not RetroCard.objects.exists()


def test_an_empty_card_gets_an_error(programme_a, analyst, client_for):
    response = client_for(analyst).post(_board(programme_a), {})
    page = response.content.decode()
    assert "Choose the column for the card" in page and "Enter what you want to say" in page


def test_the_facilitator_merges_cards_and_marks_actions(
    programme_a, facilitator, analyst, client_for
):
    project = _published(programme_a)
    one = RetroCard.objects.create(
        project=project, column="didnt", text="Late data", author=analyst
    )
    two = RetroCard.objects.create(project=project, column="didnt", text="Data came late")
    client = client_for(facilitator)
    merge = reverse("projects:card_merge", args=[project.pk, two.pk])
    assert client_for(analyst).post(merge, {"into": one.pk}).status_code == 403
    client.post(merge, {"into": one.pk})
    two.refresh_from_db()
    assert two.merged_into == one
    client.post(reverse("projects:card_action", args=[project.pk, one.pk]))
    one.refresh_from_db()
    assert one.is_action
    page = client.get(reverse("projects:board", args=[project.pk])).content.decode()
    assert "Also said:" in page and "Data came late" in page and ">Action<" in page


def test_the_board_works_without_javascript(programme_a, analyst, client_for):
    page = client_for(analyst).get(_board(programme_a)).content.decode()
    assert '<form method="post"' in page
    assert 'name="column"' in page and 'name="text"' in page


@pytest.mark.parametrize("n", [2, 20])
def test_board_query_count_is_constant(
    programme_a, analyst, client_for, django_assert_max_num_queries, n
):
    project = _published(programme_a)
    for i in range(n):
        card = RetroCard.objects.create(
            project=project, column=RetroCard.Column.values[i % 3], text=f"Card {i}", author=analyst
        )
        RetroCard.objects.create(project=project, column=card.column, text="dup", merged_into=card)
    client = client_for(analyst)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("projects:board", args=[project.pk])).status_code == 200


# --- Lessons -------------------------------------------------------------------------------------


def test_a_lesson_from_an_answer_appears_in_the_help_of_its_step(
    programme_a, facilitator, analyst, client_for
):
    survey = _answered(programme_a, facilitator, 3)
    answer = SurveyAnswer.objects.exclude(text="").first()
    client = client_for(facilitator)
    new = reverse("projects:lesson_new", args=[programme_a.slug])
    form = client.get(new, {"answer": answer.pk}).content.decode()
    assert "Answer number" in form
    response = client.post(
        f"{new}?answer={answer.pk}",
        {"step": "solutions", "title": "Meet monthly", "body": "Keep the *habit*."},
    )
    lesson = Lesson.objects.get()
    assert response["Location"] == lesson.get_absolute_url()
    assert (lesson.project, lesson.phase) == (survey.project, "during")
    assert b"<em>habit</em>" in client.get(lesson.get_absolute_url()).content
    # Another project's solutions page shows it; the project it came from does not.
    other = at(candidate(programme_a, "Who misses school?"), Status.EXPLORING)
    on_team(other, analyst)
    page = client_for(analyst).get(reverse("projects:solutions", args=[other.pk])).content
    assert b"What other projects learnt at this step" in page and b"Meet monthly" in page
    page = client.get(reverse("projects:solutions", args=[survey.project.pk])).content
    assert b"Meet monthly" not in page


def test_a_lesson_from_a_card(programme_a, facilitator, analyst, client_for):
    project = _published(programme_a)
    card = RetroCard.objects.create(project=project, column="change", text="Invite data owners")
    new = reverse("projects:lesson_new", args=[programme_a.slug])
    page = client_for(facilitator).get(new, {"card": card.pk}).content.decode()
    assert "Invite data owners" in page
    assert client_for(analyst).get(new, {"card": card.pk}).status_code == 403


def test_an_empty_lesson_gets_errors(programme_a, facilitator, client_for):
    response = client_for(facilitator).post(reverse("projects:lesson_new", args=[programme_a.slug]))
    page = response.content.decode()
    assert "Choose the step the lesson is about" in page
    assert "Enter the lesson in a sentence" in page


def test_only_public_lessons_reach_people_outside_the_programme(programme_a, vcs_partner):
    from projects.lessons import lessons_for_step

    Lesson.objects.create(programme=programme_a, step=Step.SCOPING, title="Private", body="x")
    Lesson.objects.create(
        programme=programme_a, step=Step.SCOPING, title="Public", body="x", is_public=True
    )
    found = lessons_for_step(programme=programme_a, step=Step.SCOPING, user=vcs_partner)
    assert [lesson.title for lesson in found] == ["Public"]


@pytest.mark.parametrize("n", [2, 40])
def test_lesson_list_query_count_is_constant(
    programme_a, facilitator, client_for, django_assert_max_num_queries, n
):
    project = selected(programme_a)
    for i in range(n):
        Lesson.objects.create(
            programme=programme_a, project=project, step=Step.SCOPING, title=f"L{i}", body="b"
        )
    client = client_for(facilitator)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("projects:lessons", args=[programme_a.slug]), {"step": "scoping"})
    assert page.status_code == 200


# --- Method changes ------------------------------------------------------------------------------


def test_a_method_change_is_published_on_the_public_page(programme_a, facilitator, client_for):
    public = reverse("landing:programme", args=[programme_a.slug])
    anonymous = client_for(None)
    assert b"How we have changed the way we work" not in anonymous.get(public).content
    client_for(facilitator).post(
        reverse("projects:method_changes", args=[programme_a.slug]),
        {"version": "1.1", "summary": "Safety checks start at scoping", "body": "**Earlier**"},
    )
    assert MethodChange.objects.get().created_by == facilitator
    page = anonymous.get(public).content.decode()  # the cached page was invalidated
    assert "Safety checks start at scoping" in page
    changelog = anonymous.get(reverse("landing:method_changes", args=[programme_a.slug]))
    assert "<strong>Earlier</strong>" in changelog.content.decode()


def test_a_version_is_published_once(programme_a, facilitator, client_for):
    MethodChange.objects.create(programme=programme_a, version="1.1", summary="First")
    response = client_for(facilitator).post(
        reverse("projects:method_changes", args=[programme_a.slug]),
        {"version": "1.1", "summary": "Again"},
    )
    assert "Version 1.1 is already published: choose another" in response.content.decode()


@given(n=st.integers(min_value=0, max_value=10_000), suppress=st.booleans())
def test_a_count_is_shown_exactly_unless_it_is_small_and_shown_beyond_the_team(n, suppress):
    shown = reflection.shown_count(n, suppress=suppress)
    if suppress and 0 < n < reflection.SMALL:
        assert shown == f"fewer than {reflection.SMALL}" and str(n) not in shown
    else:
        assert shown == str(n)


@pytest.mark.parametrize("n", [2, 40])
def test_method_change_lists_query_count_is_constant(
    programme_a, facilitator, client_for, django_assert_max_num_queries, n
):
    MethodChange.objects.bulk_create(
        MethodChange(programme=programme_a, version=f"1.{i}", summary=f"Change {i}", body="*b*")
        for i in range(n)
    )
    client, anonymous = client_for(facilitator), client_for(None)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("projects:method_changes", args=[programme_a.slug]))
    assert page.status_code == 200
    with django_assert_max_num_queries(4):
        page = anonymous.get(reverse("landing:method_changes", args=[programme_a.slug]))
    assert page.status_code == 200 and "Change 1" in page.content.decode()
