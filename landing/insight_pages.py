"""Published insights on the public site: the list, the page (with schema.org Dataset markup and
the actions taken because of it, where their owners agreed), its PDF, the published figures as CSV,
JSON and CSV on the Web metadata, and the page where people register interest in acting on it.

Only insights whose project was published are found here, and only the protected view of their
tables (projects.insights.table_view) is ever read: a hidden figure has no value to leak. The
views are plain GETs of public data, so a cache for anonymous pages can sit in front of them.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import suppress

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from cip.public_cache import public_page
from projects import actions
from projects.forms.actions import ActionInterestForm
from projects.insights import TableView, table_view
from projects.models import ActionInterest, Insight, InsightTable
from teams.models import Programme

PUBLIC = "landing.view_public_pages"
# Public actions on an insight's page, a page at a time (`?actions=2`).
ACTIONS_PER_PAGE = 10
COLUMNS = ("area_or_category", "measure", "value", "note")


def _published(slug: str, insight: str) -> Insight:
    return get_object_or_404(
        Insight.objects.published().select_related("programme", "project__idea"),
        programme__slug=slug,
        slug=insight,
    )


def _data_urls(request: HttpRequest, insight: Insight, table: InsightTable) -> dict[str, str]:
    args = [insight.programme.slug, insight.slug, table.pk]
    return {
        kind: request.build_absolute_uri(reverse(f"landing:insight_{kind}", args=args))
        for kind in ("csv", "json", "csvw")
    }


def _json_ld(request: HttpRequest, insight: Insight, tables: list[InsightTable]) -> str:
    """schema.org Dataset markup, escaped so that nothing typed can close the script element."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": insight.title,
        "description": insight.summary,
        "url": request.build_absolute_uri(insight.get_public_url()),
        "license": insight.licence_url,
        "isAccessibleForFree": True,
        "datePublished": insight.published_at.date().isoformat(),
        "spatialCoverage": {"@type": "Place", "name": insight.programme.place},
        "creator": {"@type": "Organization", "name": insight.programme.name},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": table.title,
                "encodingFormat": kind,
                "contentUrl": _data_urls(request, insight, table)[ext],
            }
            for table in tables
            for ext, kind in (("csv", "text/csv"), ("json", "application/json"))
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308  # nosec B308 B703 (escaped above)


def _context(request: HttpRequest, insight: Insight) -> dict:
    tables = list(insight.tables.all())
    views = {t.pk: table_view(t) for t in tables}
    figures = [(f, views[f.table_id]) for f in insight.figures.select_related("boundaries")]
    return {
        "programme": insight.programme,
        "insight": insight,
        "tables": [(views[t.pk], _data_urls(request, insight, t)) for t in tables],
        # Tables no chart or map shows beside it, printed at the end instead.
        "other_tables": [
            views[t.pk] for t in tables if t.pk not in {f.table_id for f, _ in figures}
        ],
        "figures": figures,
        "hidden": sum(view.hidden for view in views.values()),
        "thresholds": sorted({t.threshold for t in tables}),
        "json_ld": _json_ld(request, insight, tables),
    }


