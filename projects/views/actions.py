"""Insights to actions: who registered interest, the actions meeting, the action pack (page and
PDF), the actions with their progress, and the actions a person's organisation owns."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from projects import actions
from projects.access import get_action_for_user, get_project_for_user
from projects.forms.actions import (
    ActionFilterForm,
    ActionForm,
    ActionPackForm,
    ActionsMeetingChangeForm,
    ActionsMeetingForm,
    InterestFilterForm,
    ProgressForm,
)
from projects.models import Action

SIGNED_IN = "projects.open_idea_pages"
MANAGE = "projects.manage_actions"


@require_safe
@requires(SIGNED_IN)
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's actions with their latest progress, and the facilitator's next steps."""
    project = get_project_for_user(request, pk, "projects.see_actions")
    filters = ActionFilterForm(request.GET or None)
    found = actions.actions_of(project)
    if filters.is_valid() and filters.cleaned_data["status"]:
        found = found.filter(status=filters.cleaned_data["status"])
    context = {
        "project": project,
        "idea": project.idea,
        "filters": filters,
        "page": paginate(request, found),
        "published": project.insights.published().exists(),
        "can_manage": request.user.has_perm(MANAGE, project),
        "meetings": project.actions_meetings.all()[:5],
    }
    return render(request, "projects/actions/actions.html", context)


