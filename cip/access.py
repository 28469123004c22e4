"""The permission helpers every app uses.

Every view asks one permission. Views of a single object go through `get_for_user`: people who may
not know the object exists get 404, people who can see it but lack the right get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def get_for_user(
    request: HttpRequest, queryset: type[M] | QuerySet[M], *, view_perm: str, perm: str, **lookup
) -> M:
    """Fetch one object the user may see (else 404) and check `perm` on it (else 403)."""
    obj = get_object_or_404(queryset, **lookup)
    if not request.user.has_perm(view_perm, obj):
        raise Http404
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def requires(perm: str) -> Callable[[View], View]:
    """Decorate a view with the site-level permission it asks.

    Anonymous visitors who lack it are sent to sign in; signed-in people who lack it get 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(perm):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator
