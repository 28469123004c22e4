"""The public, read-only JSON API at /api/v1/, described by its OpenAPI document.

It serves what the national view shows (landing/national.py's querysets): programmes, published
insights with their protected figures, those figures as reusable data, and public lessons (never
the project or the person behind one). Every response schema lists its fields, so nothing else on
a model (a draft, who wrote it, the figures as entered) can reach a response. Requests are counted
per client address in the shared cache, as failed sign-ins are; too many get 429 with
Retry-After. No docs page: the Swagger UI would load from a CDN, which the site's content policy
forbids.
"""

from datetime import datetime

from allauth.core.internal import ratelimit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Path, Query, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.throttling import BaseThrottle

from cip.access import requires
from landing.national import PUBLIC, filtered
from projects.insights import table_view
from projects.models import Insight, InsightTable, Lesson
from scoping.models import ProgrammeDataSet
from teams.models import Programme

MAX_PAGE = 100
RATE_ACTION = "public_api"
# Path and query text a database can hold: a slug, or any words without NUL characters.
SLUG = r"^[-a-zA-Z0-9_]+$"
TEXT = r"^[^\x00]*$"
MAX_ID = 2**31 - 1  # an integer column's largest value


class AddressThrottle(BaseThrottle):
    """The API's rate limit (ACCOUNT_RATE_LIMITS["public_api"]), counted per client address
    the way allauth counts sign-ins: behind TRUSTED_PROXY_COUNT proxies, in the shared cache."""

    def allow_request(self, request: HttpRequest) -> bool:
        # allauth's public `consume` never counts GETs; its own one does when asked.
        usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=RATE_ACTION,
            config=settings.ACCOUNT_RATE_LIMITS,
            limit_get=True,
        )
        return usage is not None

    def wait(self) -> float | None:
        """Seconds until the longest window has surely passed: a safe Retry-After."""
        rates = ratelimit.get_rates(
            app="allauth.account", action=RATE_ACTION, config=settings.ACCOUNT_RATE_LIMITS
        )
        return max((rate.duration for rate in rates), default=None)


api = NinjaAPI(
    title="Community Insights public API",
    version="1",
    description="What the programmes on this site have published, read-only. Paginated with "
    f"limit (at most {MAX_PAGE}) and offset; rate limited per client address.",
    urls_namespace="api",
    docs_url=None,
    openapi_url=None,  # served by openapi_document below, which refuses anything but GET
    throttle=[AddressThrottle()],
)