@require_safe
@requires(SIGNED_IN)
def interest_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who registered interest in acting on the project's insights, newest first."""
    project = get_project_for_user(request, pk, MANAGE)
    filters = InterestFilterForm(request.GET or None, project=project)
    found = actions.interest_in(project)
    if filters.is_valid() and filters.cleaned_data["insight"]:
        found = found.filter(insight=filters.cleaned_data["insight"])
    context = {
        "project": project,
        "idea": project.idea,
        "filters": filters,
        "page": paginate(request, found),
        "meetings": project.actions_meetings.all()[:5],
    }
    return render(request, "projects/actions/interest.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator schedules an actions meeting."""
    project = get_project_for_user(request, pk, MANAGE)
    form = ActionsMeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        meeting = actions.actions_meeting_create(
            project=project, user=request.user, **form.meeting_fields()
        )
        messages.success(request, "The meeting has been added. Next, invite people to it.")
        return redirect(meeting)
    context = {"project": project, "idea": project.idea, "form": form}
    return render(request, "projects/actions/meeting_new.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The meeting and who is invited; posting invites everyone registered and not yet invited."""
    project = get_project_for_user(request, pk, MANAGE)
    found = get_object_or_404(project.actions_meetings, pk=item)
    if request.method == "POST" and found.has_started:
        messages.info(request, "This meeting has started, so nobody more can be invited to it.")
        return redirect(found)
    if request.method == "POST":
        new = actions.actions_meeting_invite(meeting=found, invited_by=request.user)
        if new:
            messages.success(
                request,
                f"{len(new)} {'person has' if len(new) == 1 else 'people have'} been invited "
                "and emailed a calendar invitation.",
            )
        else:
            messages.info(request, "Everyone who registered interest is already invited.")
        return redirect(found)
    context = {
        "project": project,
        "idea": project.idea,
        "meeting": found,
        "invitations": paginate(request, found.invitations.select_related("user")),
        "registered": actions.interest_in(project).values("user").distinct().count(),
    }
    return render(request, "projects/actions/meeting.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The facilitator changes the meeting's time or place; everyone invited gets an update."""
    project = get_project_for_user(request, pk, MANAGE)
    found = get_object_or_404(project.actions_meetings, pk=item)
    if found.has_started:
        messages.info(request, "This meeting has started, so its time and place cannot change.")
        return redirect(found)
    form = ActionsMeetingChangeForm(
        posted(request), initial=ActionsMeetingChangeForm.initial_for(found)
    )
    if request.method == "POST" and form.is_valid():
        if actions.actions_meeting_reschedule(meeting=found, **form.meeting_fields()):
            messages.success(
                request,
                f"The meeting is now {found.when}. Everyone already invited will get an "
                "updated invitation by email.",
            )
        else:
            messages.info(request, "Nothing changed, so nobody has been emailed.")
        return redirect(found)
    context = {"project": project, "idea": project.idea, "meeting": found, "form": form}
    return render(request, "projects/actions/meeting_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator writes the action pack's prompts and routes."""
    project = get_project_for_user(request, pk, MANAGE)
    form = ActionPackForm(posted(request), instance=actions.action_pack_of(project))
    if request.method == "POST" and form.is_valid():
        actions.action_pack_save(pack=form.save(commit=False), user=request.user)
        messages.success(request, "The action pack has been saved.")
        return redirect("projects:action_pack", pk=project.pk)
    context = {"project": project, "idea": project.idea, "form": form}
    context["published"] = project.insights.published().count()
    return render(request, "projects/actions/pack.html", context)


@require_safe
@requires(SIGNED_IN)
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The action pack with the project's published insights, as a PDF for the team and the
    people invited to an actions meeting (who may not otherwise know the project)."""
    from cip.pdf import template_to_pdf  # noqa: PLC0415 (WeasyPrint is slow to import: only here)

    perm = "projects.view_action_pack"
    project = get_project_for_user(request, pk, perm, view_perm=perm)
    pdf = template_to_pdf("projects/actions/pack_pdf.html", actions.pack_contents(project))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="action-pack-{project.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator records an action an organisation agreed to take."""
    project = get_project_for_user(request, pk, MANAGE)
    form = ActionForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        saved = actions.action_save(action=form.save(commit=False), user=request.user)
        messages.success(request, f"‘{saved.title}’ has been added.")
        return redirect(saved)
    context = {"project": project, "idea": project.idea, "form": form}
    context["published"] = project.insights.published().exists()
    return render(request, "projects/actions/action_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The facilitator or the owner changes the action, its due date or the public consent."""
    found = get_action_for_user(request, pk, item, "projects.update_action")
    project = found.insight.project
    choose_owner = request.user.has_perm(MANAGE, project)
    can_agree = request.user.has_perm("projects.agree_action_public", found)
    form = ActionForm(
        posted(request),
        instance=found,
        project=project,
        choose_owner=choose_owner,
        can_agree=can_agree,
    )
    if request.method == "POST" and form.is_valid():
        agrees = form.cleaned_data["agrees_public"] if can_agree else None
        actions.action_save(action=form.save(commit=False), user=request.user, agrees_public=agrees)
        messages.success(request, f"‘{found.title}’ has been saved.")
        return redirect(found)
    context = {"project": project, "idea": project.idea, "form": form, "action": found}
    context |= {"published": True, "can_agree": can_agree}
    return render(request, "projects/actions/action_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """An action and its progress notes; its owner (and the facilitator) add an update."""
    found = get_action_for_user(request, pk, item, "projects.see_action")
    can_update = request.user.has_perm("projects.update_action", found)
    if request.method == "POST" and not can_update:
        raise PermissionDenied
    form = ProgressForm(posted(request), initial={"status": found.status}) if can_update else None
    if form is not None and request.method == "POST" and form.is_valid():
        actions.action_progress_add(action=found, user=request.user, **form.cleaned_data)
        messages.success(request, "Your update has been added.")
        return redirect(found)
    context = {
        "project": found.insight.project,
        "idea": found.insight.project.idea,
        "action": found,
        "form": form,
        "can_update": can_update,
        "can_see_list": request.user.has_perm("projects.see_actions", found.insight.project),
        "notes": paginate(request, found.progress.select_related("author")),
    }
    return render(request, "projects/actions/action.html", context)


@require_safe
@requires("projects.view_own_actions")
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions the person's organisation owns, soonest due first."""
    context = {"page": paginate(request, actions.actions_owned_by(request.user))}
    context["statuses"] = Action.Status
    return render(request, "projects/actions/mine.html", context)
