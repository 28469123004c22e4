"""Public pages served from the shared cache to anonymous visitors, and kept fresh.

`@public_page` (a site-wide page) or `@public_page(programme="slug")` (a programme's page, the view
argument naming it) keeps the HTML an anonymous visitor gets in the default cache (`CACHE_URL`:
Redis in production, shared by every web process) and serves it to every later anonymous visitor
until something it shows changes. Signed-in visitors, visitors with a message waiting and requests
with query parameters the page does not declare always get a fresh page, never stored, marked
`Cache-Control: private, no-store`.

Nothing personal is shared: the stored copy is an anonymous visitor's page with the CSP nonce and
any CSRF token cut out, and each visitor gets their own put back, so a form on a cached page still
posts. Responses carry an ETag and Last-Modified and answer conditional requests with 304, set
their own Cache-Control (`public, no-cache`, or `private, no-cache` for a page with a form) and
are marked `response.public_page = True`, so middleware that makes every other page
`Cache-Control: no-store` can tell them apart.

What the pages show is declared once, with `invalidate_on`, in `landing/signals.py`:

    invalidate_on(NewsPost, programme="programme.slug")         # that programme's pages
    invalidate_on(Organisation, fields={"name"})                  # every public page

Saving or deleting one of those objects starts a new *generation* of its programme's pages (or of
the whole site): each stored page remembers the generations it was rendered in and is served only
while they are current. The new generation starts at once and again after the transaction commits,
so a page rendered from the data being replaced cannot outlive the commit. Changes that no save
announces (a `QuerySet.update`, or time: office hours closing for booking, a post scheduled for
later) show within PUBLIC_PAGE_CACHE_SECONDS, after which every stored page is rendered again;
code that updates in bulk can call `invalidate(programme_scope(slug))` itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from operator import attrgetter

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

SITE = "site"
# Pages that show every programme's content (the national view): any programme's change renews them.
EVERY_PROGRAMME = "every-programme"
NONCE_HOLE = b"__cip_public_cache_csp_nonce__"
CSRF_HOLE = b"__cip_public_cache_csrf_token__"
# What `{% csrf_token %}` writes: a hidden field with a masked token of 64 letters and digits.
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')

View = Callable[..., HttpResponse]


# --- Generations --------------------------------------------------------------------------------


def _generation_key(scope: str) -> str:
    return f"public-pages:generation:{scope}"


def programme_scope(slug: str) -> str:
    return f"programme:{slug}"


def invalidate(*scopes: str) -> None:
    """Start a new generation of the pages in each scope (`SITE` for every public page); a
    programme's new generation renews the pages showing every programme too."""
    if any(scope.startswith(programme_scope("")) for scope in scopes):
        scopes = (*scopes, EVERY_PROGRAMME)
    cache.set_many({_generation_key(s): secrets.token_hex(8) for s in scopes}, timeout=None)


def _after_change(scopes: list[str]) -> None:
    """Now, and again once the change is committed (or now, outside a transaction)."""
    if not scopes:
        return
    invalidate(*scopes)
    transaction.on_commit(lambda: invalidate(*scopes))


def invalidate_on(
    model: type[Model],
    *,
    programme: str | Callable[[Model], str | Iterable[str] | None] | None = None,
    fields: Iterable[str] | None = None,
) -> None:
    """Re-render public pages whenever an object of `model` is saved or deleted.

    `programme` finds the slug of the programme whose pages show a saved object: a dotted
    attribute path (`"slot.programme.slug"`) or a function returning one slug or several.
    Without it, and after any deletion, every public page is re-rendered. `fields` limits saves
    to those that may change one of these fields (saves that name their `update_fields`, such as
    recording a sign-in time, are ignored otherwise).
    """
    if isinstance(programme, str):
        _check_path(model, programme)
    find = attrgetter(programme) if isinstance(programme, str) else programme
    watched = frozenset(fields or ())

    def changed(sender, instance: Model, update_fields=None, raw: bool = False, **kwargs) -> None:
        if raw or (watched and update_fields is not None and not watched & set(update_fields)):
            return
        # A deletion may be one of thousands in a cascade, its programme perhaps already gone:
        # rather than look each one's programme up, start again on every public page.
        if find is None or kwargs["signal"] is post_delete:
            _after_change([SITE])
            return
        try:
            found = find(instance)
        except AttributeError:  # an empty link on the way: it is on no programme's pages
            found = None
        slugs = [found] if isinstance(found, str) else list(found or ())
        _after_change([programme_scope(slug) for slug in slugs])

    uid = f"public-pages:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def _check_path(model: type[Model], path: str) -> None:
    """A mistyped path would fail quietly on every save: refuse it at start-up instead."""
    *links, last = path.split(".")
    for name in links:
        try:
            model = model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            model = None
        if model is None:
            raise ImproperlyConfigured(f"invalidate_on: {name!r} in {path!r} is not a relation")
    if not hasattr(model, last):
        try:
            model._meta.get_field(last)
        except FieldDoesNotExist as error:
            raise ImproperlyConfigured(f"invalidate_on: no {last!r} in {path!r}") from error


# --- The cached page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    generations: tuple[str, ...]
    body: bytes  # with the holes in it
    content_type: str
    etag: str
    modified: int  # seconds since the epoch
    has_csrf: bool
    content_disposition: str = ""  # a download's file name


def _page_key(request: HttpRequest) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "public-pages:page:" + hashlib.sha256(address.encode()).hexdigest()


