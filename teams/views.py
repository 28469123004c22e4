from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import get_for_user, requires
from cip.dashboard import group_for, groups_for, team_roles_for
from cip.emails import absolute_url
from cip.forms import posted
from cip.pagination import paginate
from teams import ics, navigation, services
from teams.access import get_programme_for_user
from teams.forms import (
    AttendanceForm,
    BookingForm,
    BookingMoveForm,
    BookingWithOrganisationForm,
    MemberAddForm,
    OfficeHourSlotForm,
    ProfileForm,
    ProgrammeForm,
    SlotCancelForm,
    WaysOfWorkingForm,
)
from teams.models import (
    OfficeHourBooking,
    OfficeHourSlot,
    Programme,
    Role,
    WaysOfWorking,
)
from teams.roles import a_role, summarise_team
from teams.rules import is_admin

PROFILE_FIELDS = ["display_name", "introduction", "what_they_bring"]
# Office hours: the form's answers the publishing service takes as they are.
SLOT_FIELDS = [
    "start_time",
    "length_minutes",
    "weeks",
    "capacity",
    "online_link",
    "place",
    "min_notice_hours",
    "buffer_minutes",
    "waitlist",
]
PAST_SESSIONS_SHOWN = 20
NEXT_STEPS_SHOWN = 5  # programmes on a new partner's dashboard; the rest are on the home page
# Each session on the facilitator's page lists who booked it, so fewer fit on a page.
SESSIONS_PER_PAGE = 5
ACTIVE_BOOKING = [OfficeHourBooking.Status.CONFIRMED, OfficeHourBooking.Status.WAITLISTED]
BOOKED_MESSAGES = {
    OfficeHourBooking.Status.CONFIRMED: "Your place is booked. We have emailed you the details.",
    OfficeHourBooking.Status.WAITLISTED: "You are on the waiting list. We will email you if a "
    "place comes free.",
}


