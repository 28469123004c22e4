"""Selection: scores, the comparison table, the decision, the project team and interest."""

from __future__ import annotations

from contextlib import suppress

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from projects import selection
from projects.access import get_project_for_user
from projects.forms.selection import (
    AnnounceForm,
    DecisionForm,
    InterestForm,
    MemberForm,
    ScoreForm,
)
from projects.lifecycle import project_under_way
from projects.models import UNDER_WAY, InterestRegistration, Project, Status
from projects.services import TransitionBlocked
from scoping.models import SkillNeed
from scoping.queries import core_team_users
from teams.access import get_programme_for_user
from teams.roles import GUIDES
from teams.rules import is_programme_member

SIGNED_IN = "teams.open_programme_pages"
# Each candidate is a column of the criteria table, so fewer fit on a page.
CANDIDATES_PER_PAGE = 10


def _public_page(project: Project) -> str:
    return reverse("landing:programme", args=[project.idea.programme.slug]) + "#the-project"


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """A core-team member scores a candidate against each criterion, until the decision."""
    project = get_project_for_user(request, pk, "projects.score_project")
    is_open = project.status == Status.EVALUATED
    current = selection.scores_of(project=project, scorer=request.user)
    form = ScoreForm(posted(request) if is_open else None, initial=ScoreForm.initial_from(current))
    if request.method == "POST" and not is_open:
        messages.info(request, "The decision has been made, so scores can no longer change.")
        return redirect("projects:score", pk=project.pk)
    if request.method == "POST" and form.is_valid():
        try:
            selection.selection_scores_save(
                project=project, scorer=request.user, scores=form.scores()
            )
        except selection.ScoringClosed:
            messages.info(request, "The decision has been made, so scores can no longer change.")
            return redirect("projects:score", pk=project.pk)
        messages.success(request, f"Your scores for ‘{project.idea.title}’ have been saved.")
        return redirect("projects:selection", slug=project.idea.programme.slug)
    context = {"project": project, "idea": project.idea, "form": form, "is_open": is_open}
    context["has_scored"] = bool(current)
    return render(request, "projects/selection/score.html", context)


