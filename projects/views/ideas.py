"""Idea pages: submit, the facilitator's queue, messages, merge, and the project page."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import get_for_user, requires
from cip.forms import posted
from cip.pagination import paginate
from projects import services
from projects.access import get_project_for_user
from projects.forms.ideas import (
    IdeaFilterForm,
    IdeaForm,
    MergeForm,
    MessageForm,
    MoveForm,
    SearchForm,
)
from projects.lifecycle import BY_ACTION, available_actions
from projects.models import ENDED, UNDER_WAY, Project
from projects.next_steps import next_step
from projects.queries import filter_ideas, proposed_by, with_reply_state
from projects.services import TransitionBlocked
from scoping.models import Idea, IdeaMessage
from teams.access import get_programme_for_user
from teams.models import OfficeHourBooking, Organisation, Programme

# The merge page offers open ideas a page at a time, with a search by title.
MERGE_CHOICES_PER_PAGE = 10


@requires("projects.submit_idea")
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone signed in suggests an idea; the facilitator may do so on someone's behalf."""
    programme = get_object_or_404(Programme, slug=slug)
    for_others = request.user.has_perm("projects.submit_for_others", programme)
    form = IdeaForm(posted(request), for_others=for_others)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in IdeaForm.Meta.fields}
        proposer = form.cleaned_data["proposer"] if for_others else request.user
        organisation = (form.cleaned_data.get("organisation") if for_others else None) or (
            proposer.organisation if proposer else None
        )
        project = services.idea_submit(
            programme=programme,
            submitted_by=request.user,
            proposer=proposer,
            organisation=organisation,
            **fields,
        )
        messages.success(request, f"The idea has been sent to the {programme.name} team.")
        return redirect(project)
    return render(
        request,
        "projects/idea_new.html",
        {"programme": programme, "form": form, "for_others": for_others},
    )


