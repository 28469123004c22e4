"""Safety check pages: an idea's checks, writing one, signing it off, conditions, the reviewer's
queue, a data source's page and the evidence pack (page and PDF).

Permissions are asked with `rules.has_perm` (see safety.rules): superusers get no shortcut.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from cip.pdf import template_to_pdf
from safety import checks, evidence, extensions
from safety.check_forms import CheckForm, ConditionForm, SignOffForm
from safety.models import CheckCondition, SafetyCheck, Stage
from safety.questions import answered
from safety.rules import agreement_lapsed
from scoping.models import DataSource, Idea


def _allowed(request: HttpRequest, obj, *, view_perm: str, perm: str):
    """404 unless `view_perm`, 403 unless `perm`."""
    if not rules.has_perm(view_perm, request.user, obj):
        raise Http404
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied
    return obj


def get_idea_for_user(request: HttpRequest, pk: int, perm: str) -> Idea:
    """The idea `pk` for its safety pages: 404 to people who may not know its checks."""
    idea = get_object_or_404(Idea.objects.select_related("programme"), pk=pk)
    return _allowed(request, idea, view_perm="safety.know_checks", perm=perm)


def get_check_for_user(request: HttpRequest, pk: int, perm: str) -> SafetyCheck:
    """The check `pk`: 404 to people who may not know it, 403 without `perm`."""
    queryset = SafetyCheck.objects.select_related(
        "idea__programme", "data_source__owner", "author", "signed_off_by"
    )
    check = get_object_or_404(queryset, pk=pk)
    return _allowed(request, check, view_perm="safety.view_check", perm=perm)


def _can(user, check: SafetyCheck) -> dict[str, bool]:
    return {
        "edit": not check.is_frozen and rules.has_perm("safety.edit_check", user, check),
        "sign_off": check.status == SafetyCheck.Status.WAITING
        and rules.has_perm("safety.sign_off_check", user, check),
        "new_version": check.is_frozen and rules.has_perm("safety.write_check", user, check.idea),
    }


@require_safe
@requires("safety.open_safety_pages")
def idea_checks(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "safety.know_checks")
    versions = list(checks.latest_versions(idea))
    latest: dict = {}
    for check in versions:
        latest.setdefault((check.stage, check.data_source_id), check)
    sources = list(idea.data_sources.select_related("owner").order_by("name"))
    context = {
        "idea": idea,
        "evaluation": [(s, latest.get((Stage.EVALUATION, s.pk))) for s in sources],
        "later": [
            (stage, latest.get((stage, None))) for stage in (Stage.SOLUTION, Stage.PRE_PUBLICATION)
        ],
        "agreements": checks.agreements_for(idea),
        "may_write": rules.has_perm("safety.write_check", request.user, idea),
    }
    return render(request, "safety/idea_checks.html", context)


@require_POST
@requires("safety.open_safety_pages")
def check_start(request: HttpRequest, idea_pk: int, stage: str) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "safety.write_check")
    if stage not in Stage.values:
        raise Http404
    source = None
    if stage == Stage.EVALUATION:
        source = get_object_or_404(DataSource, pk=request.GET.get("source") or 0, idea=idea)
    check = checks.check_start(idea=idea, stage=stage, author=request.user, data_source=source)
    if check.author_id != request.user.pk:
        messages.info(request, f"{check.author} is writing this check.")
        return redirect(check)
    return redirect("safety:check_edit", pk=check.pk)


@require_safe
@requires("safety.open_safety_pages")
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request, pk, "safety.view_check")
    history = (
        SafetyCheck.objects.filter(
            idea=check.idea, stage=check.stage, data_source=check.data_source
        )
        .select_related("author", "signed_off_by")
        .order_by("-version")
    )
    conditions = [
        (c, rules.has_perm("safety.resolve_condition", request.user, c))
        for c in check.conditions.select_related("owner", "resolved_by")
    ]
    context = {
        "check": check,
        "answers": answered(check.stage, check.answers),
        "analysts": check.analysts.all(),
        "assumptions": checks.earlier_assumptions(check.idea, check.stage),
        "suppressions": extensions.suppression_notes(check.idea)
        if check.stage == Stage.PRE_PUBLICATION
        else None,
        "conditions": conditions,
        "history": history,
        "can": _can(request.user, check),
    }
    return render(request, "safety/check.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request, pk, "safety.edit_check")
    if check.is_frozen:
        messages.info(request, "This check has been signed off: start a new version to change it.")
        return redirect(check)
    form = CheckForm(posted(request), check=check)
    sending = "send" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            checks.check_save(
                check=check,
                user=request.user,
                answers=form.answers(),
                analysts=form.cleaned_data.get("analysts", []),
                submit=sending,
            )
        except checks.FrozenCheck:
            messages.info(request, "This check was signed off meanwhile: nothing was changed.")
        else:
            messages.success(
                request, "Sent for sign-off." if sending else "Your answers have been saved."
            )
        return redirect(check)
    context = {
        "check": check,
        "form": form,
        "assumptions": checks.earlier_assumptions(check.idea, check.stage),
    }
    return render(request, "safety/check_edit.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def check_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request, pk, "safety.sign_off_check")
    if check.status != SafetyCheck.Status.WAITING:
        messages.info(request, "This check is not waiting for sign-off.")
        return redirect(check)
    form = SignOffForm(posted(request), check=check)
    if request.method == "POST" and form.is_valid():
        try:
            checks.check_sign_off(
                check=check,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                conditions=form.conditions(),
            )
        except (checks.FrozenCheck, checks.CheckError):
            messages.info(request, "This check was signed off meanwhile: nothing was changed.")
        else:
            messages.success(request, "Your decision has been recorded.")
        return redirect(check)
    context = {"check": check, "form": form, "answers": answered(check.stage, check.answers)}
    return render(request, "safety/check_sign_off.html", context)


@require_POST
@requires("safety.open_safety_pages")
def check_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_check_for_user(request, pk, "safety.view_check")
    if not rules.has_perm("safety.write_check", request.user, check.idea):
        raise PermissionDenied
    if not check.is_frozen:
        return redirect(check)
    new = checks.check_new_version(check=check, user=request.user)
    if new.author_id != request.user.pk:
        messages.info(request, f"{new.author} is already writing the next version.")
        return redirect(new)
    return redirect("safety:check_edit", pk=new.pk)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def condition_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    condition = get_object_or_404(
        CheckCondition.objects.select_related("safety_check__idea__programme", "owner"), pk=pk
    )
    _allowed(
        request, condition.safety_check, view_perm="safety.view_check", perm="safety.view_check"
    )
    if not rules.has_perm("safety.resolve_condition", request.user, condition):
        raise PermissionDenied
    may_accept = rules.has_perm("safety.accept_condition", request.user, condition)
    form = ConditionForm(posted(request), may_accept=may_accept)
    if request.method == "POST" and form.is_valid():
        checks.condition_resolve(
            condition=condition,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "The condition has been updated.")
        return redirect(condition.safety_check)
    context = {"condition": condition, "form": form}
    return render(request, "safety/condition.html", context)


@require_safe
@requires("safety.open_safety_pages")
def check_queue(request: HttpRequest) -> HttpResponse:
    """Checks waiting for this reviewer, oldest first."""
    pagination = paginate(request, checks.checks_to_sign_off(request.user))
    return render(request, "safety/check_queue.html", {"pagination": pagination})


@require_safe
@requires("safety.view_datasets")
def data_source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A data source: its owner, the agreements that cover it, its datasets and its check."""
    source = get_object_or_404(DataSource.objects.select_related("idea__programme", "owner"), pk=pk)
    _allowed(request, source, view_perm="safety.view_data_source", perm="safety.view_data_source")
    user = request.user
    datasets = [
        (d, rules.has_perm("safety.open_dataset", user, d))
        for d in source.datasets.select_related("data_source__idea__programme", "owner")
    ]
    context = {
        "source": source,
        "agreements": source.sharing_agreements.prefetch_related("parties"),
        "datasets": datasets,
        "check": checks.current(source.idea, Stage.EVALUATION, source),
        "lapsed": agreement_lapsed(user, source),
        "can_upload": rules.has_perm("safety.upload_dataset", user, source),
        "knows_checks": rules.has_perm("safety.know_checks", user, source.idea),
    }
    return render(request, "safety/data_source.html", context)


@require_safe
@requires("safety.open_safety_pages")
def evidence_pack(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "safety.view_evidence_pack")
    return render(request, "safety/evidence_pack.html", evidence.pack(idea))


@require_safe
@requires("safety.open_safety_pages")
def evidence_pack_pdf(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = get_idea_for_user(request, idea_pk, "safety.view_evidence_pack")
    pdf = template_to_pdf("safety/evidence_pack_pdf.html", evidence.pack(idea))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-pack-{idea.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
