"""Reflecting on a project: the survey (opened by the facilitator, answered from an emailed link,
named or anonymously), its results, and the team's retrospective board."""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import get_for_user, requires
from cip.forms import posted
from cip.pagination import paginate
from projects import reflection, retro
from projects.access import get_project_for_user
from projects.forms.reflection import CardForm, MergeForm, SurveyForm
from projects.models import Project, ReflectionSurvey, RetroCard, Status
from projects.services import TransitionBlocked
from projects.views.exploring import SIGNED_IN, WORK
from teams.access import get_programme_for_user

BOARD_OPEN = (Status.PUBLISHED, Status.REFLECTING)


def _survey(project: Project) -> ReflectionSurvey | None:
    return ReflectionSurvey.objects.filter(project=project).first()


@require_safe
@requires(SIGNED_IN)
def reflections(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's reflections: the survey's progress, its results and the board."""
    project = get_project_for_user(request, pk, WORK)
    survey = _survey(project)
    context = {
        "project": project,
        "idea": project.idea,
        "survey": survey,
        "progress": reflection.survey_progress(survey) if survey else None,
        "can_run": request.user.has_perm("projects.run_reflections", project),
        "can_open": project.status in BOARD_OPEN and (survey is None or survey.is_open),
        "small": reflection.SMALL,
    }
    return render(request, "projects/reflection/reflections.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator opens the survey (a published project starts reflecting) and everyone
    involved is emailed a link; opened again, it invites people added since."""
    project = get_project_for_user(request, pk, "projects.run_reflections")
    if project.status not in BOARD_OPEN:
        messages.info(request, "The survey opens once the project has published its insights.")
        return redirect("projects:reflections", pk=project.pk)
    if request.method == "POST":
        try:
            reflection.survey_start(project=project, user=request.user)
        except TransitionBlocked as blocked:
            messages.error(request, blocked.messages[0])
        else:
            messages.success(request, "The survey is open. Everyone involved is being emailed.")
        return redirect("projects:reflections", pk=project.pk)
    context = {
        "project": project,
        "idea": project.idea,
        "people": len(reflection.people_involved(project)),
        "survey": _survey(project),
    }
    return render(request, "projects/reflection/survey_open.html", context)


@never_cache  # the page of someone's own link: no shared cache keeps it
@require_safe
def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the questions, for whoever holds it (no account needed)."""
    invitation = reflection.invitation_from_token(token)
    if invitation is None:
        raise Http404
    return _survey_page(request, invitation, SurveyForm(initial={"token": token}))


def _survey_page(request: HttpRequest, invitation, form: SurveyForm) -> HttpResponse:
    survey = invitation.survey
    context = {
        "idea": survey.project.idea,
        "programme": survey.project.idea.programme,
        "form": form,
        "answered": invitation.answered,
        "closed": not survey.is_open,
    }
    return render(request, "projects/reflection/survey.html", context)


@never_cache
@require_POST
def survey_submit(request: HttpRequest) -> HttpResponse:
    """The answers, posted to an address without the token (so that no access log ties them to
    the emailed link), then a thank-you page without it either. Nothing here is logged."""
    invitation = reflection.invitation_from_token(request.POST.get("token", ""))
    if invitation is None:
        raise Http404
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _survey_page(request, invitation, form)
    if not reflection.survey_answer(
        invitation=invitation, answers=form.answers(), anonymous=form.anonymous
    ):
        return _survey_page(request, invitation, SurveyForm())
    return redirect("projects:survey_thanks")


@require_safe
def survey_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/reflection/survey_thanks.html")


@require_safe
@requires(SIGNED_IN)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's results for the people who worked on it: counts, charts and the free
    text, once enough people have answered that no one's answers stand out."""
    project = get_project_for_user(request, pk, WORK)
    survey = _survey(project)
    responses = survey.responses.all() if survey else None
    return _results_page(
        request,
        responses,
        suppress=False,
        context={"project": project, "idea": project.idea, "scope": "project"},
    )


@require_safe
@requires(SIGNED_IN)
def programme_results(request: HttpRequest, slug: str) -> HttpResponse:
    """Results across the programme's projects, small counts suppressed."""
    programme = get_programme_for_user(request, slug, "projects.see_programme_reflections")
    return _results_page(
        request,
        reflection.programme_responses(programme),
        suppress=True,
        context={"programme": programme, "scope": "programme"},
    )


def _results_page(request, responses, *, suppress: bool, context: dict) -> HttpResponse:
    count = responses.count() if responses is not None else 0
    context |= {"count": count, "small": reflection.SMALL, "enough": count >= reflection.SMALL}
    if context["enough"]:
        question = request.GET.get("question", "")
        question = question if question in reflection.BY_KEY else ""
        choices = reflection.choice_results(responses, suppress=suppress)
        context["charts"] = [
            (result, reflection.result_chart(result, id_prefix=f"chart-{result.question.key}"))
            for result in choices
        ]
        texts = paginate(request, reflection.text_answers(responses, question))
        context["texts"] = texts
        context["groups"] = [
            (getattr(reflection.BY_KEY.get(key), "label", key), list(answers))
            for key, answers in groupby(texts.object_list, key=attrgetter("question"))
        ]
        context["questions"] = [q for q in reflection.QUESTIONS if q.kind == reflection.TEXT]
        context["question"] = question
        context["can_make_lessons"] = request.user.has_perm(
            "projects.write_lessons", context.get("programme") or context["project"].programme
        )
    return render(request, "projects/reflection/results.html", context)


# --- The retrospective board --------------------------------------------------------------------


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The board in three columns, and a form to add a card."""
    project = get_project_for_user(request, pk, WORK)
    is_open = project.status in BOARD_OPEN
    form = CardForm(posted(request) if is_open else None, initial=request.GET or None)
    if request.method == "POST" and not is_open:
        messages.info(request, "The board is open while the project is reflecting.")
        return redirect("projects:board", pk=project.pk)
    if request.method == "POST" and form.is_valid():
        card = form.save(commit=False)
        card.project, card.author = project, request.user
        card.save()
        messages.success(request, "Your card has been added.")
        return redirect("projects:board", pk=project.pk)
    context = {
        "project": project,
        "idea": project.idea,
        "columns": retro.board(project),
        "form": form,
        "is_open": is_open,
        "can_arrange": request.user.has_perm("projects.arrange_cards", RetroCard(project=project)),
        "can_make_lessons": request.user.has_perm("projects.write_lessons", project.programme),
    }
    return render(request, "projects/reflection/board.html", context)


def _card(request: HttpRequest, pk: int, card: int, perm: str) -> RetroCard:
    found = get_for_user(
        request,
        RetroCard.objects.select_related("project__idea__programme", "author"),
        view_perm="projects.see_card",
        perm=perm,
        project_id=pk,
        pk=card,
    )
    if found.project.status not in BOARD_OPEN and request.method == "POST":
        raise PermissionDenied
    return found


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def card_edit(request: HttpRequest, pk: int, card: int) -> HttpResponse:
    found = _card(request, pk, card, "projects.change_card")
    form = CardForm(posted(request), instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your card has been changed.")
        return redirect("projects:board", pk=pk)
    context = {"project": found.project, "idea": found.project.idea, "form": form}
    return render(request, "projects/reflection/card_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def card_delete(request: HttpRequest, pk: int, card: int) -> HttpResponse:
    found = _card(request, pk, card, "projects.change_card")
    if request.method == "POST":
        retro.card_delete(card=found)
        messages.success(request, "Your card has been removed.")
        return redirect("projects:board", pk=pk)
    context = {"project": found.project, "idea": found.project.idea, "card": found}
    return render(request, "projects/reflection/card_delete.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def card_merge(request: HttpRequest, pk: int, card: int) -> HttpResponse:
    """The facilitator merges a card into one that says the same."""
    found = _card(request, pk, card, "projects.arrange_cards")
    form = MergeForm(posted(request), card=found)
    if request.method == "POST" and form.is_valid():
        retro.card_merge(card=found, into=form.cleaned_data["into"])
        messages.success(request, "The cards have been merged.")
        return redirect("projects:board", pk=pk)
    context = {"project": found.project, "idea": found.project.idea, "form": form, "card": found}
    return render(request, "projects/reflection/card_merge.html", context)


@requires(SIGNED_IN)
@require_POST
def card_action(request: HttpRequest, pk: int, card: int) -> HttpResponse:
    """The facilitator marks a card as an action to take, or unmarks it."""
    found = _card(request, pk, card, "projects.arrange_cards")
    retro.card_mark_action(card=found, is_action=not found.is_action)
    messages.success(
        request, "The card is marked as an action." if found.is_action else "The mark is removed."
    )
    return redirect("projects:board", pk=pk)
