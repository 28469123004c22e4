import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cip.access import requires
from cip.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@require_safe
@never_cache
@transaction.non_atomic_requests  # so a dead database gives a 503 from here, not a 500 earlier
@requires("cip.view_health")
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database, and the broker when one is configured.

    With a broker it also reports how many seconds ago a worker last ran the heartbeat task (null
    before the first). That is information for monitoring, not a reason to take this web process
    out of the load balancer, so it never turns the answer into a 503.
    """
    checks = {"database": _database_ok()}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker_ok()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"} | {
        name: "ok" if ok else "unavailable" for name, ok in checks.items()
    }
    if settings.CELERY_BROKER_URL and checks["database"]:
        body["worker_heartbeat_age_seconds"] = _heartbeat_age_seconds()
    return JsonResponse(body, status=200 if healthy else 503)


def _heartbeat_age_seconds() -> int | None:
    try:
        with transaction.atomic():
            age = WorkerHeartbeat.newest_age()
    except Exception:
        logger.exception("Health check: could not read the worker heartbeat")
        return None
    return None if age is None else max(0, int(age.total_seconds()))


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unavailable")
        return False


def _broker_ok() -> bool:
    from cip.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unavailable")
        return False


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


# Seconds a browser or load balancer is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error: 503 when the database is unreachable (it passes, and
    the next request connects again), 500 otherwise. Neither shows anything from the request or
    the error, and neither asks the database for anything (not even who is signed in)."""
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse(render_to_string("errors/500.html"), status=500)
    add_never_cache_headers(response)  # an outage must not be kept by any cache
    return response


def _database_unavailable(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False
