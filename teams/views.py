from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cip.access import get_for_user, requires
from cip.dashboard import tasks_for
from teams.forms import ProfileForm, ProgrammeForm
from teams.models import Membership, Programme


@requires("teams.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.active().filter(user=request.user).select_related("programme")
    programmes: dict[Programme, list[str]] = {}
    for membership in memberships:
        programmes.setdefault(membership.programme, []).append(membership.get_role_display())
    return render(
        request,
        "teams/dashboard.html",
        {"tasks": tasks_for(request), "programmes": programmes},
    )


@requires("teams.change_own_profile")
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"display_name": user.display_name, "organisation": user.organisation}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user.display_name = form.cleaned_data["display_name"].strip()
        user.organisation = form.chosen_organisation()
        user.save(update_fields=["display_name", "organisation"])
        messages.success(request, "Your details have been saved.")
        return redirect("dashboard")
    return render(request, "teams/profile.html", {"form": form})


@requires("teams.open_programme_pages")
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_for_user(
        request, Programme, view_perm="teams.view_programme", perm="teams.view_programme", slug=slug
    )
    team = (
        programme.memberships.active()
        .select_related("user__organisation")
        .order_by("role", "user__display_name")
    )
    return render(request, "teams/programme_detail.html", {"programme": programme, "team": team})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_for_user(
        request,
        Programme,
        view_perm="teams.view_programme",
        perm="teams.change_programme",
        slug=slug,
    )
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The programme details have been saved.")
        return redirect(programme)
    return render(request, "teams/programme_edit.html", {"programme": programme, "form": form})
