from django.contrib.auth import SESSION_KEY, logout
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from cip.sessions import keep_alive, lifetime_over
from teams.rules import requires_mfa

# Signing in, MFA, password resets and the admin: private whoever asks.
_ALWAYS_PRIVATE = ("/accounts/", "/admin/")


class PrivatePagesMiddleware:
    """No browser or shared cache keeps a page that shows non-public data.

    Such a page gets `Cache-Control: no-store, private` (with Django's other never-cache
    directives): every page for someone signed in, sign-in and account pages, a page showing
    this visitor a one-off message, and any page its view marked private (`never_cache`, or
    `cache_control(private=True)`). Public pages for anonymous visitors are left as their views
    set them (a response marked `public_page` always is), so a shared cache may keep those.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._is_private(request, response):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
        if getattr(response, "public_page", False):
            return False  # served by the public-page cache, which sets its own Cache-Control
        if "private" in response.get("Cache-Control", "") or request.path.startswith(
            _ALWAYS_PRIVATE
        ):
            return True
        messages = getattr(request, "_messages", None)
        if messages is not None and messages.used and len(messages):  # shown to this visitor
            return True
        try:
            return request.user.is_authenticated
        except DatabaseError:  # the database is down: this is the 503 page, private anyway
            return True


class SessionLimitsMiddleware:
    """End a signed-in session past its absolute lifetime (see cip.sessions), and one whose
    account can no longer sign in (deactivated or deleted), rather than leave it dormant. Keep a
    session in use alive: its idle timeout starts again (`cip.sessions.keep_alive`)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_end(request):
            logout(request)
        response = self.get_response(request)
        session = request.session
        if session.accessed and not session.is_empty():
            keep_alive(session)
        return response

    @staticmethod
    def _must_end(request: HttpRequest) -> bool:
        if SESSION_KEY not in request.session:
            return False
        return not request.user.is_authenticated or lifetime_over(request.session)


# Where someone without a second factor may still go: set one up, sign out, or check health.
_ALWAYS_OPEN = ("/accounts/", "/healthz", "/static/")


class RequireMFAMiddleware:
    """Send admins, facilitators, reviewers and people who may download data to set up MFA
    first (teams.rules.requires_mfa)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(_ALWAYS_OPEN):
            return False
        return not user.authenticator_set.exists() and requires_mfa(user)
