"""Dataset pages: upload, progress, report, remedies and downloads.

Uploads stream to a temporary file (never memory) through a handler that stops reading at the size
limit; downloads stream the decrypted bytes and are logged first. No page ever shows a raw value.
"""

from __future__ import annotations

from pathlib import Path

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from safety import checks, services, storage
from safety.encryption import open_decrypted
from safety.forms import DownloadForm, RemediesForm, SheetForm, UploadForm
from safety.models import Dataset, DatasetAccess
from safety.rules import agreement_lapsed
from safety.scanning import DatasetError
from safety.scanning.errors import FileTooLargeError
from safety.scanning.reader import file_size
from scoping.models import DataSource


def _checked(request: HttpRequest, obj, *, view_perm: str, perm: str):
    """404 unless `view_perm`, 403 unless `perm`.

    The rules are asked directly, not through `user.has_perm`, because Django lets superusers
    through every permission: raw data is for the owning organisation, whoever runs the site.
    """
    if not rules.has_perm(view_perm, request.user, obj):
        raise Http404
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied
    return obj


def _dataset(request: HttpRequest, pk: int, perm: str) -> Dataset:
    """The dataset `pk`: 404 outside its programme and organisation, 403 without `perm`."""
    queryset = Dataset.objects.select_related("data_source__idea__programme", "owner")
    dataset = get_object_or_404(queryset, pk=pk)
    return _checked(request, dataset, view_perm="safety.know_dataset", perm=perm)


