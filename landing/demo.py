"""Demo news for `manage.py seed_demo`: a published update on each programme's public page."""

from django.utils import timezone

from landing.models import NewsPost
from teams.models import Programme

NEWS = [
    (
        "office-hours-are-open",
        "Office hours are open",
        "Book a conversation with the facilitator about a question your organisation would "
        "like data to help answer.",
        "Our first office hours are now open for booking. They are informal: bring a problem "
        "you see in your work, a hunch about what is going on, or just curiosity about how the "
        "programme works.\n\nYou do not need to know anything about data. Sessions are online "
        "or in person, and you can tell us about any access needs when you book.",
    ),
]


def seed_news(programmes: dict[str, Programme]) -> None:
    """Publish the demo updates once per programme, without emailing anyone."""
    for programme in programmes.values():
        for slug, title, summary, body in NEWS:
            NewsPost.objects.get_or_create(
                programme=programme,
                slug=slug,
                defaults={
                    "title": title,
                    "summary": summary,
                    "body": body,
                    "published_at": timezone.now(),
                    "emailed_at": timezone.now(),  # nobody to email in a demo
                },
            )
