"""Scoping pages: sessions, invitations, preparation, the question, the data inventory,
skills and the evaluation summary.

Every page asks one permission of `scoping/rules.py` through an access helper below: people who
may not know the idea or session get 404, people who may see it but lack the right get 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import get_for_user, requires
from cip.forms import posted
from cip.pagination import paginate
from scoping import services
from scoping.forms import (
    DataSourceForm,
    EvaluationForm,
    FramingForm,
    InvitationForm,
    PreparationForm,
    ProgrammeDataSetForm,
    SessionChangeForm,
    SessionForm,
    SkillNeedForm,
)
from scoping.models import (
    FRAMING_FIELDS,
    DataSource,
    EvaluationSummary,
    Idea,
    ProgrammeDataSet,
    ScopingSession,
    SessionInvitation,
    SessionRole,
    SkillNeed,
    missing_roles,
)
from scoping.public_data import suggestion, suggestions_for
from scoping.queries import (
    core_team_users,
    data_safety_draft,
    existing_work_draft,
    inventory,
    invitable_people,
    people_and_skills_draft,
    skill_suggestions,
)
from teams.access import get_programme_for_user
from teams.roles import in_sentence

OPEN = "scoping.open_scoping_pages"
GET_POST = require_http_methods(["GET", "POST"])


# --- Access helpers ----------------------------------------------------------------------------


def get_idea_for_user(request: HttpRequest, pk: int, perm: str) -> Idea:
    """The idea `pk`: 404 unless its core team, proposer or an admin; 403 without `perm`."""
    queryset = Idea.objects.select_related(
        "programme", "project", "proposer", "proposing_organisation"
    )
    return get_for_user(request, queryset, view_perm="scoping.know_idea", perm=perm, pk=pk)


def get_session_for_user(request: HttpRequest, pk: int, perm: str) -> ScopingSession:
    """The session `pk`: 404 unless the core team, an invitee, the proposer or an admin; 403
    without `perm`."""
    queryset = ScopingSession.objects.select_related(
        "idea__programme", "idea__project", "idea__proposer", "idea__proposing_organisation"
    )
    return get_for_user(request, queryset, view_perm="scoping.see_session", perm=perm, pk=pk)


def _get_part(request: HttpRequest, model, pk: int, perm: str):
    """A data source or skill of an idea: 404 unless the idea is known, 403 without `perm`."""
    queryset = model.objects.select_related(
        "idea__programme", "idea__project", "idea__proposing_organisation"
    )
    return get_for_user(request, queryset, view_perm="scoping.know_idea", perm=perm, pk=pk)


def _by_role(invitations: Iterable[SessionInvitation]) -> list[tuple[SessionRole, list]]:
    """A session's invitations under each role, in the order of the roles."""
    invitations = list(invitations)
    return [(role, [i for i in invitations if i.role == role]) for role in SessionRole]


def _can(request: HttpRequest, *perms: str, obj) -> dict[str, bool]:
    return {perm.split(".")[1]: request.user.has_perm(perm, obj) for perm in perms}


# --- The idea's scoping ------------------------------------------------------------------------


