"""Insights for the team: the words, tables, charts and maps, small-number protection shown
before anyone asks for the pre-publication check, and marking an insight ready."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from projects import insights, maps
from projects.exploring import is_open
from projects.forms.insights import (
    BoundariesForm,
    ChartForm,
    DatasetChoiceForm,
    InsightForm,
    MapForm,
    TableFromDatasetForm,
    TableUploadForm,
)
from projects.models import Insight
from projects.safety_inputs import publication_suppressions
from projects.views.exploring import SIGNED_IN, closed, work_project
from safety.models import Dataset
from safety.scanning import DatasetError

MAX_BOUNDARY_MB = 10
MAX_BOUNDARY_BYTES = MAX_BOUNDARY_MB * 1024 * 1024


def _insight(request: HttpRequest, pk: int, item: int):
    project = work_project(request, pk)
    return project, get_object_or_404(project.insights.select_related("programme"), pk=item)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def insight_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    project = work_project(request, pk)
    insight = get_object_or_404(project.insights, pk=item) if item else Insight(project=project)
    if response := closed(request, project):
        return response
    form = InsightForm(posted(request), instance=insight)
    if request.method == "POST" and form.is_valid():
        saved = insights.insight_save(insight=form.save(commit=False), user=request.user)
        messages.success(request, f"‘{saved.title}’ has been saved.")
        return redirect(saved)
    context = {"project": project, "idea": project.idea, "form": form, "insight": insight}
    return render(request, "projects/insights/insight_edit.html", context)


@require_safe
@requires(SIGNED_IN)
def insight(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The insight as it will be published, with what protection hid and why."""
    project, found = _insight(request, pk, item)
    figures = list(found.figures.select_related("table", "boundaries"))
    context = {
        "project": project,
        "idea": project.idea,
        "insight": found,
        "tables": [insights.table_view(t) for t in found.tables.all()],
        "figures": [
            (f, insights.table_view(f.table), insights.unmatched_codes(f) if f.is_map else None)
            for f in figures
        ],
        "suppressions": publication_suppressions(project, Insight.objects.filter(pk=found.pk)),
        "problems": insights.readiness_problems(found),
        "personal_data": insights.personal_data_in(found),
        "is_open": is_open(project),
    }
    return render(request, "projects/insights/insight.html", context)


