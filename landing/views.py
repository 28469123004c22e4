from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cip.access import requires
from cip.forms import posted
from cip.pagination import paginate
from cip.public_cache import public_page
from landing import services
from landing.feeds import NationalInsightsFeed, ProgrammeNewsFeed
from landing.forms import NewsPostForm, PrincipleForm, SubscribeForm
from landing.models import NewsPost, UpdateSubscription
from projects.models import BlogPost, Insight
from projects.selection import announced_projects
from teams.access import get_programme_for_user
from teams.models import Programme

# The landing page lists the next few bookable office-hours sessions, and the latest insights.
OFFICE_HOURS_SHOWN = 12
INSIGHTS_SHOWN = 5
METHOD_CHANGES_SHOWN = 3
# Upcoming plenary sessions and the latest blog posts on the programme page.
PLENARIES_SHOWN = 5
BLOG_POSTS_SHOWN = 3
# Announced projects on the programme page, a few at a time, in the order they were announced.
PROJECTS_SHOWN = 5

news_feed = require_safe(
    requires("landing.view_public_pages")(public_page(programme="slug")(ProgrammeNewsFeed()))
)
national_feed = require_safe(
    requires("landing.view_public_pages")(public_page(every_programme=True)(NationalInsightsFeed()))
)


@require_safe
@requires("landing.view_home")
@public_page(params=["page"])
def home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the service is and the programmes it hosts."""
    programmes = paginate(request, Programme.objects.order_by("name", "pk"))
    return render(request, "landing/home.html", {"programmes": programmes})


@require_safe
@requires("landing.view_public_pages")
@public_page
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "landing/accessibility.html")


@require_safe
@requires("landing.view_public_pages")
@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "landing/privacy.html")


@require_safe
@requires("landing.view_public_pages")
@public_page
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request, "landing/cookies.html", {"session_minutes": settings.SESSION_COOKIE_AGE // 60}
    )


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug", params=["projects"])
def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's public landing page."""
    programme = get_object_or_404(Programme, slug=slug)
    listed = (
        programme.memberships.active()
        .filter(listed_publicly=True)
        .exclude(user__display_name="")  # never fall back to an email address in public
        .select_related("user__organisation")
    )
    context = {
        "programme": programme,
        "principles": programme.principles.all(),
        "team": listed,
        "news": NewsPost.objects.published()
        .filter(programme=programme)
        .select_related("programme")[:3],
        "subscribe_form": SubscribeForm(),
        # Counting places groups the rows, and Django drops Meta.ordering from grouped queries.
        "office_hours": programme.office_hours.bookable()
        .with_places()
        .order_by("starts_at", "pk")[:OFFICE_HOURS_SHOWN],
        # Only announced projects, with only the team members who agreed to be named.
        "projects": paginate(
            request, announced_projects(programme), per_page=PROJECTS_SHOWN, parameter="projects"
        ),
        "insights": Insight.objects.published()
        .filter(programme=programme)
        .select_related("programme")[:INSIGHTS_SHOWN],
        "method_changes": programme.method_changes.all()[:METHOD_CHANGES_SHOWN],
        "plenaries": programme.plenaries.open_for_registration()
        .with_places()
        .select_related("project__idea")
        .order_by("starts_at", "pk")[:PLENARIES_SHOWN],
        "blog_posts": _published_posts(programme)[:BLOG_POSTS_SHOWN],
    }
    return render(request, "landing/programme.html", context)


