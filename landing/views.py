from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cip.access import requires
from teams.models import Programme


@require_safe
@requires("landing.view_home")
def home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the service is and the programmes it hosts."""
    return render(request, "landing/home.html", {"programmes": Programme.objects.all()})