def _current_generations(scopes: list[str], found: dict) -> tuple[str, ...]:
    generations = []
    for scope in scopes:
        value = found.get(_generation_key(scope))
        if value is None:  # never set, or evicted: start one
            value = secrets.token_hex(8)
            if not cache.add(_generation_key(scope), value, timeout=None):
                value = cache.get(_generation_key(scope))
        generations.append(value)
    return tuple(generations)


def _is_shareable(request: HttpRequest, params: frozenset[str]) -> bool:
    if request.user.is_authenticated or not set(request.GET) <= params:
        return False
    waiting = getattr(request, "_messages", None)
    return not (waiting is not None and len(waiting))


def _cut_holes(request: HttpRequest, body: bytes) -> tuple[bytes, bool] | None:
    """The page without this visitor's nonce and CSRF token, and whether it had a token; None
    when the token was used somewhere other than a form's hidden field (not safe to share)."""
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        body = body.replace(nonce.encode(), NONCE_HOLE)
    # A template's every use of the token is the same string, so once the form fields show it,
    # any other copy (a data attribute, say) is cut out too.
    tokens = {match.group(1) for match in _CSRF_FIELD.finditer(body)}
    for token in tokens:
        body = body.replace(token, CSRF_HOLE)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not tokens:
        return None
    return body, bool(tokens)


def _fill_holes(request: HttpRequest, entry: _Entry) -> bytes:
    body = entry.body
    if NONCE_HOLE in body:
        body = body.replace(NONCE_HOLE, str(request.csp_nonce).encode())
    if entry.has_csrf:
        body = body.replace(CSRF_HOLE, get_token(request).encode())
    return body


def _etag(request: HttpRequest, entry: _Entry) -> str:
    """The page's fingerprint; a page with a form adds the visitor's CSRF secret (hashed), so a
    browser never reuses a copy whose token no longer matches its cookie."""
    if not entry.has_csrf:
        return entry.etag
    if "CSRF_COOKIE" not in request.META:
        get_token(request)  # a first visit: the secret this response's cookie will carry
    secret = request.META["CSRF_COOKIE"]
    return entry.etag + "-" + hashlib.blake2b(secret.encode(), digest_size=6).hexdigest()


def _respond(request: HttpRequest, entry: _Entry, body: bytes | None = None) -> HttpResponse:
    """The page from `entry` (or its freshly rendered `body`), or 304 when the visitor's copy is
    current."""
    etag = _etag(request, entry)
    # A page with a form is revalidated by its ETag only: a date cannot tell a stale token.
    last_modified = None if entry.has_csrf else entry.modified
    headers = {"ETag": f'W/"{etag}"', "Last-Modified": http_date(entry.modified)}
    conditional = get_conditional_response(
        request, etag=headers["ETag"], last_modified=last_modified, response=None
    )
    if conditional is not None:  # 304 Not Modified
        response = conditional
        # The browser keeps the page it has and its policy; a new nonce would not match it.
        response._csp_exempt = True  # type: ignore[attr-defined]
    else:
        response = HttpResponse(
            _fill_holes(request, entry) if body is None else body,
            content_type=entry.content_type,
        )
        if entry.content_disposition:
            response["Content-Disposition"] = entry.content_disposition
    for name, value in headers.items():
        response[name] = value
    # Shared caches may keep pages without a form; every copy is checked before it is used.
    patch_cache_control(
        response, no_cache=True, **{"private" if entry.has_csrf else "public": True}
    )
    patch_vary_headers(response, ["Cookie"])
    response.public_page = True  # type: ignore[attr-defined]
    return response


def _not_shared(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def public_page(
    view: View | None = None,
    *,
    programme: str | None = None,
    params: Iterable[str] = (),
    every_programme: bool = False,
):
    """Serve a public page from the shared cache to anonymous visitors (see the module).

    `programme` names the view argument holding the programme's slug; `params` the query
    parameters the page reads (such as `page`); with any other parameter it is not cached.
    `every_programme` marks a page showing every programme's content, renewed whenever any
    programme's pages are. The view must only read: it runs outside a transaction.
    """
    allowed = frozenset(params)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _is_shareable(request, allowed):
                return _not_shared(view(request, *args, **kwargs))
            scopes = [SITE] + ([programme_scope(kwargs[programme])] if programme else [])
            scopes += [EVERY_PROGRAMME] if every_programme else []
            key = _page_key(request)
            found = cache.get_many([key, *(_generation_key(s) for s in scopes)])
            generations = _current_generations(scopes, found)
            entry = found.get(key)
            if isinstance(entry, _Entry) and entry.generations == generations:
                return _respond(request, entry)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return _not_shared(response)
            entry = _store(request, key, generations, response)
            if entry is None:
                return _not_shared(response)
            return _respond(request, entry, body=response.content)

        # A page from the cache needs no database, not even a transaction to open one for.
        return transaction.non_atomic_requests(wrapped)

    return decorator(view) if view is not None else decorator


def _store(request: HttpRequest, key: str, generations: tuple, response) -> _Entry | None:
    cut = _cut_holes(request, response.content)
    if cut is None:
        return None
    body, has_csrf = cut
    entry = _Entry(
        generations=generations,
        body=body,
        content_type=response["Content-Type"],
        etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
        modified=int(time.time()),
        has_csrf=has_csrf,
        content_disposition=response.get("Content-Disposition", ""),
    )
    cache.set(key, entry, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return entry