@require_safe
@requires("teams.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    team_roles = team_roles_for(request)
    context = {
        "task_groups": groups_for(request),
        "team_roles": team_roles,
        # Someone on no team yet: the ways to take part, on the first few programmes.
        "next_steps": Programme.objects.order_by("name")[:NEXT_STEPS_SHOWN]
        if not team_roles
        else None,
    }
    return render(request, "teams/dashboard.html", context)


@require_safe
@requires("teams.view_dashboard")
def dashboard_tasks(request: HttpRequest, group: str) -> HttpResponse:
    """Every task of one kind from the dashboard, a page at a time."""
    found = group_for(request, group)
    if found is None:
        raise Http404
    tasks = paginate(request, found.items)
    shown = [found.task(item) for item in tasks.object_list]
    return render(
        request,
        "teams/dashboard_tasks.html",
        {"title": found.title, "tasks": tasks, "shown": shown},
    )


@require_safe
@requires("teams.open_programme_pages")
def programme_choose(request: HttpRequest) -> HttpResponse:
    """The menu's programme switcher: remember the programme and open the same section of it."""
    programme = get_programme_for_user(
        request, request.GET.get("programme", ""), "teams.access_programme"
    )
    request.session[navigation.SESSION_KEY] = programme.slug
    section = navigation.programme_section(request.GET.get("section", ""))
    return redirect(section, slug=programme.slug)


@requires("teams.change_own_profile")
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {field: getattr(user, field) for field in PROFILE_FIELDS}
    form = ProfileForm(posted(request), initial=initial | {"organisation": user.organisation})
    if request.method == "POST" and form.is_valid():
        for field in PROFILE_FIELDS:
            setattr(user, field, form.cleaned_data[field].strip())
        organisation = form.chosen_organisation()
        if organisation != user.organisation:
            user.organisation, user.organisation_confirmed = organisation, False
        user.save(update_fields=[*PROFILE_FIELDS, "organisation", "organisation_confirmed"])
        messages.success(request, "Your details have been saved.")
        return redirect("dashboard")
    return render(request, "teams/profile.html", {"form": form})


@require_safe
@requires("teams.open_programme_pages")
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's team: every role, who holds it, and days committed against the guide."""
    programme = get_programme_for_user(request, slug, "teams.access_programme")
    memberships = programme.memberships.active().select_related("user__organisation")
    context = {
        "programme": programme,
        "team": summarise_team(memberships),
        # Roles the person may not add themselves: the page says who to ask instead.
        "admin_appointed": () if is_admin(request.user) else services.ADMIN_APPOINTED_ROLES,
    }
    return render(request, "teams/programme_detail.html", context)


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.edit_programme")
    form = ProgrammeForm(posted(request), instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The programme details have been saved.")
        return redirect(programme)
    return render(request, "teams/programme_edit.html", {"programme": programme, "form": form})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.change_team")
    form = MemberAddForm(
        posted(request),
        initial={"role": request.GET.get("role")},
        may_appoint_reviewers=is_admin(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                programme=programme,
                user=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                committed_days=form.cleaned_data["committed_days"],
                listed_publicly=form.cleaned_data["listed_publicly"],
                added_by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"{membership.user} is now {a_role(membership.role)}.")
            return redirect(programme)
    return render(request, "teams/member_add.html", {"programme": programme, "form": form})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.change_team")
    membership = get_object_or_404(programme.memberships.active().select_related("user"), pk=pk)
    if request.method == "POST":
        services.membership_end(membership=membership, ended_by=request.user)
        messages.success(request, f"{membership.user} is no longer {a_role(membership.role)}.")
        return redirect(programme)
    return render(
        request, "teams/membership_end.html", {"programme": programme, "membership": membership}
    )


@require_safe
@requires("teams.open_programme_pages")
def ways_of_working(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's agreement on how it works, with every past change."""
    programme = get_programme_for_user(request, slug, "teams.access_programme")
    agreement = WaysOfWorking.for_programme(programme)
    history = (
        LogEntry.objects.get_for_object(agreement)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
        if agreement.pk
        else LogEntry.objects.none()
    )
    return render(
        request,
        "teams/ways_of_working.html",
        {"programme": programme, "agreement": agreement, "history": paginate(request, history)},
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def ways_of_working_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.change_ways_of_working")
    agreement = WaysOfWorking.for_programme(programme)
    form = WaysOfWorkingForm(posted(request), instance=agreement)
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
    programme = get_programme_for_user(request, slug, "teams.access_programme")
    memberships = programme.memberships.active().select_related("user__organisation")
    people = {}
    for membership in sorted(memberships, key=lambda m: list(Role).index(m.role)):
        people.setdefault(membership.user, []).append(membership.get_role_display())
    return render(request, "teams/introductions.html", {"programme": programme, "people": people})


# --- Office hours: the facilitator's side --------------------------------------------------------


@require_safe
@requires("teams.open_programme_pages")
def office_hours(request: HttpRequest, slug: str) -> HttpResponse:
    """The facilitator's view: upcoming slots with who booked and why, and past attendance."""
    programme = get_programme_for_user(request, slug, "teams.manage_office_hours")
    now = timezone.now()
    people = OfficeHourBooking.objects.select_related("user", "organisation")
    upcoming = (
        programme.office_hours.upcoming(now)
        .with_places()
        .order_by("starts_at", "pk")
        .prefetch_related(Prefetch("bookings", people.active(), to_attr="active_bookings"))
    )
    past = (
        programme.office_hours.live()
        .filter(ends_at__lte=now)
        .order_by("-starts_at", "-pk")
        .prefetch_related(
            Prefetch(
                "bookings",
                people.filter(status=OfficeHourBooking.Status.CONFIRMED),
                to_attr="active_bookings",
            )
        )
    )
    attendance = OfficeHourBooking.objects.filter(
        slot__programme=programme,
        slot__cancelled_at__isnull=True,
        slot__ends_at__lte=now,
        status=OfficeHourBooking.Status.CONFIRMED,
    ).attendance_summary()
    return render(
        request,
        "teams/office_hours/manage.html",
        {
            "programme": programme,
            "upcoming": paginate(request, upcoming, per_page=SESSIONS_PER_PAGE),
            "past": paginate(request, past, per_page=SESSIONS_PER_PAGE, parameter="past"),
            "attendance": attendance,
        },
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def office_hours_publish(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.manage_office_hours")
    form = OfficeHourSlotForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.office_hour_slots_publish(
                programme=programme,
                created_by=request.user,
                first_day=data["day"],
                **{name: data[name] for name in SLOT_FIELDS},
            )
        except ValidationError as error:
            form.add_error("start_time", error)
        else:
            count = len(slots)
            messages.success(
                request,
                f"{count} office-hours session{pluralize(count)} published: "
                f"the first is on {slots[0].when}.",
            )
            return redirect("teams:office_hours", slug=programme.slug)
    return render(
        request, "teams/office_hours/publish.html", {"programme": programme, "form": form}
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def office_hours_slot_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "teams.manage_office_hours")
    slot = get_object_or_404(programme.office_hours.upcoming().with_places(), pk=pk)
    form = SlotCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        emailed = services.office_hour_slot_cancel(slot=slot, message=form.cleaned_data["message"])
        messages.success(
            request,
            f"The session on {slot.when} has been cancelled. "
            f"We are emailing {emailed} {pluralize(emailed, 'person,people')} who booked.",
        )
        return redirect("teams:office_hours", slug=programme.slug)
    return render(
        request,
        "teams/office_hours/slot_cancel.html",
        {"programme": programme, "slot": slot, "form": form},
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def office_hours_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """After a session: did the person come, and what was said."""
    programme = get_programme_for_user(request, slug, "teams.manage_office_hours")
    booking = get_object_or_404(
        OfficeHourBooking.objects.filter(
            slot__programme=programme, status=OfficeHourBooking.Status.CONFIRMED
        ).select_related("slot", "user", "organisation"),
        pk=pk,
    )
    initial = {"attendance": booking.attendance or None, "notes": booking.notes}
    form = AttendanceForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.office_hour_attendance_record(booking=booking, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("attendance", error)
        else:
            messages.success(request, f"Attendance saved for {booking.user}.")
            return redirect(
                reverse("teams:office_hours", args=[programme.slug]) + f"#slot-{booking.slot_id}"
            )
    return render(
        request,
        "teams/office_hours/attendance.html",
        {"programme": programme, "booking": booking, "form": form},
    )


# --- Office hours: the person booking ---------------------------------------------------------


def _booking_state(slot: OfficeHourSlot) -> str:
    if not slot.is_open_for_booking:
        return "closed"
    if slot.places_left:
        return "open"
    return "waitlist" if slot.waitlist else "full"


@requires("teams.book_office_hours")
@require_http_methods(["GET", "POST"])
def office_hours_book(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Book a place (or join the waiting list); ask for the organisation if the profile lacks it."""
    slot = get_for_user(
        request,
        OfficeHourSlot.objects.live().filter(programme__slug=slug).with_places(),
        view_perm="teams.view_office_hour_slot",
        perm="teams.book_office_hours",
        pk=pk,
    )
    existing = slot.bookings.active().filter(user=request.user).first()
    if existing:
        messages.info(request, "You have already booked this session.")
        return redirect(existing)
    state = _booking_state(slot)
    form_class = BookingForm if request.user.organisation_id else BookingWithOrganisationForm
    label = "Join the waiting list" if state == "waitlist" else "Book this session"
    form = form_class(posted(request), submit_label=label)
    if request.method == "POST" and state in ("open", "waitlist") and form.is_valid():
        try:
            booking = services.office_hour_book(
                slot=slot,
                user=request.user,
                topic=form.cleaned_data["topic"],
                access_needs=form.cleaned_data["access_needs"],
                organisation=form.chosen_organisation(),
            )
        except ValidationError as error:
            form.add_error("topic", error)
        else:
            messages.success(request, BOOKED_MESSAGES[booking.status])
            return redirect(booking)
    return render(
        request, "teams/office_hours/book.html", {"slot": slot, "form": form, "state": state}
    )


@require_safe
@requires("teams.view_own_bookings")
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = OfficeHourBooking.objects.filter(user=request.user).select_related("slot__programme")
    coming_up = Q(status__in=ACTIVE_BOOKING, slot__ends_at__gt=now)
    upcoming = bookings.filter(coming_up).order_by("slot__starts_at", "pk")
    earlier = bookings.exclude(coming_up).order_by("-slot__starts_at", "-pk")
    context = {
        "upcoming": paginate(request, upcoming),
        "earlier": paginate(request, earlier, parameter="earlier"),
    }
    return render(request, "teams/office_hours/my_bookings.html", context)


def _booking(request: HttpRequest, pk: int, perm: str, *, changeable: bool = False):
    """A booking the user may see (else 404) with `perm` on it (else 403). Changes need a
    booking that is still active and a session that has not started."""
    bookings = OfficeHourBooking.objects.select_related("slot__programme", "user", "organisation")
    if changeable:
        bookings = bookings.active().filter(
            slot__starts_at__gt=timezone.now(), slot__cancelled_at__isnull=True
        )
    return get_for_user(request, bookings, view_perm="teams.view_booking", perm=perm, pk=pk)


@require_safe
@requires("teams.view_own_bookings")
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the emails send people to manage their booking."""
    booking = _booking(request, pk, "teams.view_booking")
    can_change = (
        request.user.has_perm("teams.change_booking", booking)
        and booking.is_active
        and booking.slot.starts_at > timezone.now()
        and not booking.slot.is_cancelled
    )
    return render(
        request,
        "teams/office_hours/booking_detail.html",
        {"booking": booking, "can_change": can_change},
    )


@require_safe
@requires("teams.view_own_bookings")
def booking_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking's calendar entry as a file, the same one its email attached (same UID, so a
    calendar that has it already updates it). Only while the place is booked and to come."""
    booking = _booking(request, pk, "teams.download_booking_calendar", changeable=True)
    if booking.status != OfficeHourBooking.Status.CONFIRMED:
        raise Http404
    manage_url = absolute_url(booking.get_absolute_url())
    response = HttpResponse(
        ics.booking_invitation(booking, method="REQUEST", manage_url=manage_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="office-hours.ics"'
    return response


@requires("teams.view_own_bookings")
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk, "teams.change_booking", changeable=True)
    if request.method == "POST":
        services.office_hour_booking_cancel(booking=booking)
        messages.success(request, "Your booking has been cancelled. We have emailed you.")
        return redirect("teams:my_bookings")
    return render(request, "teams/office_hours/booking_cancel.html", {"booking": booking})


@requires("teams.view_own_bookings")
@require_http_methods(["GET", "POST"])
def booking_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move to another session of the same programme that has a free place."""
    booking = _booking(request, pk, "teams.change_booking", changeable=True)
    slots = (
        booking.slot.programme.office_hours.bookable()
        .exclude(pk=booking.slot_id)
        .exclude(bookings__in=booking.user.office_hour_bookings.active())
        .with_places()
        .filter(booked__lt=F("capacity"))
        .order_by("starts_at", "pk")
    )
    form = BookingMoveForm(posted(request), slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.office_hour_booking_move(
                booking=booking, to_slot=form.cleaned_data["slot"]
            )
        except ValidationError as error:
            form.add_error("slot", error)
        else:
            messages.success(
                request, f"Your booking has moved to {moved.slot.when}. We have emailed you."
            )
            return redirect(moved)
    return render(
        request,
        "teams/office_hours/booking_move.html",
        {"booking": booking, "form": form, "has_slots": bool(form.fields["slot"].choices)},
    )
