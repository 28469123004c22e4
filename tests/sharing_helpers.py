"""Builders for sharing tests: plenary sessions, registrations and blog posts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from projects.models import BlogPost, Plenary, PlenaryRegistration
from teams.models import Programme, User


def plenary_on(
    programme: Programme,
    *,
    title: str = "What we found about skipped meals",
    days: float = 7,
    capacity: int = 10,
) -> Plenary:
    """A plenary starting `days` from now (negative: it has started), the same one each time
    for the same title."""
    starts = timezone.now() + timedelta(days=days)
    return Plenary.objects.get_or_create(
        programme=programme,
        title=title,
        defaults={
            "description": "The team presents its findings and asks what to do next.",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "Riverside Library",
            "online_link": "https://meet.example.org/plenary",
            "capacity": capacity,
        },
    )[0]


def registration_on(
    plenary: Plenary, user: User, status: str = PlenaryRegistration.Status.CONFIRMED
) -> PlenaryRegistration:
    confirmed = status == PlenaryRegistration.Status.CONFIRMED
    return PlenaryRegistration.objects.get_or_create(
        plenary=plenary,
        user=user,
        defaults={
            "use_of_insights": "To plan our advice sessions",
            "status": status,
            "confirmed_at": timezone.now() - timedelta(days=3) if confirmed else None,
        },
    )[0]


def blog_post_on(
    programme: Programme,
    authors: Iterable[User] = (),
    *,
    title: str = "Why we asked about skipped meals",
    status: str = BlogPost.Status.DRAFT,
) -> BlogPost:
    """A post by `authors` (the same one each time for the same title); a published one gets
    its address and publication date."""
    published = status == BlogPost.Status.PUBLISHED
    post, created = BlogPost.objects.get_or_create(
        programme=programme,
        title=title,
        defaults={
            "summary": "Two of us, from a food bank and the council, on how the question began.",
            "body": "## How it began\n\nVolunteers kept hearing the same **story**.",
            "status": status,
            "slug": title.lower().replace(" ", "-")[:70] if published else "",
            "published_at": timezone.now() if published else None,
            "submitted_at": timezone.now() if status != BlogPost.Status.DRAFT else None,
        },
    )
    if created:
        post.authors.add(*authors)
    return post
