from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from landing.models import NewsPost, Principle
from landing.principles import DEFAULT_PRINCIPLES
from landing.services import news_post_save
from projects.models import Insight, ProjectEvent
from projects.signals import insights_published
from teams.models import Programme


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