@require_safe
@requires(OPEN)
def overview(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.see_scoping")
    context = {
        "idea": idea,
        "sessions": paginate(request, idea.scoping_sessions.order_by("-starts_at", "-pk")),
        "can": _can(request, "scoping.schedule_session", obj=idea),
    }
    return render(request, "scoping/overview.html", context)


# --- Sessions ----------------------------------------------------------------------------------


@requires(OPEN)
@GET_POST
def session_new(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.schedule_session")
    form = SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        session = services.session_schedule(
            idea=idea,
            starts_at=form.starts_at,
            duration_minutes=form.cleaned_data["duration_minutes"],
            location=form.cleaned_data["location"],
            created_by=request.user,
        )
        messages.success(
            request, f"Scoping session scheduled for {session.when}. Now invite people."
        )
        return redirect(session)
    return render(request, "scoping/session_new.html", {"idea": idea, "form": form})


@require_safe
@requires(OPEN)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.see_session")
    invitations = list(session.invitations.select_related("user"))
    context = {
        "session": session,
        "idea": session.idea,
        "by_role": _by_role(invitations),
        "missing": missing_roles(i.role for i in invitations),
        "can": _can(
            request,
            "scoping.change_session",
            "scoping.invite_to_session",
            "scoping.edit_session_notes",
            "scoping.see_scoping",
            obj=session,
        ),
    }
    return render(request, "scoping/session_detail.html", context)


@requires(OPEN)
@GET_POST
def session_change(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.change_session")
    form = SessionChangeForm(posted(request), initial=SessionChangeForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        changes = services.session_reschedule(
            session=session,
            starts_at=form.starts_at,
            duration_minutes=form.cleaned_data["duration_minutes"],
            location=form.cleaned_data["location"],
        )
        if changes:
            messages.success(
                request,
                f"Scoping session changed: it is now {session.when}. Everyone already sent an "
                "invitation will get an updated one by email.",
            )
        else:
            messages.info(request, "Nothing changed, so nobody has been emailed.")
        return redirect(session)
    return render(request, "scoping/session_change.html", {"session": session, "form": form})


@requires(OPEN)
@GET_POST
def session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.invite_to_session")
    idea = session.idea
    role = request.GET.get("role", "")
    initial = {"role": role} if role in SessionRole.values else {}
    if role == SessionRole.PROPOSER and idea.proposer_id:
        initial["person"] = idea.proposer_id
    form = InvitationForm(posted(request), initial=initial, people=invitable_people(idea))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.session_invite(
                session=session,
                user=form.invitee,
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error("person", error)
        else:
            emailed = "" if session.has_started else " We have emailed them an invitation."
            messages.success(
                request,
                f"{invitation.user} is invited as {in_sentence(invitation.get_role_display())}."
                + emailed,
            )
            return redirect(session)
    return render(request, "scoping/session_invite.html", {"session": session, "form": form})


@requires(OPEN)
@GET_POST
def invitation_remove(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.invite_to_session")
    invitation = get_object_or_404(session.invitations.select_related("user"), pk=invitation_pk)
    if request.method == "POST":
        cancelled = services.session_invitation_remove(
            invitation=invitation, removed_by=request.user
        )
        emailed = " We have emailed them to take it out of their calendar." if cancelled else ""
        role = in_sentence(invitation.get_role_display())
        messages.success(request, f"{invitation.user} is no longer invited as {role}.{emailed}")
        return redirect(session)
    context = {"session": session, "invitation": invitation}
    return render(request, "scoping/invitation_remove.html", context)


@requires(OPEN)
@GET_POST
def session_preparation(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.edit_session_notes")
    form = PreparationForm(posted(request), instance=session)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Preparation notes saved.")
        return redirect(session)
    return render(request, "scoping/session_preparation.html", {"session": session, "form": form})


@requires(OPEN)
@GET_POST
def session_question(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.edit_session_notes")
    form = FramingForm(
        posted(request),
        instance=session,
        initial={"refined_question": session.idea.refined_question},
    )
    if request.method == "POST" and form.is_valid():
        services.session_framing_save(
            session=session,
            answers={name: form.cleaned_data[name] for name in FRAMING_FIELDS},
            refined_question=form.cleaned_data["refined_question"].strip(),
        )
        messages.success(request, "Answers and the refined question saved.")
        return redirect(session)
    return render(request, "scoping/session_question.html", {"session": session, "form": form})


@require_safe
@requires(OPEN)
def session_record(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, "scoping.see_session")
    invitations = session.invitations.select_related("user__organisation")
    # Invitees and the proposer see the session, but the inventory is the core team's: its notes
    # can say where personal data sits and how to get at it.
    may_see_inventory = request.user.has_perm("scoping.see_scoping", session)
    context = {
        "session": session,
        "idea": session.idea,
        "by_role": _by_role(invitations),
        "may_see_inventory": may_see_inventory,
        "sources": session.idea.data_sources.select_related("owner") if may_see_inventory else [],
    }
    return render(request, "scoping/session_record.html", context)


# --- The data inventory ------------------------------------------------------------------------


@require_safe
@requires(OPEN)
def data_sources(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.see_scoping")
    sources = list(inventory(idea))
    listed = {source.name for source in sources}
    context = {
        "idea": idea,
        "sources": sources,
        "suggestions": [
            (data_set, data_set.name in listed) for data_set in suggestions_for(idea.programme)
        ],
        "can": _can(request, "scoping.edit_inventory", obj=idea),
        "manages_public_data": request.user.has_perm("scoping.manage_public_data", idea.programme),
    }
    return render(request, "scoping/data_sources.html", context)


@requires(OPEN)
@GET_POST
def data_source_new(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.edit_inventory")
    chosen = suggestion(idea.programme, request.GET.get("suggestion", ""))
    initial = {}
    if chosen is not None:
        initial = {
            "name": chosen.name,
            "kind": DataSource.Kind.OPEN_DATA,
            "may_hold_personal_data": False,
            "access_notes": chosen.access_notes,
            "notes": chosen.notes,
        }
    form = DataSourceForm(posted(request), instance=DataSource(idea=idea), initial=initial)
    if request.method == "POST" and form.is_valid():
        source = form.save()
        messages.success(request, f"{source.name} added to the data inventory.")
        return redirect("scoping:data_sources", idea_pk=idea.pk)
    context = {"idea": idea, "form": form, "suggestion": chosen}
    return render(request, "scoping/data_source_form.html", context)


# --- A programme's own suggestions of published data sets ---------------------------------------


@requires(OPEN)
@GET_POST
def public_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator lists the published data sets their programme's ideas are offered."""
    programme = get_programme_for_user(request, slug, "scoping.manage_public_data")
    form = ProgrammeDataSetForm(
        posted(request), instance=ProgrammeDataSet(programme=programme), programme=programme
    )
    if request.method == "POST" and form.is_valid():
        form.instance.added_by = request.user
        data_set = form.save()
        messages.success(request, f"{data_set.name} is now suggested for every idea.")
        return redirect("scoping:public_data", slug=programme.slug)
    context = {"programme": programme, "form": form, "own": programme.public_data_sets.all()}
    return render(request, "scoping/public_data.html", context)


@requires(OPEN)
@GET_POST
def public_data_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "scoping.manage_public_data")
    data_set = get_object_or_404(programme.public_data_sets, pk=pk)
    if request.method == "POST":
        data_set.delete()
        messages.success(request, f"{data_set.name} is no longer suggested.")
        return redirect("scoping:public_data", slug=programme.slug)
    context = {"programme": programme, "data_set": data_set}
    return render(request, "scoping/public_data_remove.html", context)


@requires(OPEN)
@GET_POST
def data_source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_part(request, DataSource, pk, "scoping.edit_inventory")
    form = DataSourceForm(posted(request), instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{source.name} saved.")
        return redirect("scoping:data_sources", idea_pk=source.idea_id)
    context = {"idea": source.idea, "form": form, "source": source}
    return render(request, "scoping/data_source_form.html", context)


@requires(OPEN)
@GET_POST
def data_source_remove(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_part(request, DataSource, pk, "scoping.edit_inventory")
    error = None
    if source.datasets.exists():
        error = services.cannot_remove_message(source)
    elif request.method == "POST":
        try:
            services.data_source_remove(source=source)
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            messages.success(request, f"{source.name} removed from the data inventory.")
            return redirect("scoping:data_sources", idea_pk=source.idea_id)
    context = {"idea": source.idea, "source": source, "error": error}
    return render(request, "scoping/data_source_remove.html", context)


# --- People and skills -------------------------------------------------------------------------


@require_safe
@requires(OPEN)
def skills(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.see_scoping")
    needs = list(idea.skill_needs.select_related("filled_by"))
    listed = {need.skill for need in needs}
    suggestions = skill_suggestions(idea)
    context = {
        "idea": idea,
        "needs": needs,
        "unfilled": sum(1 for need in needs if not need.is_filled),
        "suggestions": suggestions,
        "new_suggestions": [s for s in suggestions if s.skill not in listed],
        "can": _can(request, "scoping.edit_skills", obj=idea),
    }
    return render(request, "scoping/skills.html", context)


@require_POST
@requires(OPEN)
def skills_suggest(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.edit_skills")
    added = services.skills_add_suggested(idea=idea)
    if added:
        count = len(added)
        messages.success(request, f"{count} suggested skill{'s' if count != 1 else ''} added.")
    else:
        messages.info(request, "Every suggested skill is on the list already.")
    return redirect("scoping:skills", idea_pk=idea.pk)


@requires(OPEN)
@GET_POST
def skill_new(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.edit_skills")
    form = SkillNeedForm(
        posted(request), instance=SkillNeed(idea=idea), people=core_team_users(idea.programme)
    )
    if request.method == "POST" and form.is_valid():
        need = form.save()
        messages.success(request, f"{need} added to the skills.")
        return redirect("scoping:skills", idea_pk=idea.pk)
    return render(request, "scoping/skill_form.html", {"idea": idea, "form": form})


@requires(OPEN)
@GET_POST
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_part(request, SkillNeed, pk, "scoping.edit_skills")
    people = core_team_users(need.idea.programme)
    form = SkillNeedForm(posted(request), instance=need, people=people)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{need} saved.")
        return redirect("scoping:skills", idea_pk=need.idea_id)
    context = {"idea": need.idea, "form": form, "need": need}
    return render(request, "scoping/skill_form.html", context)


@requires(OPEN)
@GET_POST
def skill_remove(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_part(request, SkillNeed, pk, "scoping.edit_skills")
    if request.method == "POST":
        need.delete()
        messages.success(request, f"{need} removed from the skills.")
        return redirect("scoping:skills", idea_pk=need.idea_id)
    return render(request, "scoping/skill_remove.html", {"idea": need.idea, "need": need})


# --- The evaluation summary --------------------------------------------------------------------


def _evaluation_of(idea: Idea) -> EvaluationSummary | None:
    return EvaluationSummary.objects.filter(idea=idea).first()


@require_safe
@requires(OPEN)
def evaluation(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.see_scoping")
    context = {
        "idea": idea,
        "evaluation": _evaluation_of(idea),
        "sources": inventory(idea),
        "can": _can(request, "scoping.edit_evaluation", "scoping.share_evaluation", obj=idea),
    }
    return render(request, "scoping/evaluation.html", context)


@requires(OPEN)
@GET_POST
def evaluation_edit(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.edit_evaluation")
    summary = _evaluation_of(idea) or EvaluationSummary(idea=idea)
    initial = {}
    if not summary.people_and_skills:
        initial["people_and_skills"] = people_and_skills_draft(idea)
    if not summary.existing_work:
        initial["existing_work"] = existing_work_draft(idea)
    if not summary.data_safety:
        initial["data_safety"] = data_safety_draft(idea)
    form = EvaluationForm(posted(request), instance=summary, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.evaluation_save(idea=idea, updated_by=request.user, **form.cleaned_data)
        messages.success(request, "Evaluation summary saved.")
        return redirect("scoping:evaluation", idea_pk=idea.pk)
    return render(request, "scoping/evaluation_edit.html", {"idea": idea, "form": form})


@requires(OPEN)
@GET_POST
def evaluation_share(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "scoping.share_evaluation")
    summary = _evaluation_of(idea)
    error = None
    if summary is None or not summary.is_complete:
        error = services.INCOMPLETE_EVALUATION
    elif request.method == "POST":
        if services.evaluation_share(evaluation=summary):
            messages.success(request, "Evaluation summary shared: we have emailed the core team.")
        else:
            messages.success(request, "The core team already has this version of the summary.")
        return redirect("scoping:evaluation", idea_pk=idea.pk)
    context = {
        "idea": idea,
        "evaluation": summary,
        "error": error,
        "team": core_team_users(idea.programme),
    }
    return render(request, "scoping/evaluation_share.html", context)