@require_safe
@requires(PUBLIC)
@public_page(programme="slug", params=["page"])
def insights(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    published = Insight.objects.published().filter(programme=programme).select_related("programme")
    context = {"programme": programme, "page": paginate(request, published)}
    return render(request, "landing/insights.html", context)


@require_safe
@requires(PUBLIC)
@public_page(programme="slug", params=["actions"])
def insight(request: HttpRequest, slug: str, insight: str) -> HttpResponse:
    found = _published(slug, insight)
    context = _context(request, found)
    context["actions"] = paginate(
        request, actions.public_actions(found), per_page=ACTIONS_PER_PAGE, parameter="actions"
    )
    return render(request, "landing/insight.html", context)


@requires("projects.register_action_interest")
@require_http_methods(["GET", "POST"])
def insight_interest(request: HttpRequest, slug: str, insight: str) -> HttpResponse:
    """Someone signed in registers their organisation's interest in acting on the insight; the
    facilitator invites them to the actions meeting."""
    found = _published(slug, insight)
    user = request.user
    existing = ActionInterest.objects.filter(insight=found, user=user).first()
    organisation = user.organisation.name if user.organisation_id else ""
    form = ActionInterestForm(
        posted(request) if existing is None else None,
        initial={"organisation_name": organisation},
    )
    if request.method == "POST" and existing is None and form.is_valid():
        # A second tab may have got there first: the facilitator has it either way.
        with suppress(actions.AlreadyRegistered):
            actions.action_interest_register(insight=found, user=user, **form.cleaned_data)
        messages.success(
            request, "Thank you. The facilitator will invite you to the actions meeting by email."
        )
        return redirect(found.get_public_url())
    context = {"programme": found.programme, "insight": found, "form": form, "existing": existing}
    return render(request, "landing/insight_interest.html", context)


@require_safe
@requires(PUBLIC)
@public_page(programme="slug")
def insight_pdf(request: HttpRequest, slug: str, insight: str) -> HttpResponse:
    """The insight as a tagged PDF, from the page's own content."""
    from cip.pdf import template_to_pdf  # noqa: PLC0415 (WeasyPrint is slow to import: only here)

    found = _published(slug, insight)
    pdf = template_to_pdf("landing/insight_pdf.html", _context(request, found), request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.slug}.pdf"'
    return response


def _table(slug: str, insight: str, table: int) -> tuple[Insight, TableView]:
    found = _published(slug, insight)
    return found, table_view(get_object_or_404(found.tables, pk=table))


@require_safe
@requires(PUBLIC)
@public_page(programme="slug")
def insight_csv(request: HttpRequest, slug: str, insight: str, table: int) -> HttpResponse:
    """The published figures, one row per cell: a hidden one has no value and says why."""
    _, view = _table(slug, insight, table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in view.long():
        value = record["value"]
        shown = "" if value is None else (int(value) if float(value).is_integer() else value)
        writer.writerow([record["row"], record["column"], shown, record["note"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(view)}.csv"'
    return response


def _file_name(view: TableView) -> str:
    return slugify(view.table.title)[:60] or "table"


@require_safe
@requires(PUBLIC)
@public_page(programme="slug")
def insight_json(request: HttpRequest, slug: str, insight: str, table: int) -> HttpResponse:
    found, view = _table(slug, insight, table)
    data = {
        "title": view.table.title,
        "description": view.table.description,
        "insight": request.build_absolute_uri(found.get_public_url()),
        "licence": {"name": found.get_licence_display(), "url": found.licence_url},
        "rows_are": view.table.row_title,
        "figures_are": view.table.value_title,
        "threshold": view.table.threshold,
        "data": [dict(zip(COLUMNS, r.values(), strict=True)) for r in view.long()],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
@requires(PUBLIC)
@public_page(programme="slug")
def insight_csvw(request: HttpRequest, slug: str, insight: str, table: int) -> HttpResponse:
    """CSV on the Web metadata (W3C) describing the CSV download's columns and licence."""
    found, view = _table(slug, insight, table)
    urls = _data_urls(request, found, view.table)
    number = "integer" if view.table.kind == InsightTable.Kind.COUNT else "decimal"
    data = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": urls["csv"],
        "dc:title": view.table.title,
        "dc:description": view.table.description or found.summary,
        "dc:license": {"@id": found.licence_url},
        "dc:publisher": found.programme.name,
        "dc:issued": found.published_at.date().isoformat(),
        "tableSchema": {
            "columns": [
                {
                    "name": COLUMNS[0],
                    "titles": COLUMNS[0],
                    "dc:description": view.table.row_title,
                    "datatype": "string",
                },
                {
                    "name": COLUMNS[1],
                    "titles": COLUMNS[1],
                    "dc:description": "The measure",
                    "datatype": "string",
                },
                {
                    "name": COLUMNS[2],
                    "titles": COLUMNS[2],
                    "dc:description": f"{view.table.value_title}; empty when not published",
                    "datatype": {"base": number, "minimum": 0},
                    "null": "",
                },
                {
                    "name": COLUMNS[3],
                    "titles": COLUMNS[3],
                    "dc:description": "Why a figure is not published",
                    "datatype": "string",
                },
            ],
            "primaryKey": [COLUMNS[0], COLUMNS[1]],
        },
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/csvm+json"
    )