class Page(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        limit: int = Query(25, ge=1, le=MAX_PAGE)  # type: ignore[assignment]
        offset: int = Query(0, ge=0, le=MAX_ID)  # type: ignore[assignment]


class Message(Schema):
    detail: str


def _url(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _download(request: HttpRequest, table: InsightTable, kind: str) -> str:
    args = [table.insight.programme.slug, table.insight.slug, table.pk]
    return _url(request, reverse(f"landing:insight_{kind}", args=args))


class ProgrammeOut(Schema):
    slug: str
    name: str
    place: str
    introduction: str
    url: str

    @staticmethod
    def resolve_url(programme: Programme, context) -> str:
        return _url(context["request"], reverse("landing:programme", args=[programme.slug]))


class InsightOut(Schema):
    programme: str
    slug: str
    title: str
    summary: str
    published_at: datetime
    licence: str
    licence_url: str
    url: str

    @staticmethod
    def resolve_programme(insight: Insight) -> str:
        return insight.programme.slug

    @staticmethod
    def resolve_url(insight: Insight, context) -> str:
        return _url(context["request"], insight.get_public_url())


class Figure(Schema):
    row: str
    column: str
    value: float | None
    note: str


class DataSourceOut(Schema):
    id: int
    title: str
    description: str
    rows_are: str
    figures_are: str
    programme: str
    insight: str
    insight_url: str
    licence: str
    licence_url: str
    csv_url: str
    json_url: str

    @staticmethod
    def resolve_rows_are(table: InsightTable) -> str:
        return table.row_title

    @staticmethod
    def resolve_figures_are(table: InsightTable) -> str:
        return table.value_title

    @staticmethod
    def resolve_programme(table: InsightTable) -> str:
        return table.insight.programme.slug

    @staticmethod
    def resolve_insight(table: InsightTable) -> str:
        return table.insight.slug

    @staticmethod
    def resolve_insight_url(table: InsightTable, context) -> str:
        return _url(context["request"], table.insight.get_public_url())

    @staticmethod
    def resolve_licence(table: InsightTable) -> str:
        return table.insight.licence

    @staticmethod
    def resolve_licence_url(table: InsightTable) -> str:
        return table.insight.licence_url

    @staticmethod
    def resolve_csv_url(table: InsightTable, context) -> str:
        return _download(context["request"], table, "csv")

    @staticmethod
    def resolve_json_url(table: InsightTable, context) -> str:
        return _download(context["request"], table, "json")


class DataSourceDetail(DataSourceOut):
    threshold: int
    figures: list[Figure]

    @staticmethod
    def resolve_figures(table: InsightTable) -> list[dict]:
        """The protected view only: a hidden figure has no value, only the reason."""
        return table_view(table).long()


class InsightDetail(InsightOut):
    question: str
    narrative: str
    caveats: str
    permitted_use: str
    methodology: str
    data_sources: list[DataSourceOut]

    @staticmethod
    def resolve_data_sources(insight: Insight) -> list[InsightTable]:
        return list(insight.tables.all())


class LessonOut(Schema):
    id: int
    programme: str
    phase: str
    phase_label: str
    step: str
    step_label: str
    title: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_programme(lesson: Lesson) -> str:
        return lesson.programme.slug

    @staticmethod
    def resolve_phase_label(lesson: Lesson) -> str:
        return lesson.get_phase_display()

    @staticmethod
    def resolve_step_label(lesson: Lesson) -> str:
        return lesson.get_step_display()

    @staticmethod
    def resolve_url(lesson: Lesson, context) -> str:
        return _url(context["request"], reverse("landing:national_lesson", args=[lesson.pk]))


class LessonDetail(LessonOut):
    body: str


class DataSetOut(Schema):
    id: int
    programme: str
    name: str
    publisher: str
    holds: str
    kind: str
    licence: str
    period: str
    url: str

    @staticmethod
    def resolve_programme(data_set: ProgrammeDataSet) -> str:
        return data_set.programme.slug


class Search(Schema):
    q: str = Query("", max_length=200, pattern=TEXT, description="Words to look for")
    programme: str = Query("", max_length=80, pattern=TEXT, description="A programme's slug")


@api.get("/programmes", response=list[ProgrammeOut], url_name="programmes")
@paginate(Page)
def programmes(request: HttpRequest):
    return Programme.objects.order_by("name", "pk")


@api.get("/programmes/{slug}", response={200: ProgrammeOut, 404: Message}, url_name="programme")
def programme(request: HttpRequest, slug: str = Path(..., pattern=SLUG, max_length=80)):
    return get_object_or_404(Programme, slug=slug)


@api.get("/insights", response=list[InsightOut], url_name="insights")
@paginate(Page)
def insights(request: HttpRequest, filters: Query[Search]):
    return filtered("insights", text=filters.q, programme=filters.programme)


@api.get(
    "/insights/{programme}/{slug}",
    response={200: InsightDetail, 404: Message},
    url_name="insight",
)
def insight(
    request: HttpRequest,
    programme: str = Path(..., pattern=SLUG, max_length=80),
    slug: str = Path(..., pattern=SLUG, max_length=80),
):
    found = filtered("insights").prefetch_related("tables")
    return get_object_or_404(found, programme__slug=programme, slug=slug)


@api.get("/data-sources", response=list[DataSourceOut], url_name="data_sources")
@paginate(Page)
def data_sources(request: HttpRequest, filters: Query[Search]):
    return filtered("data", text=filters.q, programme=filters.programme)


@api.get(
    "/data-sources/{pk}", response={200: DataSourceDetail, 404: Message}, url_name="data_source"
)
def data_source(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    return get_object_or_404(filtered("data"), pk=pk)


@api.get("/open-data-sets", response=list[DataSetOut], url_name="open_data_sets")
@paginate(Page)
def open_data_sets(request: HttpRequest, filters: Query[Search]):
    return filtered("datasets", text=filters.q, programme=filters.programme)


@api.get("/lessons", response=list[LessonOut], url_name="lessons")
@paginate(Page)
def lessons(request: HttpRequest, filters: Query[Search]):
    return filtered("lessons", text=filters.q, programme=filters.programme)


@api.get("/lessons/{pk}", response={200: LessonDetail, 404: Message}, url_name="lesson")
def lesson(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    return get_object_or_404(filtered("lessons"), pk=pk)


@require_safe
@requires(PUBLIC)
def openapi_document(request: HttpRequest) -> HttpResponse:
    """The API's OpenAPI document."""
    return JsonResponse(api.get_openapi_schema(), json_dumps_params={"ensure_ascii": False})
