"""The programme's lessons library and its changelog of method changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from projects import lessons
from projects.forms.reflection import LessonFilterForm, LessonForm, MethodChangeForm
from projects.models import Lesson, MethodChange
from projects.views.exploring import SIGNED_IN
from teams.access import get_programme_for_user


@require_safe
@requires(SIGNED_IN)
def lesson_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The lessons the programme's projects recorded, by step, a page at a time."""
    programme = get_programme_for_user(request, slug, "projects.read_lessons")
    filters = LessonFilterForm(request.GET or None)
    step = filters.cleaned_data["step"] if filters.is_valid() else ""
    context = {
        "programme": programme,
        "filters": filters,
        "page": paginate(request, lessons.library(programme, step=step)),
        "can_write": request.user.has_perm("projects.write_lessons", programme),
    }
    return render(request, "projects/lessons/lessons.html", context)


@require_safe
@requires(SIGNED_IN)
def lesson(request: HttpRequest, slug: str, item: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "projects.read_lessons")
    found = get_object_or_404(
        programme.lessons.select_related("project__idea", "created_by"), pk=item
    )
    context = {
        "programme": programme,
        "lesson": found,
        "can_write": request.user.has_perm("projects.write_lessons", programme),
    }
    return render(request, "projects/lessons/lesson.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, slug: str, item: int | None = None) -> HttpResponse:
    """The facilitator records a lesson, from a survey answer or a card when one is named."""
    programme = get_programme_for_user(request, slug, "projects.write_lessons")
    if item is None:
        draft = lessons.prefill(
            programme, answer=request.GET.get("answer", ""), card=request.GET.get("card", "")
        )
        entry = Lesson(programme=programme, project=draft["project"], created_by=request.user)
        initial = draft["initial"]
    else:
        entry, initial = get_object_or_404(programme.lessons, pk=item), {}
    form = LessonForm(posted(request), instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"‘{saved.title}’ has been saved.")
        return redirect(saved)
    context = {"programme": programme, "form": form, "entry": entry}
    return render(request, "projects/lessons/lesson_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def method_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's changelog of how it runs projects, and a form to publish a version."""
    programme = get_programme_for_user(request, slug, "projects.publish_method_changes")
    form = MethodChangeForm(
        posted(request),
        instance=MethodChange(programme=programme, created_by=request.user),
        programme=programme,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Version {saved.version} is published.")
        return redirect("projects:method_changes", slug=programme.slug)
    context = {
        "programme": programme,
        "form": form,
        "page": paginate(request, programme.method_changes.all()),
    }
    return render(request, "projects/lessons/method_changes.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def method_change_edit(request: HttpRequest, slug: str, item: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "projects.publish_method_changes")
    entry = get_object_or_404(programme.method_changes, pk=item)
    form = MethodChangeForm(posted(request), instance=entry, programme=programme)
    form.submit_label = "Save the change"
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Version {saved.version} has been saved.")
        return redirect("projects:method_changes", slug=programme.slug)
    context = {"programme": programme, "form": form, "entry": entry}
    return render(request, "projects/lessons/method_change_edit.html", context)
