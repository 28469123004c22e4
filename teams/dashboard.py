"""Dashboard tasks about a person's own account and the programmes they run."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from cip.dashboard import Task, TaskGroup, TeamRole, register, register_team_roles
from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    Role,
    User,
    WaysOfWorking,
)
from teams.roles import role_name
from teams.rules import is_admin, programmes_where

CORE_ROLES = [
    Role.FACILITATOR,
    Role.DELIVERY_LEAD,
    Role.DATA_ANALYST,
    Role.VCS_MEMBER_LEAD,
    Role.COMMUNITIES_REPRESENTATIVE,
    Role.ADVISORY_PANEL,
]


@register_team_roles
def programme_team_roles(request: HttpRequest) -> Iterator[TeamRole]:
    """The programme teams a person is on, one line per role."""
    memberships = Membership.objects.active().filter(user=request.user).select_related("programme")
    for membership in sorted(
        memberships, key=lambda m: (m.programme.name, list(Role).index(m.role))
    ):
        team = "complementary team" if membership.is_complementary else "core team"
        yield TeamRole(
            team=f"{membership.programme.name} {team}",
            role=role_name(membership.role),
            url=membership.programme.get_absolute_url(),
        )


@register
def profile_tasks(request: HttpRequest) -> Iterator[Task]:
    user = request.user
    if not user.display_name or not user.organisation_id:
        yield Task(
            title="Tell us your name and organisation",
            url=reverse("teams:profile"),
            hint="Other people on the programme see who you are and who you work for.",
        )
    elif not user.introduction and programmes_where(user):
        yield Task(
            title="Introduce yourself to your team",
            url=reverse("teams:profile"),
            hint="A few sentences about your work and what you bring help the team get started.",
        )


@register
def facilitator_tasks(request: HttpRequest) -> Iterator[Task]:
    """Programmes the person facilitates whose core team still has empty roles."""
    facilitating = programmes_where(request.user, Role.FACILITATOR)
    if not facilitating:
        return
    programmes = Programme.objects.filter(pk__in=facilitating)
    filled = set(
        Membership.objects.active()
        .filter(programme__in=programmes)
        .values_list("programme_id", "role")
    )
    agreed = set(
        WaysOfWorking.objects.filter(programme__in=programmes).values_list(
            "programme_id", flat=True
        )
    )
    for programme in programmes:
        if programme.pk not in agreed:
            yield Task(
                title=f"Agree ways of working for {programme.name}",
                url=reverse("teams:ways_of_working_edit", kwargs={"slug": programme.slug}),
                hint="How often you meet, how you keep in touch, timelines and when people "
                "are needed.",
            )
        empty = [role.label for role in CORE_ROLES if (programme.pk, role.value) not in filled]
        if empty:
            yield Task(
                title=f"Fill the core team of {programme.name}",
                url=programme.get_absolute_url(),
                hint="Nobody holds these roles yet: " + ", ".join(empty) + ".",
            )


@register
def admin_tasks(request: HttpRequest) -> Iterator[Task]:
    if not is_admin(request.user):
        return
    counts = Organisation.objects.aggregate(unverified=Count("pk", filter=Q(verified=False)))
    if counts["unverified"]:
        yield Task(
            title=f"Confirm {counts['unverified']} "
            f"{pluralize(counts['unverified'], 'organisation,organisations')} named at sign-up",
            url=reverse("admin:teams_organisation_changelist") + "?verified__exact=0",
            hint="Check each is a real organisation before people rely on it.",
        )
    unconfirmed = User.objects.filter(
        organisation__isnull=False, organisation_confirmed=False, is_active=True
    ).count()
    if unconfirmed:
        yield Task(
            title=f"Confirm where {unconfirmed} "
            f"{pluralize(unconfirmed, 'person works,people work')}",
            url=reverse("admin:teams_user_changelist") + "?organisation_confirmed__exact=0",
            hint="Until you do, they cannot open data that belongs to their organisation.",
        )


@register
def office_hours_tasks(request: HttpRequest) -> Iterator[Task | TaskGroup]:
    """A person's upcoming office hours; for facilitators, sessions to publish or to record."""
    now = timezone.now()
    bookings = (
        OfficeHourBooking.objects.active()
        .filter(user=request.user, slot__ends_at__gt=now, slot__cancelled_at__isnull=True)
        .select_related("slot__programme")
        .order_by("slot__starts_at", "pk")
    )
    yield TaskGroup(
        "Your office hours", bookings, _booking_task, see_all=reverse("teams:my_bookings")
    )
    facilitated = programmes_where(request.user, Role.FACILITATOR)
    if not facilitated:
        yield TaskGroup("Office hours to record", [], _attendance_task)
        return
    programmes = Programme.objects.filter(pk__in=facilitated)
    for programme in programmes.exclude(office_hours__in=OfficeHourSlot.objects.upcoming(now)):
        yield Task(
            title=f"Publish office hours for {programme.name}",
            url=reverse("teams:office_hours_publish", kwargs={"slug": programme.slug}),
            hint="Times when local organisations can book a conversation with the team.",
        )
    unrecorded = OfficeHourBooking.objects.filter(
        slot=OuterRef("pk"),
        status=OfficeHourBooking.Status.CONFIRMED,
        attendance=OfficeHourBooking.Attendance.UNKNOWN,
    )
    to_record = (
        OfficeHourSlot.objects.live()
        .filter(programme__in=facilitated, ends_at__lte=now)
        .filter(Exists(unrecorded))
        .select_related("programme")
        .order_by("-starts_at", "-pk")
    )
    yield TaskGroup("Office hours to record", to_record, _attendance_task)


def _booking_task(booking: OfficeHourBooking) -> Task:
    return Task(
        title=f"Office hours with {booking.slot.programme.name}",
        url=booking.get_absolute_url(),
        hint=booking.slot.when,
        status=booking.get_status_display(),
    )


def _attendance_task(slot: OfficeHourSlot) -> Task:
    return Task(
        title=f"Record who came to office hours on {slot.when}",
        url=reverse("teams:office_hours", kwargs={"slug": slot.programme.slug})
        + f"#slot-{slot.pk}",
        hint=f"{slot.programme.name}: attendance and your notes on each conversation.",
    )