def can(user, perm: str, obj) -> bool:
    return rules.has_perm(perm, user, obj)


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Write the upload to a temporary file, giving up (and deleting it) past the size limit.

    Marks the request when the file was too large, or cut off before its end (the browser
    stopped sending): Django then drops the part-file, and the form would only say "choose a
    file".
    """

    def __init__(self, request=None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)

    def upload_interrupted(self) -> None:
        super().upload_interrupted()
        if not getattr(self.request, "upload_too_large", False):
            self.request.upload_cut_off = True


UPLOAD_CUT_OFF = (
    "The upload stopped before the whole file arrived: check your connection and upload the "
    "file again."
)


def too_large_message() -> str:
    limit = file_size(settings.DATASET_MAX_UPLOAD_BYTES)
    return (
        f"The file is larger than the limit of {limit}: split it into smaller files and upload "
        "each one."
    )


@require_safe
@requires("safety.view_datasets")
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = (
        Dataset.objects.visible_to(request.user)
        .select_related("data_source__idea__programme", "owner")
        .annotate(finding_count=Count("findings"))
        .order_by("-created_at", "-pk")
    )
    sources = DataSource.objects.none()
    if request.user.organisation_id and request.user.organisation_confirmed:
        sources = (
            DataSource.objects.filter(owner_id=request.user.organisation_id)
            .select_related("idea__programme")
            .order_by("-pk")
        )
    context = {
        "datasets": paginate(request, datasets),
        "sources": paginate(request, sources, parameter="sources"),
    }
    return render(request, "safety/dataset_list.html", context)


# The upload's service keeps its own transaction short (see services.dataset_upload), so the
# request is not wrapped in one: on SQLite a request-long transaction holding a read lock fails
# at its first write ("database is locked") when the same file is uploaded twice at once.
@transaction.non_atomic_requests
@csrf_exempt  # CSRF is checked in _upload, after the upload handler is in place
@requires("safety.view_datasets")
@require_http_methods(["GET", "POST"])
def dataset_upload(request: HttpRequest, source_pk: int) -> HttpResponse:
    request.upload_handlers = [LimitedUploadHandler(request, settings.DATASET_MAX_UPLOAD_BYTES)]
    return _upload(request, source_pk)


def _upload_form(request: HttpRequest) -> UploadForm:
    """The upload form bound to what arrived, with the error when the file did not."""
    try:
        form = UploadForm(posted(request), request.FILES if request.method == "POST" else None)
    except UnreadablePostError:  # the connection dropped mid-upload
        form = UploadForm({}, {})
        request.upload_cut_off = True
    problem = None
    if getattr(request, "upload_too_large", False):
        problem = too_large_message()
    elif getattr(request, "upload_cut_off", False):
        problem = UPLOAD_CUT_OFF
    if problem:
        form.is_valid()
        form.errors.clear()
        form.add_error("file", problem)
    return form


@csrf_protect
def _upload(request: HttpRequest, source_pk: int) -> HttpResponse:
    source = get_object_or_404(
        DataSource.objects.select_related("idea__programme", "owner"), pk=source_pk
    )
    _checked(request, source, view_perm="safety.view_data_source", perm="safety.upload_dataset")
    if agreement_lapsed(request.user, source):
        return _lapsed(request, source)
    form = _upload_form(request)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.dataset_upload(
                data_source=source,
                user=request.user,
                path=upload.temporary_file_path(),
                filename=upload.name,
            )
        except FileTooLargeError:
            form.add_error("file", too_large_message())
        except DatasetError as error:
            form.add_error("file", error.message)
        except services.DuplicateDataset as error:
            duplicate = error.existing
            form.add_error("file", "This file has already been uploaded: open the existing one")
        else:
            if dataset.status == Dataset.Status.CHOOSING_SHEET:
                return redirect("safety:dataset_sheet", pk=dataset.pk)
            # The page it opens says how the scan is going: a message saying "being scanned"
            # would sit next to "Scanned" once a quick scan has finished.
            messages.success(request, "Your file has been uploaded.")
            return redirect("safety:dataset_progress", pk=dataset.pk)
        finally:
            upload.close()  # deletes the temporary file now rather than at the end of the request
    context = {"source": source, "form": form, "duplicate": duplicate}
    return render(request, "safety/dataset_upload.html", context)


@transaction.non_atomic_requests  # as the upload: a double-click must not lock SQLite
@requires("safety.view_datasets")
@require_http_methods(["GET", "POST"])
def dataset_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk, "safety.choose_sheet")
    if dataset.status != Dataset.Status.CHOOSING_SHEET:
        return redirect("safety:dataset_progress", pk=dataset.pk)
    form = SheetForm(posted(request), dataset=dataset)
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_choose_sheet(dataset=dataset, sheet=form.cleaned_data["sheet"])
        except DatasetError as error:
            form.add_error("sheet", error.message)
        else:
            messages.success(request, f"You chose the sheet {dataset.sheet}.")
            return redirect("safety:dataset_progress", pk=dataset.pk)
    return render(request, "safety/dataset_sheet.html", {"dataset": dataset, "form": form})


@require_safe
@requires("safety.view_datasets")
def dataset_progress(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk, "safety.open_dataset")
    context = {
        "dataset": dataset,
        "may_try_again": dataset.may_try_again
        and can(request.user, "safety.try_dataset_again", dataset),
        "may_upload": can(request.user, "safety.upload_dataset", dataset.data_source),
        "may_choose_remedies": can(request.user, "safety.choose_remedies", dataset),
    }
    return render(request, "safety/dataset_progress.html", context)


@require_http_methods(["POST"])
@requires("safety.view_datasets")
def dataset_try_again(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk, "safety.try_dataset_again")
    if services.dataset_try_again(dataset=dataset, user=request.user):
        messages.success(request, "The scan will be tried again.")
    else:
        messages.info(request, "This scan cannot be tried again: upload a corrected file instead.")
    return redirect("safety:dataset_progress", pk=dataset.pk)


@require_safe
@requires("safety.view_datasets")
def dataset_report(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk, "safety.open_dataset")
    if dataset.status in (Dataset.Status.UPLOADED, Dataset.Status.SCANNING):
        return redirect("safety:dataset_progress", pk=dataset.pk)
    user = request.user
    allowed = {
        name: can(user, f"safety.{name}", dataset)
        for name in ("choose_remedies", "download_raw", "download_redacted")
    }
    show_log = can(user, "safety.read_access_log", dataset)
    accesses = checks.access_log_for(dataset) if show_log else None
    context = {
        "dataset": dataset,
        "can": allowed,
        "findings": paginate(request, dataset.findings.order_by("position", "pk")),
        "accesses": accesses if accesses is None else paginate(request, accesses, parameter="log"),
        "agreements": dataset.data_source.sharing_agreements.all(),
        "lapsed": agreement_lapsed(user, dataset),
        "k_options": _k_options(dataset),
    }
    return render(request, "safety/dataset_report.html", context)


def _k_options(dataset: Dataset) -> list[dict]:
    """The scan's k-anonymity options as table rows, marking the one the reviewer chose."""
    k = dataset.k_anonymity or {}
    names = k.get("quasi_identifiers", [])
    rows = []
    for i, option in enumerate(k.get("options") or []):
        chosen = option.get("level_numbers") == dataset.generalisation or (
            i == 0 and not dataset.generalisation
        )
        rows.append(
            {
                "levels": [option["levels"].get(name, "") for name in names],
                "loss": round(100 * option["information_loss"]),
                "suppressed_cells": option["suppressed_cells"],
                "k": option["k"],
                "chosen": chosen and bool(dataset.remedies_confirmed_at),
            }
        )
    return rows