@requires("projects.open_idea_pages")
@require_POST
def idea_from_booking(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on the facilitator's attendance page turns the conversation into an idea."""
    booking = get_for_user(
        request,
        OfficeHourBooking.objects.select_related("slot__programme"),
        view_perm="teams.view_booking",
        perm="projects.idea_from_booking",
        pk=pk,
    )
    project, created = services.idea_from_booking(booking=booking, user=request.user)
    if created:
        messages.success(request, "The conversation is now an idea. Check its title and details.")
    else:
        messages.info(request, "This booking has already been turned into an idea.")
    return redirect(project)


@require_safe
@requires("projects.open_idea_pages")
def idea_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's ideas, newest first, a page at a time, for its core team; filtered by
    status (`?status=`, which dashboards link to), proposing organisation and words."""
    programme = get_programme_for_user(request, slug, "teams.access_programme")
    projects = Project.objects.in_programme(programme)
    organisations = Organisation.objects.filter(ideas__programme=programme).distinct()
    form = IdeaFilterForm(request.GET or None, organisations=organisations)
    filters = form.filters() if form.is_bound else {}
    others = filter_ideas(projects, **{k: v for k, v in filters.items() if k != "status"})
    counts = dict(others.values_list("status").annotate(n=Count("pk")).order_by())
    form.show_counts(counts)
    status = filters.get("status", "")
    shown = with_reply_state(filter_ideas(others, status=status))
    shown = shown.select_related("idea__proposing_organisation", "idea__proposer").order_by(
        "-idea__created_at", "-pk"
    )
    context = {
        "programme": programme,
        "form": form,
        # The counts by status say how many are shown: the paginator need not count them again.
        "ideas": paginate(
            request, shown, count=counts.get(status, 0) if status else sum(counts.values())
        ),
        "filtered": bool(filters),
        "total": projects.count() if filters else sum(counts.values()),
    }
    return render(request, "projects/idea_queue.html", context)


@require_safe
@requires("projects.view_own_ideas")
def my_ideas(request: HttpRequest) -> HttpResponse:
    projects = (
        with_reply_state(proposed_by(request.user))
        .select_related("idea__programme", "idea__proposing_organisation")
        .order_by("-idea__created_at", "-pk")
    )
    return render(request, "projects/my_ideas.html", {"ideas": paginate(request, projects)})


@require_safe
@requires("projects.open_idea_pages")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page: the idea, its status and history, the messages and the moves."""
    project = get_project_for_user(request, pk, "projects.know_project")
    return render(request, "projects/project.html", _page(request, project))


def _page(request: HttpRequest, project: Project, **extra) -> dict:
    user, idea = request.user, project.idea
    notes = user.has_perm("projects.read_team_notes", project)
    thread = idea.messages.select_related("author")
    if not notes:
        thread = thread.exclude(kind=IdeaMessage.Kind.TEAM_NOTE)
    as_team = user.has_perm("projects.message_as_team", project)
    may_write = user.has_perm("projects.write_message", project)
    moves = [
        (t, MoveForm(transition=t, auto_id=f"{t.action}-%s"))
        for t in available_actions(project, user)
    ]
    return {
        "project": project,
        "idea": idea,
        # Newest first, a page at a time: a long-running project gathers many of both.
        "events": paginate(
            request,
            project.events.select_related("actor").order_by("-at", "-pk"),
            parameter="history",
        ),
        "thread": paginate(request, thread.order_by("-created_at", "-pk"), parameter="messages"),
        "sees_team_notes": notes,
        "message_form": MessageForm(as_team=as_team, auto_id="message-%s") if may_write else None,
        "moves": moves,
        "can_merge": user.has_perm("projects.merge_idea", project)
        and project.status in BY_ACTION["withdraw"].sources,
        "merged_ideas": idea.merged_ideas.all() if notes else (),
        "after_selection": project.status in UNDER_WAY
        and user.has_perm("projects.work_on_solutions", project),
        # The proposer's view: the team sees its own moves instead.
        "next_step": None if notes else next_step(project),
        **extra,
    }


@requires("projects.open_idea_pages")
@require_http_methods(["GET", "POST"])
def project_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Confirm a move (with its reason when it needs one); a blocked move says what is missing."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise Http404
    project = get_project_for_user(request, pk, transition.permission)
    form = MoveForm(posted(request), transition=transition)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_transition(
                project=project,
                user=request.user,
                action=action,
                reason=form.cleaned_data.get("reason", ""),
            )
        except TransitionBlocked as blocked:
            for problem in blocked.messages:
                form.add_error(None, problem)
        else:
            status = project.get_status_display().lower()
            messages.success(request, f"“{project.idea.title}” is now {status}.")
            return redirect(project)
    context = {"project": project, "idea": project.idea, "form": form, "transition": transition}
    return render(request, "projects/move.html", context)


@requires("projects.open_idea_pages")
@require_http_methods(["GET", "POST"])
def idea_message(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator asks the proposer for more or notes something for the team; the proposer
    replies."""
    project = get_project_for_user(request, pk, "projects.write_message")
    as_team = request.user.has_perm("projects.message_as_team", project)
    form = MessageForm(posted(request), as_team=as_team)
    if request.method == "POST" and form.is_valid():
        message = services.idea_message_add(
            idea=project.idea,
            author=request.user,
            kind=form.message_kind(),
            body=form.cleaned_data["body"],
        )
        messages.success(request, _sent(message, project.idea))
        return redirect(reverse("projects:project", args=[project.pk]) + "#messages")
    context = {"project": project, "idea": project.idea, "form": form, "as_team": as_team}
    return render(request, "projects/message.html", context)


def _sent(message: IdeaMessage, idea: Idea) -> str:
    if message.kind == IdeaMessage.Kind.TEAM_NOTE:
        return "Your note has been added for the core team."
    if message.kind == IdeaMessage.Kind.REPLY:
        return "Your reply has been sent to the team."
    if idea.proposer is None:
        return "Your request has been added. The proposer has no account here, so contact them."
    return f"Your request has been sent to {idea.proposer}."


@requires("projects.open_idea_pages")
@require_http_methods(["GET", "POST"])
def idea_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge a duplicate into another open idea of the same programme."""
    project = get_project_for_user(request, pk, "projects.merge_idea")
    idea = project.idea
    candidates = (
        Idea.objects.filter(programme_id=idea.programme_id, merged_into__isnull=True)
        .exclude(pk=idea.pk)
        .exclude(project__status__in=ENDED)
        .order_by("-created_at", "-pk")
    )
    search = SearchForm(request.GET)
    matching = candidates
    for word in search.words():
        matching = matching.filter(title__icontains=word)
    shown = paginate(request, matching, per_page=MERGE_CHOICES_PER_PAGE)
    form = MergeForm(posted(request), candidates=candidates, shown=shown.object_list)
    if request.method == "POST" and form.is_valid():
        kept = form.cleaned_data["into"]
        try:
            services.idea_merge(
                idea=idea, into=kept, user=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionBlocked as blocked:
            for problem in blocked.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, f"“{idea.title}” has been merged into this idea.")
            return redirect(kept.project)
    context = {"project": project, "idea": idea, "form": form, "search": search, "shown": shown}
    return render(request, "projects/merge.html", context)
