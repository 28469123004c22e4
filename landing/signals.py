from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from cip.public_cache import invalidate_on
from landing.models import NewsPost, Principle
from landing.principles import DEFAULT_PRINCIPLES
from landing.services import news_post_save
from projects.models import (
    Action,
    ActionProgress,
    BlogPost,
    Insight,
    Lesson,
    MethodChange,
    Plenary,
    PlenaryRegistration,
    Project,
    ProjectEvent,
    ProjectMember,
)
from projects.signals import blog_post_published, insights_published
from scoping.models import Idea
from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    User,
)


@receiver(post_save, sender=Programme, dispatch_uid="landing.seed_principles")
def seed_principles(sender, instance: Programme, created: bool, raw: bool = False, **kwargs):
    """A new programme starts with the default principles, ready for the team to reword."""
    if created and not raw:
        Principle.objects.bulk_create(
            Principle(programme=instance, position=number, title=title, description=text)
            for number, (title, text) in enumerate(DEFAULT_PRINCIPLES, start=1)
        )


@receiver(insights_published, dispatch_uid="landing.announce_insights")
def announce_insights(sender, event_id: int, **kwargs) -> None:
    """Announce each newly published insight as an update: it appears in the programme's news
    and Atom feed, and subscribers are emailed it once (landing.services.news_post_save).
    Safe to run twice: an insight is announced once."""
    event = ProjectEvent.objects.select_related("project").get(pk=event_id)
    published = Insight.objects.published().filter(
        project_id=event.project_id, announcement__isnull=True
    )
    for insight in published.select_related("programme"):
        post = NewsPost(
            programme=insight.programme,
            title=f"New insight: {insight.title}"[:200],
            summary=insight.summary[:300],
            body=f"{insight.summary}\n\nRead the insight and download its figures on its page.",
            insight=insight,
        )
        try:
            with transaction.atomic():
                news_post_save(post=post, publish=True)
        except IntegrityError:  # announced by a parallel run
            continue


@receiver(blog_post_published, dispatch_uid="landing.announce_blog_post")
def announce_blog_post(sender, post_id: int, **kwargs) -> None:
    """Announce a newly published blog post as an update, so it reaches the programme's news,
    Atom feed and subscribers' inboxes (once). Safe to run twice."""
    post = BlogPost.objects.published().filter(pk=post_id, announcement__isnull=True).first()
    if post is None:
        return
    announcement = NewsPost(
        programme=post.programme,
        title=f"New blog post: {post.title}"[:200],
        summary=post.summary[:300],
        body=f"{post.summary}\n\nRead the post, written together by members of the core team.",
        blog_post=post,
    )
    try:
        with transaction.atomic():
            news_post_save(post=announcement, publish=True)
    except IntegrityError:  # announced by a parallel run
        pass


# What the public pages show (cip/public_cache.py): saving or deleting any of these re-renders the
# pages of its programme, or every public page when no programme is named. One line per model.
invalidate_on(Programme)  # the home page lists them all
invalidate_on(Organisation, fields={"name"})
invalidate_on(
    User,
    programme=lambda user: Programme.objects.filter(memberships__user=user).values_list(
        "slug", flat=True
    ),
    fields={"display_name", "organisation"},  # not every sign-in
)
invalidate_on(Membership, programme="programme.slug")
invalidate_on(Principle, programme="programme.slug")
invalidate_on(NewsPost, programme="programme.slug")
invalidate_on(OfficeHourSlot, programme="programme.slug")
invalidate_on(OfficeHourBooking, programme="slot.programme.slug")
invalidate_on(Idea, programme="programme.slug")
invalidate_on(Project, programme="idea.programme.slug")
invalidate_on(ProjectMember, programme="project.idea.programme.slug")
invalidate_on(Insight, programme="programme.slug")
# An insight's page shows its public actions and their latest progress.
invalidate_on(Action, programme="insight.programme.slug")
invalidate_on(ActionProgress, programme="action.insight.programme.slug")
invalidate_on(MethodChange, programme="programme.slug")
invalidate_on(Plenary, programme="programme.slug")
invalidate_on(PlenaryRegistration, programme="plenary.programme.slug")  # places left
invalidate_on(BlogPost, programme="programme.slug")
invalidate_on(Lesson, programme="programme.slug")  # public ones, on the national view
