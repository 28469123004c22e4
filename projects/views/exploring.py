"""Exploring solutions: the phase's overview, similar work, the research log, solution ideas with
their sketches, and the skills each needs from the project team."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from projects import exploring, files
from projects.access import get_project_for_user
from projects.forms.exploring import (
    ResearchSessionForm,
    SimilarWorkForm,
    SkillsForm,
    SolutionIdeaForm,
)
from projects.models import Project, ResearchSession, SolutionIdea
from projects.phase import overview
from projects.safety_inputs import publication_suppressions, solution_data_uses

SIGNED_IN = "projects.open_idea_pages"
WORK = "projects.work_on_solutions"


def work_project(request: HttpRequest, pk: int) -> Project:
    """The project, for its core team and project team (404 to others who may not know it)."""
    return get_project_for_user(request, pk, WORK)


def closed(request: HttpRequest, project: Project) -> HttpResponse | None:
    """A redirect when someone posts to a project whose records can no longer change."""
    if request.method == "POST" and not exploring.is_open(project):
        status = project.get_status_display().lower()
        messages.info(request, f"The project is {status}, so these records can no longer change.")
        return redirect("projects:solutions", pk=project.pk)
    return None


@require_safe
@requires(SIGNED_IN)
def solutions(request: HttpRequest, pk: int) -> HttpResponse:
    """The phase on one page: exploring, testing and publishing, step by step."""
    project = work_project(request, pk)
    context = {
        "project": project,
        "idea": project.idea,
        "steps": overview(project),
        "ideas": paginate(request, project.solution_ideas.all(), parameter="ideas"),
        "drafts": paginate(request, project.insights.all(), parameter="insights"),
        "uses": solution_data_uses(project),
        "suppressions": publication_suppressions(project),
        "is_open": exploring.is_open(project),
    }
    return render(request, "projects/exploring/solutions.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def similar_work(request: HttpRequest, pk: int) -> HttpResponse:
    """Approaches elsewhere the team can learn from, and a form to add one."""
    project = work_project(request, pk)
    if response := closed(request, project):
        return response
    form = SimilarWorkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        item = exploring.similar_work_add(project=project, user=request.user, **form.cleaned_data)
        messages.success(request, f"‘{item.title}’ has been added.")
        return redirect("projects:similar_work", pk=project.pk)
    page = paginate(request, project.similar_work.select_related("added_by"))
    context = {"project": project, "idea": project.idea, "form": form, "page": page}
    context["is_open"] = exploring.is_open(project)
    return render(request, "projects/exploring/similar_work.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def similar_work_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    project = work_project(request, pk)
    work = get_object_or_404(project.similar_work, pk=item)
    if response := closed(request, project):
        return response
    if request.method == "POST":
        work.delete()
        messages.success(request, f"‘{work.title}’ has been removed.")
        return redirect("projects:similar_work", pk=project.pk)
    context = {"project": project, "idea": project.idea, "work": work}
    return render(request, "projects/exploring/similar_work_remove.html", context)


@require_safe
@requires(SIGNED_IN)
def research(request: HttpRequest, pk: int) -> HttpResponse:
    """The qualitative research log: interviews and group sessions, planned and held."""
    project = work_project(request, pk)
    page = paginate(request, project.research_sessions.select_related("recorded_by"))
    context = {"project": project, "idea": project.idea, "page": page}
    context["is_open"] = exploring.is_open(project)
    return render(request, "projects/exploring/research.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def research_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    """Plan or record a session. Its text is checked for personal data before it is saved."""
    project = work_project(request, pk)
    session = (
        get_object_or_404(project.research_sessions, pk=item)
        if item
        else ResearchSession(project=project)
    )
    if response := closed(request, project):
        return response
    form = ResearchSessionForm(posted(request), instance=session)
    if request.method == "POST" and form.is_valid():
        exploring.research_session_save(
            session=form.save(commit=False),
            user=request.user,
            kept_identifiers=form.kept_identifiers,
        )
        messages.success(request, "The research session has been saved.")
        return redirect("projects:research", pk=project.pk)
    context = {"project": project, "idea": project.idea, "form": form, "session": session}
    return render(request, "projects/exploring/research_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def solution_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    """Record a solution idea from the workshop, or change one, with an optional sketch."""
    project = work_project(request, pk)
    idea = (
        get_object_or_404(project.solution_ideas, pk=item)
        if item
        else SolutionIdea(project=project)
    )
    if response := closed(request, project):
        return response
    data = posted(request)
    form = SolutionIdeaForm(
        data,
        request.FILES if data is not None else None,
        instance=idea,
        data_sources=project.idea.data_sources.all(),
    )
    if request.method == "POST" and form.is_valid():
        sketch = None
        if upload := form.cleaned_data.get("sketch"):
            try:
                sketch = files.clean_sketch(upload)
            except files.NotAnImage as problem:
                form.add_error("sketch", str(problem))
        if not form.errors:
            saved = exploring.solution_idea_save(
                idea=form.save(commit=False), user=request.user, sketch=sketch
            )
            form.save_m2m()
            messages.success(request, f"‘{saved.title}’ has been saved.")
            return redirect(saved)
    context = {"project": project, "idea": project.idea, "form": form, "solution": idea}
    return render(request, "projects/exploring/solution_edit.html", context)


@require_safe
@requires(SIGNED_IN)
def solution(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    project = work_project(request, pk)
    idea = get_object_or_404(project.solution_ideas.prefetch_related("data_sources"), pk=item)
    context = {
        "project": project,
        "idea": project.idea,
        "solution": idea,
        "skills": exploring.skills_table(idea),
        "is_open": exploring.is_open(project),
    }
    return render(request, "projects/exploring/solution.html", context)


@require_safe
@requires(SIGNED_IN)
def solution_sketch(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The sketch, decrypted for the project team only; never cached or stored by the browser."""
    project = work_project(request, pk)
    idea = get_object_or_404(project.solution_ideas.exclude(sketch_name=""), pk=item)
    response = HttpResponse(
        files.read(idea.sketch_name), content_type=files.CONTENT_TYPES[idea.sketch_format]
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="sketch.{idea.sketch_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def solution_skills(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Who on the project team brings each skill the solution needs; the rest are gaps."""
    project = work_project(request, pk)
    idea = get_object_or_404(project.solution_ideas, pk=item)
    if response := closed(request, project):
        return response
    members = list(project.members.order_by("name"))
    current = {need.skill: need.filled_by_id for need in idea.skill_needs.all()}
    form = SkillsForm(
        posted(request), skills=exploring.needed_skills(idea), members=members, current=current
    )
    if request.method == "POST" and form.is_valid():
        exploring.solution_skills_save(idea=idea, chosen=form.chosen())
        messages.success(request, "Who brings each skill has been saved.")
        return redirect(idea)
    context = {"project": project, "idea": project.idea, "solution": idea, "form": form}
    context["members"] = members
    return render(request, "projects/exploring/solution_skills.html", context)