def _published_posts(programme: Programme):
    return (
        BlogPost.objects.published()
        .filter(programme=programme)
        .select_related("programme")
        .prefetch_related("authors__organisation")
        .order_by("-published_at", "-pk")
    )


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug", params=["page"])
def blog(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's published blog posts, newest first."""
    programme = get_object_or_404(Programme, slug=slug)
    posts = paginate(request, _published_posts(programme))
    return render(request, "landing/blog.html", {"programme": programme, "posts": posts})


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug")
def blog_post(request: HttpRequest, slug: str, post: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    item = get_object_or_404(_published_posts(programme), slug=post)
    return render(request, "landing/blog_post.html", {"programme": programme, "post": item})


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug", params=["page"])
def method_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's changelog of how it runs projects, newest first."""
    programme = get_object_or_404(Programme, slug=slug)
    context = {"programme": programme, "page": paginate(request, programme.method_changes.all())}
    return render(request, "landing/method_changes.html", context)


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug", params=["page"])
def news(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    posts = NewsPost.objects.published().filter(programme=programme).select_related("programme")
    drafts = (
        programme.news.filter(published_at__isnull=True).select_related("programme")
        if request.user.has_perm("landing.manage_news", programme)
        else NewsPost.objects.none()
    )
    context = {
        "programme": programme,
        "posts": paginate(request, posts),
        "drafts": paginate(request, drafts.order_by("-updated_at", "-pk"), parameter="drafts"),
    }
    return render(request, "landing/news.html", context)


@require_safe
@requires("landing.view_public_pages")
@public_page(programme="slug")
def news_post(request: HttpRequest, slug: str, post: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    item = get_object_or_404(programme.news, slug=post)
    if item.published_at is None and not request.user.has_perm("landing.manage_news", programme):
        raise Http404
    return render(request, "landing/news_post.html", {"programme": programme, "post": item})


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, slug: str, post: str | None = None) -> HttpResponse:
    """Write a new update, or change one; publishing emails subscribers once."""
    programme = get_programme_for_user(request, slug, "landing.manage_news")
    instance = (
        get_object_or_404(programme.news, slug=post)
        if post
        else NewsPost(programme=programme, author=request.user)
    )
    form = NewsPostForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = services.news_post_save(
            post=form.save(commit=False), publish=form.cleaned_data.get("publish", False)
        )
        messages.success(
            request,
            "The update has been published." if saved.published_at else "The draft has been saved.",
        )
        return redirect(saved)
    return render(
        request, "landing/news_edit.html", {"programme": programme, "form": form, "post": post}
    )


@requires("teams.open_programme_pages")
@require_http_methods(["GET", "POST"])
def principle_edit(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    programme = get_programme_for_user(request, slug, "landing.change_principles")
    principle = get_object_or_404(programme.principles, position=position)
    form = PrincipleForm(posted(request), instance=principle)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Principle {position} has been saved.")
        return redirect(reverse("landing:programme", args=[slug]) + "#principles")
    return render(
        request,
        "landing/principle_edit.html",
        {"programme": programme, "form": form, "principle": principle},
    )


@requires("landing.subscribe_to_updates")
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    form = SubscribeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume(request, action="subscribe_to_updates", key=email):
            return render(request, "429.html", status=429)
        services.subscription_request(programme=programme, email=email)
        return render(request, "landing/subscribe_sent.html", {"programme": programme})
    return render(request, "landing/subscribe.html", {"programme": programme, "form": form})


@never_cache  # its address holds the subscription's secret token
@requires("landing.subscribe_to_updates")
@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Confirm by pressing a button: mail scanners that follow links must not subscribe anyone."""
    subscription = get_object_or_404(
        UpdateSubscription.objects.select_related("programme"), programme__slug=slug, token=token
    )
    if request.method == "POST":
        services.subscription_confirm(subscription=subscription)
        messages.success(request, "You will now get email updates.")
        return redirect("landing:programme", slug=slug)
    return render(request, "landing/subscription_confirm.html", {"subscription": subscription})


@never_cache  # its address holds the subscription's secret token
@requires("landing.subscribe_to_updates")
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    subscription = get_object_or_404(
        UpdateSubscription.objects.select_related("programme"), programme__slug=slug, token=token
    )
    if request.method == "POST":
        services.subscription_cancel(subscription=subscription)
        messages.success(request, "You will not get any more email updates.")
        return redirect("landing:programme", slug=slug)
    return render(request, "landing/unsubscribe.html", {"subscription": subscription})
