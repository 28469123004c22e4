from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from teams.rules import requires_mfa

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