@requires(SIGNED_IN)
@require_POST
def insight_ready(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Mark the insight ready for the pre-publication check, or take that back."""
    project, found = _insight(request, pk, item)
    if response := closed(request, project):
        return response
    ready = request.POST.get("ready") == "yes"
    problems = insights.readiness_problems(found) if ready else []
    if problems:
        for problem in problems:
            messages.error(request, problem)
    else:
        insights.insight_mark_ready(insight=found, user=request.user, ready=ready)
        messages.success(
            request,
            f"‘{found.title}’ is ready for the pre-publication check."
            if ready
            else f"‘{found.title}’ is a draft again.",
        )
    return redirect(found)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def table_upload(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Add a table of aggregates from a CSV file."""
    project, found = _insight(request, pk, item)
    if response := closed(request, project):
        return response
    data = posted(request)
    form = TableUploadForm(data, request.FILES if data is not None else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > insights.MAX_UPLOAD_BYTES:
                raise insights.TableError(
                    "The file must be smaller than 1 MB: upload aggregates, not records"
                )
            cells = insights.read_table_csv(upload.read(), kind=form.cleaned_data["kind"])
        except insights.TableError as problem:
            form.add_error("file", str(problem))
        else:
            table = insights.table_add(
                insight=found, user=request.user, cells=cells, **form.table_fields()
            )
            messages.success(request, _protected(table))
            return redirect(found)
    context = {"project": project, "idea": project.idea, "insight": found, "form": form}
    return render(request, "projects/insights/table_upload.html", context)


def _protected(table) -> str:
    hidden = sum(1 for c in table.protection if c["rule"] != "published")
    if not hidden:
        return f"‘{table.title}’ has been added. No figure needed hiding."
    figures = "figure" if hidden == 1 else "figures"
    return f"‘{table.title}’ has been added. {hidden} {figures} hidden to protect small numbers."


def _datasets(request: HttpRequest, project):
    """Redacted datasets of the project's idea that this person may read."""
    found = (
        Dataset.objects.filter(
            data_source__idea=project.idea,
            status=Dataset.Status.REDACTED,
            files_deleted_at__isnull=True,
        )
        .select_related("data_source__idea__programme")
        .order_by("-created_at")
    )
    return [d for d in found if rules.has_perm("safety.download_redacted", request.user, d)]


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def table_from_dataset(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Group a redacted dataset into a table: first choose the dataset, then its columns."""
    project, found = _insight(request, pk, item)
    if response := closed(request, project):
        return response
    datasets = {str(d.pk): d for d in _datasets(request, project)}
    chosen = datasets.get(request.POST.get("dataset") or request.GET.get("dataset") or "")
    if chosen is None:
        chooser = DatasetChoiceForm(datasets=datasets.values())
        context = {"project": project, "idea": project.idea, "insight": found, "chooser": chooser}
        context["datasets"] = datasets
        return render(request, "projects/insights/table_dataset_choose.html", context)
    columns = insights.dataset_columns(chosen)
    form = TableFromDatasetForm(posted(request), columns=columns, initial={"dataset": chosen.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cells = insights.group_dataset(
                dataset=chosen,
                user=request.user,
                rows=data["rows"],
                columns=data["columns"],
                measure=data["measure"],
                purpose=f"Aggregate table for the insight ‘{found.title}’: {data['purpose']}",
            )
        except (insights.TableError, DatasetError, FileNotFoundError, ValueError) as problem:
            form.add_error(
                None,
                str(problem)
                if isinstance(problem, insights.TableError)
                else "The dataset could not be read. Ask its owner to upload it again",
            )
        else:
            table = insights.table_add(
                insight=found,
                user=request.user,
                cells=cells,
                dataset=chosen,
                grouped_by=[c for c in (data["rows"], data["columns"]) if c],
                **form.table_fields(),
            )
            messages.success(request, _protected(table))
            return redirect(found)
    context = {
        "project": project,
        "idea": project.idea,
        "insight": found,
        "form": form,
        "dataset": chosen,
    }
    return render(request, "projects/insights/table_dataset.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def chart_new(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    project, found = _insight(request, pk, item)
    if response := closed(request, project):
        return response
    form = ChartForm(posted(request), insight=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        insights.chart_add(
            insight=found,
            table=data["table"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
        )
        messages.success(request, f"The chart ‘{data['title']}’ has been added.")
        return redirect(found)
    context = {
        "project": project,
        "idea": project.idea,
        "insight": found,
        "form": form,
        "what": "chart",
    }
    return render(request, "projects/insights/figure_new.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def map_new(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    project, found = _insight(request, pk, item)
    if response := closed(request, project):
        return response
    form = MapForm(posted(request), insight=found)
    if request.method == "POST" and form.is_valid():
        table, column = form.chosen()
        data = form.cleaned_data
        insights.map_add(
            insight=found,
            table=table,
            column=column,
            boundaries=data["boundaries"],
            title=data["title"],
            description=data["description"],
        )
        messages.success(request, f"The map ‘{data['title']}’ has been added.")
        return redirect(found)
    context = {
        "project": project,
        "idea": project.idea,
        "insight": found,
        "form": form,
        "what": "map",
    }
    return render(request, "projects/insights/figure_new.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def part_remove(request: HttpRequest, pk: int, item: int, part: str, part_pk: int) -> HttpResponse:
    """Remove a table (with its charts and maps) or a chart or map."""
    project, found = _insight(request, pk, item)
    if part not in ("tables", "figures"):
        raise Http404
    thing = get_object_or_404(getattr(found, part), pk=part_pk)
    if response := closed(request, project):
        return response
    if request.method == "POST":
        thing.delete()
        insights.insight_mark_ready(insight=found, user=request.user, ready=False)
        messages.success(request, f"‘{thing.title}’ has been removed.")
        return redirect(found)
    context = {
        "project": project,
        "idea": project.idea,
        "insight": found,
        "thing": thing,
        "part": part,
    }
    return render(request, "projects/insights/part_remove.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def boundaries(request: HttpRequest, pk: int) -> HttpResponse:
    """Area boundaries for the project's maps: those uploaded, and a form to add more."""
    project = work_project(request, pk)
    if response := closed(request, project):
        return response
    data = posted(request)
    form = BoundariesForm(data, request.FILES if data is not None else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BOUNDARY_BYTES:
                raise maps.BoundaryError(f"The file must be smaller than {MAX_BOUNDARY_MB} MB")
            parsed = maps.read_boundaries(
                upload.read(),
                code_property=form.cleaned_data["code_property"],
                max_bytes=MAX_BOUNDARY_BYTES,
            )
        except maps.BoundaryError as problem:
            form.add_error("file", str(problem))
        else:
            saved = insights.boundaries_add(
                project=project,
                user=request.user,
                name=form.cleaned_data["name"],
                attribution=form.cleaned_data["attribution"],
                parsed=parsed,
            )
            messages.success(request, f"‘{saved.name}’ has been added: {saved.areas} areas.")
            return redirect("projects:boundaries", pk=project.pk)
    context = {
        "project": project,
        "idea": project.idea,
        "form": form,
        "page": paginate(request, project.boundaries.defer("geojson")),
    }
    return render(request, "projects/insights/boundaries.html", context)
