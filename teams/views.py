from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import get_for_user, requires
from cip.dashboard import tasks_for
from teams import services
from teams.forms import MemberAddForm, ProfileForm, ProgrammeForm, WaysOfWorkingForm
from teams.models import Membership, Programme, Role, WaysOfWorking
from teams.roles import summarise_team

PROFILE_FIELDS = ["display_name", "introduction", "what_they_bring"]


def _programme(request: HttpRequest, slug: str, perm: str) -> Programme:
    """The programme at `slug`: 404 unless on its team (or an admin), 403 without `perm`."""
    return get_for_user(request, Programme, view_perm="teams.view_programme", perm=perm, slug=slug)


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
    initial = {field: getattr(user, field) for field in PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial | {"organisation": user.organisation})
    if request.method == "POST" and form.is_valid():
        for field in PROFILE_FIELDS:
            setattr(user, field, form.cleaned_data[field].strip())
        user.organisation = form.chosen_organisation()
        user.save(update_fields=[*PROFILE_FIELDS, "organisation"])
        messages.success(request, "Your details have been saved.")
        return redirect("dashboard")
    return render(request, "teams/profile.html", {"form": form})


@require_safe
@requires("teams.open_programme_pages")
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's team: every role, who holds it, and days committed against the guide."""
    programme = _programme(request, slug, "teams.view_programme")
    memberships = programme.memberships.active().select_related("user__organisation")
    return render(
        request,
        "teams/programme_detail.html",
        {"programme": programme, "team": summarise_team(memberships)},
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, "teams.change_programme")
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The programme details have been saved.")
        return redirect(programme)
    return render(request, "teams/programme_edit.html", {"programme": programme, "form": form})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, "teams.change_team")
    form = MemberAddForm(request.POST or None, initial={"role": request.GET.get("role")})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                programme=programme,
                user=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                committed_days=form.cleaned_data["committed_days"],
                listed_publicly=form.cleaned_data["listed_publicly"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display().lower()}."
            )
            return redirect(programme)
    return render(request, "teams/member_add.html", {"programme": programme, "form": form})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, "teams.change_team")
    membership = get_object_or_404(programme.memberships.active().select_related("user"), pk=pk)
    if request.method == "POST":
        services.membership_end(membership=membership)
        messages.success(
            request, f"{membership.user} is no longer {membership.get_role_display().lower()}."
        )
        return redirect(programme)
    return render(
        request, "teams/membership_end.html", {"programme": programme, "membership": membership}
    )


@require_safe
@requires("teams.open_programme_pages")
def ways_of_working(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's agreement on how it works, with every past change."""
    programme = _programme(request, slug, "teams.view_programme")
    agreement = WaysOfWorking.for_programme(programme)
    history = (
        LogEntry.objects.get_for_object(agreement).select_related("actor")
        if agreement.pk
        else LogEntry.objects.none()
    )
    return render(
        request,
        "teams/ways_of_working.html",
        {"programme": programme, "agreement": agreement, "history": history},
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def ways_of_working_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, "teams.change_ways_of_working")
    agreement = WaysOfWorking.for_programme(programme)
    form = WaysOfWorkingForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        form.instance.updated_by = request.user
        form.save()
        messages.success(request, "The ways of working agreement has been saved.")
        return redirect("teams:ways_of_working", slug=programme.slug)
    return render(
        request, "teams/ways_of_working_edit.html", {"programme": programme, "form": form}
    )


@require_safe
@requires("teams.open_programme_pages")
def introductions(request: HttpRequest, slug: str) -> HttpResponse:
    """Getting to know each other: each team member's introduction and what they bring."""
    programme = _programme(request, slug, "teams.view_programme")
    memberships = programme.memberships.active().select_related("user__organisation")
    people = {}
    for membership in sorted(memberships, key=lambda m: list(Role).index(m.role)):
        people.setdefault(membership.user, []).append(membership.get_role_display())
    return render(request, "teams/introductions.html", {"programme": programme, "people": people})