@requires("safety.view_datasets")
@require_http_methods(["GET", "POST"])
def dataset_remedies(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk, "safety.choose_remedies")
    if not (
        dataset.status in (Dataset.Status.SCANNED, Dataset.Status.REDACTED)
        or dataset.failed_in_redaction
    ):
        messages.info(request, "Remedies can be chosen once the scan has finished.")
        return redirect(dataset)
    findings = list(dataset.findings.all())
    form = RemediesForm(posted(request), dataset=dataset, findings=findings)
    if request.method == "POST" and form.is_valid():
        services.dataset_remedies_confirm(
            dataset=dataset,
            user=request.user,
            remedies=form.remedies(),
            quasi_identifiers=form.cleaned_data["quasi_identifiers"],
            generalisation=form.generalisation(),
        )
        messages.success(request, "Remedies confirmed: the redacted copy is being written.")
        return redirect("safety:dataset_progress", pk=dataset.pk)
    context = {"dataset": dataset, "form": form}
    return render(request, "safety/dataset_remedies.html", context)


def _lapsed(request: HttpRequest, source: DataSource) -> HttpResponse:
    """The clear refusal while the agreement that covered the data has lapsed."""
    return render(request, "safety/data_lapsed.html", {"source": source}, status=403)


def _download(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    raw = what == DatasetAccess.What.RAW
    perm = "safety.download_raw" if raw else "safety.download_redacted"
    dataset = _dataset(request, pk, "safety.know_dataset")
    reader = "safety.reads_raw" if raw else "safety.reads_redacted"
    if can(request.user, reader, dataset) and agreement_lapsed(request.user, dataset):
        return _lapsed(request, dataset.data_source)
    _checked(request, dataset, view_perm="safety.know_dataset", perm=perm)
    # A redacted copy is offered only once the latest confirmed remedies have been applied.
    ready = not dataset.files_deleted_at and (
        what == DatasetAccess.What.RAW or dataset.status == Dataset.Status.REDACTED
    )
    form = DownloadForm(posted(request))
    if ready and request.method == "POST" and form.is_valid():
        try:
            path = services.dataset_access_record(
                dataset=dataset,
                user=request.user,
                what=what,
                purpose=form.cleaned_data["purpose"],
            )
        except FileNotFoundError:
            ready = False
        else:
            return _stream(dataset, path, what)
    context = {"dataset": dataset, "form": form, "what": what, "ready": ready}
    return render(request, "safety/dataset_download.html", context)


def _stream(dataset: Dataset, path: Path, what: str) -> FileResponse:
    stem = Path(dataset.original_filename).stem or "dataset"
    if what == DatasetAccess.What.RAW:
        filename = dataset.original_filename
        content_type = "text/csv" if dataset.content_type == Dataset.Format.CSV else None
    else:
        filename, content_type = f"{stem}-redacted.csv", "text/csv"
    response = FileResponse(
        open_decrypted(path, storage.keys()),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("safety.view_datasets")
@require_http_methods(["GET", "POST"])
def dataset_download_raw(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, DatasetAccess.What.RAW)


@requires("safety.view_datasets")
@require_http_methods(["GET", "POST"])
def dataset_download_redacted(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, DatasetAccess.What.REDACTED)