@require_safe
@requires(SIGNED_IN)
def comparison(request: HttpRequest, slug: str) -> HttpResponse:
    """The candidates waiting for a decision ranked by mean total score, with the spread and who
    has not scored, a page at a time; then the selected and parked ones, for reference."""
    programme = get_programme_for_user(request, slug, "projects.compare_candidates")
    waiting = paginate(request, selection.candidates(programme), per_page=CANDIDATES_PER_PAGE)
    decided = paginate(request, selection.decided(programme), parameter="decided")
    team = list(core_team_users(programme))
    comparison = selection.Comparison(
        candidates=selection.summaries_of(list(waiting.object_list), team=team),
        for_reference=selection.summaries_of(list(decided.object_list), team=team),
        team=team,
    )
    can_decide = request.user.has_perm("projects.decide_selection", programme)
    context = {
        "programme": programme,
        "comparison": comparison,
        "waiting": waiting,
        "decided": decided,
        # Shown only to whoever records the decision.
        "ready_to_decide": can_decide and selection.ready_to_decide(programme),
        "can_decide": can_decide,
        "can_score": is_programme_member(request.user, programme),
        "max_total": selection.MAX_TOTAL,
    }
    return render(request, "projects/selection/comparison.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator selects one candidate and parks the others, each with a reason."""
    programme = get_programme_for_user(request, slug, "projects.decide_selection")
    comparison = selection.compare(programme=programme)
    form = DecisionForm(posted(request), candidates=comparison.candidates)
    if request.method == "POST" and form.is_valid():
        chosen = form.selected_project()
        try:
            selection.selection_decide(
                user=request.user,
                selected=chosen,
                reason=form.cleaned_data["reason"],
                parked=form.parked(),
            )
        except TransitionBlocked as blocked:
            for problem in blocked.messages:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                f"‘{chosen.idea.title}’ is selected. Next, invite the project team and "
                "announce the project.",
            )
            return redirect("projects:team", pk=chosen.pk)
    context = {
        "programme": programme,
        "comparison": comparison,
        "form": form,
        "max_total": selection.MAX_TOTAL,
        "under_way": project_under_way(programme.pk),
    }
    return render(request, "projects/selection/decide.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator invites people to a selected project's team and sees who wants to join."""
    project = get_project_for_user(request, pk, "projects.manage_project_team")
    under_way = project.status in UNDER_WAY
    form = MemberForm(posted(request) if under_way else None, project=project)
    if request.method == "POST" and under_way and form.is_valid():
        try:
            member = selection.project_member_invite(
                project=project, invited_by=request.user, **form.cleaned_data
            )
        except selection.AlreadyOnTeam:
            form.add_error("email", "This person is already on the project team")
        else:
            messages.success(request, f"{member.name} has been invited and emailed.")
            return redirect("projects:team", pk=project.pk)
    context = {
        "project": project,
        "idea": project.idea,
        "form": form,
        "under_way": under_way,
        "members": project.members.select_related("organisation", "user"),
        "interest": paginate(
            request, project.interest.select_related("user").order_by("-created_at", "-pk")
        ),
        "role_suggestions": _role_suggestions(project),
    }
    return render(request, "projects/selection/team.html", context)


def _role_suggestions(project: Project) -> list[str]:
    """The idea's unfilled skills, then the guide's project roles."""
    unfilled = SkillNeed.objects.filter(
        idea=project.idea, filled_by__isnull=True, filled_by_name=""
    )
    skills = [str(need) for need in unfilled]
    roles = [str(guide.role.label) for guide in GUIDES.values()]
    return list(dict.fromkeys(skills + roles))


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk, "projects.manage_project_team")
    member = get_object_or_404(project.members, pk=member_pk)
    if request.method == "POST":
        selection.project_member_remove(member=member)
        messages.success(request, f"{member.name} has been taken off the project team.")
        return redirect("projects:team", pk=project.pk)
    context = {"project": project, "idea": project.idea, "member": member}
    return render(request, "projects/selection/member_remove.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator writes the public summary and shows the project on the public page."""
    project = get_project_for_user(request, pk, "projects.announce_project")
    under_way = project.status in UNDER_WAY
    initial = {"public_summary": project.public_summary}
    form = AnnounceForm(posted(request) if under_way else None, initial=initial)
    if request.method == "POST" and under_way and form.is_valid():
        selection.project_announce(
            project=project, user=request.user, public_summary=form.cleaned_data["public_summary"]
        )
        messages.success(request, f"‘{project.idea.title}’ is on the programme's public page.")
        return redirect(_public_page(project))
    context = {
        "project": project,
        "idea": project.idea,
        "form": form,
        "under_way": under_way,
        "members": project.members.select_related("organisation"),
    }
    return render(request, "projects/selection/announce.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone signed in registers their organisation's interest in an announced project."""
    project = get_project_for_user(
        request, pk, "projects.register_interest", view_perm="projects.see_announcement"
    )
    user = request.user
    existing = InterestRegistration.objects.filter(project=project, user=user).first()
    organisation = user.organisation.name if user.organisation_id else ""
    data = posted(request) if existing is None else None
    form = InterestForm(data, initial={"organisation_name": organisation})
    if request.method == "POST" and existing is None and form.is_valid():
        # A second tab may have got there first: the team has the registration either way.
        with suppress(selection.AlreadyRegistered):
            selection.interest_register(project=project, user=user, **form.cleaned_data)
        messages.success(
            request, "Thank you. The facilitator has your message and will be in touch."
        )
        return redirect(_public_page(project))
    context = {"project": project, "idea": project.idea, "form": form, "existing": existing}
    return render(request, "projects/selection/interest.html", context)
