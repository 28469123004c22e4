"""Testing and refining: workshops (the facilitator invites, partners book like office hours),
feedback from them, and the final checks before publishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import get_for_user, requires
from cip.forms import posted
from cip.pagination import paginate
from projects import exploring, workshops
from projects.access import get_project_for_user
from projects.forms.testing import (
    BookWorkshopForm,
    FeedbackFilterForm,
    FeedbackForm,
    FinalChecksForm,
    InviteForm,
    WorkshopForm,
)
from projects.models import FeedbackItem, FinalCheck, TestingWorkshop, WorkshopBooking
from projects.views.exploring import SIGNED_IN, closed, work_project


@require_safe
@requires(SIGNED_IN)
def workshop_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = work_project(request, pk)
    page = paginate(request, project.workshops.order_by("-starts_at"))
    context = {"project": project, "idea": project.idea, "page": page}
    context["can_run"] = request.user.has_perm("projects.run_workshops", project)
    context["is_open"] = exploring.is_open(project)
    return render(request, "projects/testing/workshops.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def workshop_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator schedules a testing workshop."""
    project = get_project_for_user(request, pk, "projects.run_workshops")
    if response := closed(request, project):
        return response
    form = WorkshopForm(posted(request))
    if request.method == "POST" and form.is_valid():
        workshop = workshops.workshop_create(
            project=project, user=request.user, **form.workshop_fields()
        )
        messages.success(request, "The workshop has been added. Next, invite people to it.")
        return redirect(workshop)
    context = {"project": project, "idea": project.idea, "form": form}
    return render(request, "projects/testing/workshop_new.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def workshop(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The workshop: who is invited and booked; the facilitator invites more people."""
    project = work_project(request, pk)
    session = get_object_or_404(project.workshops, pk=item)
    can_run = request.user.has_perm("projects.run_workshops", project)
    if request.method == "POST" and not can_run:
        raise PermissionDenied
    if response := closed(request, project):
        return response
    form = InviteForm(posted(request)) if can_run else None
    if form is not None and request.method == "POST" and form.is_valid():
        new = workshops.workshop_invite(
            workshop=session, people=form.cleaned_data["emails"], invited_by=request.user
        )
        messages.success(
            request,
            f"{len(new)} {'person has' if len(new) == 1 else 'people have'} been invited and "
            "emailed.",
        )
        return redirect(session)
    context = {
        "project": project,
        "idea": project.idea,
        "workshop": session,
        "form": form,
        "invitations": paginate(
            request, session.invitations.select_related("user__organisation"), parameter="invited"
        ),
        "bookings": session.bookings.filter(status=WorkshopBooking.Status.BOOKED).select_related(
            "user", "organisation"
        ),
        "feedback": paginate(request, session.feedback.all(), parameter="feedback"),
    }
    return render(request, "projects/testing/workshop.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def workshop_book(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Someone invited (or on the team) books a place, or gives it up."""
    session = get_for_user(
        request,
        TestingWorkshop.objects.select_related("project__idea__programme"),
        view_perm="projects.see_workshop",
        perm="projects.book_workshop",
        project_id=pk,
        pk=item,
    )
    booking = session.bookings.filter(
        user=request.user, status=WorkshopBooking.Status.BOOKED
    ).first()
    form = BookWorkshopForm(posted(request) if booking is None else None)
    if request.method == "POST" and booking is not None:
        workshops.workshop_booking_cancel(booking=booking)
        messages.success(request, "You have given up your place. We have emailed you.")
        return redirect("projects:workshop_book", pk=pk, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            workshops.workshop_book(
                workshop=session, user=request.user, access_needs=form.cleaned_data["access_needs"]
            )
        except ValidationError as problem:
            form.add_error(None, problem.messages[0])
        else:
            messages.success(
                request, "Your place is booked. We have emailed you a calendar invitation."
            )
            return redirect("projects:workshop_book", pk=pk, item=item)
    places_left = (
        session.capacity - session.bookings.filter(status=WorkshopBooking.Status.BOOKED).count()
    )
    context = {
        "project": session.project,
        "idea": session.project.idea,
        "workshop": session,
        "booking": booking,
        "form": form,
        "places_left": max(places_left, 0),
    }
    return render(request, "projects/testing/workshop_book.html", context)


@require_safe
@requires(SIGNED_IN)
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """Feedback from testing, filtered by kind and status, newest first."""
    project = work_project(request, pk)
    filters = FeedbackFilterForm(request.GET or None)
    items = project.feedback.select_related("solution", "workshop")
    if filters.is_valid():
        if kind := filters.cleaned_data["kind"]:
            items = items.filter(kind=kind)
        if state := filters.cleaned_data["state"]:
            items = items.filter(state=state)
    context = {
        "project": project,
        "idea": project.idea,
        "filters": filters,
        "page": paginate(request, items),
        "open_count": project.feedback.filter(state=FeedbackItem.State.OPEN).count(),
        "is_open": exploring.is_open(project),
    }
    return render(request, "projects/testing/feedback.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def feedback_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    project = work_project(request, pk)
    entry = get_object_or_404(project.feedback, pk=item) if item else FeedbackItem(project=project)
    if response := closed(request, project):
        return response
    form = FeedbackForm(posted(request), instance=entry, project=project)
    if request.method == "POST" and form.is_valid():
        workshops.feedback_save(
            item=form.save(commit=False), user=request.user, kept_identifiers=form.kept_identifiers
        )
        messages.success(request, "The feedback has been saved.")
        return redirect("projects:feedback", pk=project.pk)
    context = {"project": project, "idea": project.idea, "form": form, "entry": entry}
    return render(request, "projects/testing/feedback_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def final_checks(request: HttpRequest, pk: int) -> HttpResponse:
    """The last tests before publishing, ticked off by the team."""
    project = work_project(request, pk)
    if response := closed(request, project):
        return response
    done = {c.item: c for c in project.final_checks.select_related("done_by")}
    form = FinalChecksForm(posted(request), current={k: c.notes for k, c in done.items()})
    if request.method == "POST" and form.is_valid():
        workshops.final_checks_save(project=project, user=request.user, done=form.done())
        messages.success(request, "The final checks have been saved.")
        return redirect("projects:solutions", pk=project.pk)
    context = {"project": project, "idea": project.idea, "form": form}
    context["done"] = [(item, done.get(item.value)) for item in FinalCheck.Item]
    return render(request, "projects/testing/final_checks.html", context)
