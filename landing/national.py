"""The national view: what every programme of this deployment has made public, in one place.

Published insights, the published figures behind them (data others can reuse, each table with
its CSV and JSON), the lessons programmes chose to share (`is_public`) and the open data sets
programmes work with (scoping's ProgrammeDataSet, published data by nature), searched and filtered
together; a public lesson has a page of its own here (the library is the team's). The
same querysets feed the JSON API (landing/api.py), so the page and the API can only ever show
the same public things: nothing here reads a draft, a dataset or a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from cip.access import requires
from cip.pagination import paginate
from cip.public_cache import public_page
from projects.models import Insight, InsightTable, Lesson
from scoping.models import ProgrammeDataSet
from teams.models import Programme

PUBLIC = "landing.view_public_pages"
SEARCH_LENGTH = 200


def public_insights() -> QuerySet[Insight]:
    """Published insights, newest first, with what a list of them shows."""
    return Insight.objects.published().select_related("programme", "project__idea")


def public_tables() -> QuerySet[InsightTable]:
    """The figures of published insights: only ever read through their protected view."""
    return (
        InsightTable.objects.filter(insight__published_at__isnull=False)
        .select_related("insight__programme")
        .order_by("-insight__published_at", "insight_id", "created_at", "pk")
    )


def public_lessons() -> QuerySet[Lesson]:
    """Lessons their programme chose to share with everyone, newest first."""
    return Lesson.objects.filter(is_public=True).select_related("programme")


def public_data_sets() -> QuerySet[ProgrammeDataSet]:
    """The open data sets programmes work with (each with its publisher, licence and address),
    for other programmes to reuse: published data, never who added it."""
    return ProgrammeDataSet.objects.select_related("programme").order_by("name", "pk")


def search(queryset: QuerySet, text: str, fields: tuple[str, ...]) -> QuerySet:
    """Rows whose `fields` match `text`: PostgreSQL full-text search (stemmed English, web
    search syntax) where the database has it, otherwise a plain containment filter."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector(*fields, config="english")
        query = SearchQuery(text, config="english", search_type="websearch")
        return queryset.annotate(search=vector).filter(search=query)
    matches = Q()
    for field in fields:
        matches |= Q(**{f"{field}__icontains": text})
    return queryset.filter(matches)


@dataclass(frozen=True)
class Kind:
    label: str
    rows: Callable[[], QuerySet]
    searched: tuple[str, ...]
    programme_slug: str  # the lookup naming a row's programme


# The kinds of public content; the first is shown when none is chosen.
KINDS = {
    "insights": Kind(
        "Insights",
        public_insights,
        ("title", "summary", "question", "narrative"),
        "programme__slug",
    ),
    "data": Kind(
        "Published figures",
        public_tables,
        ("title", "description", "insight__title"),
        "insight__programme__slug",
    ),
    "lessons": Kind("Lessons", public_lessons, ("title", "body"), "programme__slug"),
    "datasets": Kind(
        "Open data sets",
        public_data_sets,
        ("name", "publisher", "holds", "kind"),
        "programme__slug",
    ),
}


class NationalFilterForm(forms.Form):
    """The national view's search and filters, in the query string."""

    q = forms.CharField(label="Search", max_length=SEARCH_LENGTH, required=False)
    kind = forms.ChoiceField(label="Show", required=False)
    programme = forms.ChoiceField(label="Programme", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in KINDS.items()]
        self.fields["programme"].choices = [
            ("", "All programmes"),
            *Programme.objects.order_by("name", "pk").values_list("slug", "name"),
        ]

    def value(self, name: str) -> str:
        """The cleaned value, or the default when it was missing or not valid."""
        if not self.is_valid() and name in self.errors:
            return ""
        return self.cleaned_data.get(name) or ""


def filtered(kind: str, *, text: str = "", programme: str = "") -> QuerySet:
    """The public rows of `kind`, searched and narrowed to one programme."""
    found = KINDS[kind].rows()
    if programme:
        found = found.filter(**{KINDS[kind].programme_slug: programme})
    return search(found, text, KINDS[kind].searched)


@require_safe
@requires(PUBLIC)
@public_page(params=["q", "kind", "programme", "page"], every_programme=True)
def national(request: HttpRequest) -> HttpResponse:
    """Every programme's published insights, figures and lessons: searched, filtered, paged."""
    form = NationalFilterForm(request.GET)
    form.is_valid()
    kind = form.value("kind") or next(iter(KINDS))
    text, programme = form.value("q"), form.value("programme")
    found = filtered(kind, text=text, programme=programme)
    context = {
        "form": form,
        "kind": kind,
        "programme": programme,
        "kind_label": KINDS[kind].label,
        "text": text,
        "page": paginate(request, found),
    }
    return render(request, "landing/national.html", context)


@require_safe
@requires(PUBLIC)
@public_page(every_programme=True)
def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    """A lesson its programme shared, without the project or the person who wrote it."""
    found = get_object_or_404(public_lessons(), pk=pk)
    return render(request, "landing/national/lesson.html", {"lesson": found})
