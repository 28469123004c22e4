"""Sharing agreement pages: a programme's register, one agreement, its signed document (upload and
logged download), changes and ending it."""

from __future__ import annotations

from pathlib import Path

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from safety import agreements, storage
from safety.check_forms import AgreementForm, DocumentForm, PurposeForm, ReasonForm
from safety.encryption import open_decrypted
from safety.models import SharingAgreement
from teams.models import Programme


def _programme(request: HttpRequest, slug: str, perm: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.has_perm("safety.view_agreements", request.user, programme):
        raise Http404
    if not rules.has_perm(perm, request.user, programme):
        raise PermissionDenied
    return programme


def get_agreement_for_user(request: HttpRequest, pk: int, perm: str) -> SharingAgreement:
    """The agreement `pk`: 404 to people who may not know it, 403 without `perm`."""
    agreement = get_object_or_404(SharingAgreement.objects.select_related("programme"), pk=pk)
    if not rules.has_perm("safety.know_agreement", request.user, agreement):
        raise Http404
    if not rules.has_perm(perm, request.user, agreement):
        raise PermissionDenied
    return agreement


@require_safe
@requires("safety.open_safety_pages")
def agreement_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, "safety.view_agreements")
    queryset = programme.sharing_agreements.prefetch_related("parties").order_by(
        "end_date", "title"
    )
    context = {
        "programme": programme,
        "pagination": paginate(request, queryset),
        "may_manage": rules.has_perm("safety.manage_agreements", request.user, programme),
    }
    return render(request, "safety/agreement_list.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def agreement_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, "safety.manage_agreements")
    form = AgreementForm(posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        agreement = form.save(commit=False)
        agreements.agreement_save(agreement=agreement, user=request.user, changed=[])
        form.save_m2m()
        messages.success(request, "The agreement has been added to the register.")
        return redirect(agreement)
    context = {"form": form, "programme": programme, "agreement": None}
    return render(request, "safety/agreement_form.html", context)


@require_safe
@requires("safety.open_safety_pages")
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, "safety.know_agreement")
    user = request.user
    context = {
        "agreement": agreement,
        "parties": agreement.parties.all(),
        "sources": agreement.data_sources.select_related("idea", "owner"),
        "may_change": rules.has_perm("safety.change_agreement", user, agreement),
        "may_download": rules.has_perm("safety.download_agreement", user, agreement),
        "log": paginate(request, agreement.accesses.select_related("user")),
    }
    return render(request, "safety/agreement.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, "safety.change_agreement")
    form = AgreementForm(posted(request), instance=agreement, programme=agreement.programme)
    if request.method == "POST" and form.is_valid():
        changed = list(form.changed_data)
        agreements.agreement_save(
            agreement=form.save(commit=False), user=request.user, changed=changed
        )
        form.save_m2m()
        messages.success(request, "The agreement has been saved.")
        return redirect(agreement)
    context = {"form": form, "programme": agreement.programme, "agreement": agreement}
    return render(request, "safety/agreement_form.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def agreement_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the signed document: stored encrypted, and the agreement marked signed."""
    agreement = get_agreement_for_user(request, pk, "safety.change_agreement")
    form = DocumentForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            path = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else None
            if path is None:
                with storage.scratch_file(Path(upload.name).suffix) as scratch:
                    Path(scratch).write_bytes(upload.read())
                    agreements.agreement_sign(
                        agreement=agreement, user=request.user, path=scratch, filename=upload.name
                    )
            else:
                agreements.agreement_sign(
                    agreement=agreement, user=request.user, path=path, filename=upload.name
                )
        except agreements.DocumentError as error:
            form.add_error("document", error.message)
        else:
            messages.success(request, "The signed agreement has been stored.")
            return redirect(agreement)
        finally:
            upload.close()
    return render(request, "safety/agreement_document.html", {"agreement": agreement, "form": form})


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def agreement_download(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, "safety.download_agreement")
    form = PurposeForm(posted(request))
    ready = agreement.has_document
    if ready and request.method == "POST" and form.is_valid():
        try:
            path = agreements.agreement_document_read(
                agreement=agreement, user=request.user, purpose=form.cleaned_data["purpose"]
            )
        except FileNotFoundError:
            ready = False
        else:
            response = FileResponse(
                open_decrypted(path, storage.keys()),
                as_attachment=True,
                filename=agreement.document_name,
                content_type="application/octet-stream",
            )
            response["Cache-Control"] = "no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response
    context = {"agreement": agreement, "form": form, "ready": ready}
    return render(request, "safety/agreement_download.html", context)


@require_http_methods(["GET", "POST"])
@requires("safety.open_safety_pages")
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, "safety.change_agreement")
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agreements.agreement_end(
            agreement=agreement, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The agreement has ended.")
        return redirect(agreement)
    return render(request, "safety/agreement_end.html", {"agreement": agreement, "form": form})
