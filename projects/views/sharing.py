"""Sharing what a programme found: plenary sessions (the facilitator schedules them and records
who came; anyone signed in registers) and co-written blog posts (the team drafts, the facilitator
reviews and publishes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cip.access import get_for_user, requires
from cip.emails import absolute_url
from cip.forms import posted
from cip.pagination import paginate
from projects import sharing
from projects.emails import plenary_calendar
from projects.forms.sharing import (
    AttendanceForm,
    AuthorForm,
    BlogPostForm,
    PlenaryCancelForm,
    PlenaryForm,
    RegistrationForm,
    ReviewForm,
)
from projects.models import BlogPost, Plenary, PlenaryRegistration
from teams.access import get_programme_for_user

SIGNED_IN = "teams.open_programme_pages"
REGISTERED = {
    PlenaryRegistration.Status.CONFIRMED: "Your place is booked. We have emailed you the "
    "details and a calendar invitation.",
    PlenaryRegistration.Status.WAITLISTED: "Every place is taken, so you are on the waiting "
    "list. We will email you if a place comes free.",
}
# Each plenary on the sharing page says how many registered; posts waiting for review first.
PLENARIES_PER_PAGE = 10
POST_ORDER = Case(
    When(status=BlogPost.Status.SUBMITTED, then=Value(0)),
    When(status=BlogPost.Status.PUBLISHED, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


@require_safe
@requires(SIGNED_IN)
def sharing_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's page for sharing: plenaries to come and past, and the blog posts."""
    programme = get_programme_for_user(request, slug, "projects.view_sharing")
    plenaries = programme.plenaries.with_places().order_by("-starts_at", "-pk")
    posts = (
        programme.blog_posts.prefetch_related("authors")
        .select_related("programme")
        .order_by(POST_ORDER, "-updated_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in BlogPost.Status.values:
        posts = posts.filter(status=status)
    context = {
        "programme": programme,
        "plenaries": paginate(request, plenaries, per_page=PLENARIES_PER_PAGE),
        "posts": paginate(request, posts, parameter="posts"),
        "statuses": BlogPost.Status.choices,
        "status": status,
        "can_manage": request.user.has_perm("projects.manage_plenaries", programme),
        "can_write": request.user.has_perm("projects.start_blog_post", programme),
    }
    return render(request, "projects/sharing/overview.html", context)


# --- Plenary sessions: the facilitator's side ---------------------------------------------------


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def plenary_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "projects.manage_plenaries")
    form = PlenaryForm(posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        plenary = sharing.plenary_schedule(
            programme=programme,
            created_by=request.user,
            project=form.cleaned_data["project"],
            **form.plenary_fields(),
        )
        messages.success(request, f"The plenary session on {plenary.when} has been scheduled.")
        return redirect(plenary)
    return render(
        request, "projects/sharing/plenary_new.html", {"programme": programme, "form": form}
    )


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def plenary(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who registered and how they might use the insights; after it starts, who came."""
    programme = get_programme_for_user(request, slug, "projects.manage_plenaries")
    session = get_object_or_404(programme.plenaries.with_places(), pk=pk)
    registrations = session.registrations.active().select_related("user")
    recording = session.has_started and not session.is_cancelled
    if recording:
        registrations = registrations.filter(status=PlenaryRegistration.Status.CONFIRMED)
    page = paginate(request, registrations.order_by("status", "created_at", "pk"))
    form = None
    if recording:
        form = AttendanceForm(posted(request), registrations=page.object_list)
    if request.method == "POST":
        if form is None:
            raise Http404  # nothing to record before the session
        if form.is_valid():
            sharing.plenary_attendance_record(plenary=session, marks=form.marks())
            messages.success(request, "Attendance has been saved.")
            return redirect(request.get_full_path())
    context = {"programme": programme, "plenary": session, "page": page, "form": form}
    return render(request, "projects/sharing/plenary.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def plenary_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Call a session off before it starts, telling everyone registered or waiting."""
    programme = get_programme_for_user(request, slug, "projects.manage_plenaries")
    session = get_object_or_404(programme.plenaries.with_places(), pk=pk)
    if not session.is_open:
        messages.info(request, "This session has started or is cancelled already.")
        return redirect(session)
    form = PlenaryCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        emailed = sharing.plenary_cancel(plenary=session, message=form.cleaned_data["message"])
        messages.success(
            request,
            f"The session on {session.when} has been cancelled. We are emailing {emailed} "
            f"{'person' if emailed == 1 else 'people'} registered or waiting.",
        )
        return redirect(session)
    context = {"programme": programme, "plenary": session, "form": form}
    return render(request, "projects/sharing/plenary_cancel.html", context)


# --- Plenary sessions: the person registering ---------------------------------------------------


@requires("projects.register_for_plenary")
@require_http_methods(["GET", "POST"])
def plenary_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Register for a place (or the waiting list), saying how the insights might be used."""
    session = get_for_user(
        request,
        Plenary.objects.filter(programme__slug=slug).select_related("programme").with_places(),
        view_perm="projects.view_plenary",
        perm="projects.register_for_plenary",
        pk=pk,
    )
    existing = session.registrations.active().filter(user=request.user).first()
    if existing:
        messages.info(request, "You have already registered for this session.")
        return redirect(existing)
    full = session.places_left == 0
    label = "Join the waiting list" if full else "Register"
    organisation = request.user.organisation
    form = RegistrationForm(
        posted(request),
        submit_label=label,
        initial={"organisation_name": organisation.name if organisation else ""},
    )
    if request.method == "POST" and session.is_open and form.is_valid():
        try:
            registration = sharing.plenary_register(
                plenary=session, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("use_of_insights", error)
        else:
            messages.success(request, REGISTERED[registration.status])
            return redirect(registration)
    context = {"plenary": session, "programme": session.programme, "form": form, "full": full}
    return render(request, "projects/sharing/register.html", context)


def _registration(request: HttpRequest, pk: int, perm: str, *, changeable: bool = False):
    """A registration the user may see (else 404) with `perm` on it (else 403); changes need an
    active registration for a session that has not started."""
    registrations = PlenaryRegistration.objects.select_related("plenary__programme", "user")
    return get_for_user(
        request,
        registrations.active() if changeable else registrations,
        view_perm="projects.view_registration",
        perm=perm,
        pk=pk,
    )


@require_safe
@requires(SIGNED_IN)
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the emails send people to see or give up their place."""
    registration = _registration(request, pk, "projects.view_registration")
    can_change = (
        request.user.has_perm("projects.change_registration", registration)
        and registration.is_active
        and registration.plenary.is_open
    )
    context = {"registration": registration, "plenary": registration.plenary}
    context |= {"programme": registration.plenary.programme, "can_change": can_change}
    return render(request, "projects/sharing/registration.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, "projects.change_registration", changeable=True)
    if not registration.plenary.is_open:
        raise Http404
    if request.method == "POST":
        sharing.plenary_registration_cancel(registration=registration)
        messages.success(request, "Your registration has been cancelled. We have emailed you.")
        return redirect(registration)
    context = {"registration": registration, "plenary": registration.plenary}
    return render(request, "projects/sharing/registration_cancel.html", context)


@require_safe
@requires(SIGNED_IN)
def registration_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The calendar entry the confirmation email attached (same UID, so it updates that one);
    only while the place is held and the session is to come."""
    registration = _registration(request, pk, "projects.change_registration", changeable=True)
    if registration.status != PlenaryRegistration.Status.CONFIRMED:
        raise Http404
    if not registration.plenary.is_open:
        raise Http404
    manage_url = absolute_url(registration.get_absolute_url())
    response = HttpResponse(
        plenary_calendar(registration, method="REQUEST", manage_url=manage_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="plenary.ics"'
    return response


# --- Co-written blog posts ----------------------------------------------------------------------


def get_blog_post_for_user(request: HttpRequest, pk: int, perm: str) -> BlogPost:
    """The post: 404 to people who may not see it (anyone but its authors, its programme's team
    and admins), 403 without `perm`."""
    return get_for_user(
        request,
        BlogPost.objects.select_related("programme", "reviewed_by"),
        view_perm="projects.see_blog_post",
        perm=perm,
        pk=pk,
    )


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def blog_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "projects.start_blog_post")
    form = BlogPostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post = sharing.blog_post_start(
            programme=programme,
            user=request.user,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
        )
        messages.success(request, "The draft has been saved. Next, add your co-authors.")
        return redirect(post)
    context = {"programme": programme, "form": form}
    return render(request, "projects/sharing/blog_edit.html", context)


def _post_page(request: HttpRequest, post: BlogPost, **extra) -> HttpResponse:
    context = {
        "programme": post.programme,
        "post": post,
        "authors": post.authors.select_related("organisation"),
        "missing": sharing.missing_authors(post) if post.is_editable else [],
        "can_edit": post.is_editable and request.user.has_perm("projects.edit_blog_post", post),
        "can_review": post.status == BlogPost.Status.SUBMITTED
        and request.user.has_perm("projects.review_blog_post", post),
    }
    return render(request, "projects/sharing/blog_post.html", context | extra)


@require_safe
@requires(SIGNED_IN)
def blog_post(request: HttpRequest, pk: int) -> HttpResponse:
    """The post as it will read, its authors, and what it needs before it can be submitted."""
    return _post_page(request, get_blog_post_for_user(request, pk, "projects.see_blog_post"))


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def blog_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_blog_post_for_user(request, pk, "projects.edit_blog_post")
    if not post.is_editable:
        messages.info(request, "This post is with the facilitator, so it cannot change now.")
        return redirect(post)
    initial = {"title": post.title, "summary": post.summary, "body": post.body}
    form = BlogPostForm(posted(request), initial=initial | {"version": post.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing.blog_post_save(
                post=post,
                user=request.user,
                version=data["version"] or 0,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your changes have been saved.")
            return redirect(post)
    context = {"programme": post.programme, "post": post, "form": form}
    return render(request, "projects/sharing/blog_edit.html", context)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def blog_authors(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_blog_post_for_user(request, pk, "projects.edit_blog_post")
    if not post.is_editable:
        messages.info(request, "This post is with the facilitator, so it cannot change now.")
        return redirect(post)
    if request.method == "POST" and "remove" in request.POST:
        return _remove_author(request, post)
    form = AuthorForm(posted(request), post=post)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.blog_author_add(post=post, user=form.cleaned_data["author"])
        except ValidationError as error:
            form.add_error("author", error)
        else:
            messages.success(request, f"{form.cleaned_data['author']} is now a co-author.")
            return redirect(post)
    context = {"programme": post.programme, "post": post, "form": form}
    context["authors"] = post.authors.select_related("organisation")
    return render(request, "projects/sharing/blog_authors.html", context)


def _remove_author(request: HttpRequest, post) -> HttpResponse:
    chosen = request.POST["remove"]
    if not chosen.isdigit():
        raise Http404
    author = get_object_or_404(post.authors, pk=chosen)
    try:
        sharing.blog_author_remove(post=post, author=author)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("projects:blog_authors", pk=post.pk)
    if author == request.user:
        messages.success(request, "You are no longer an author of the post.")
        return redirect("projects:sharing", slug=post.programme.slug)
    messages.success(request, f"{author} is no longer an author of the post.")
    return redirect("projects:blog_authors", pk=post.pk)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def blog_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """An author deletes a draft (or a post sent back) after confirming; GET only asks."""
    post = get_blog_post_for_user(request, pk, "projects.edit_blog_post")
    if not post.is_editable:
        messages.info(request, f"{sharing.NOT_DELETABLE}.")
        return redirect(post)
    if request.method == "POST":
        try:
            sharing.blog_post_delete(post=post)
        except ValidationError as error:
            messages.info(request, f"{error.messages[0]}.")
            return redirect(post)
        messages.success(request, f"‘{post.title}’ has been deleted.")
        return redirect("projects:sharing", slug=post.programme.slug)
    context = {"programme": post.programme, "post": post}
    return render(request, "projects/sharing/blog_delete.html", context)


@require_POST
@requires(SIGNED_IN)
def blog_submit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_blog_post_for_user(request, pk, "projects.edit_blog_post")
    try:
        sharing.blog_post_submit(post=post, user=request.user)
    except ValidationError as error:
        return _post_page(request, post, submit_errors=error.messages)
    messages.success(request, "The post has been sent to the facilitator for review.")
    return redirect(post)


@requires(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def blog_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator publishes the post, or sends it back with a comment."""
    post = get_blog_post_for_user(request, pk, "projects.review_blog_post")
    if post.status != BlogPost.Status.SUBMITTED:
        messages.info(request, "This post is not waiting for review.")
        return redirect(post)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        publish = form.cleaned_data["decision"] == "publish"
        sharing.blog_post_review(
            post=post, reviewer=request.user, publish=publish, comment=form.cleaned_data["comment"]
        )
        messages.success(
            request,
            "The post has been published." if publish else "The post has gone back to its authors.",
        )
        return redirect(post)
    context = {"programme": post.programme, "post": post, "form": form}
    return render(request, "projects/sharing/blog_review.html", context)
