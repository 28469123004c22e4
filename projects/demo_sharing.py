"""Demo sharing for `manage.py seed_demo`: in Camden, a plenary session next fortnight that is
full with one person on the waiting list, and a blog post written by a VCS member and a council
member of the core team, reviewed and published by the facilitator.

Through the services, so the demo is what real use leaves behind. Safe to run again: the plenary
and the post are looked up by title first. It emails nobody: each registration's email is
marked sent before the transaction commits, and the demo has no update subscribers.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from projects import sharing
from projects.models import BlogPost, Plenary, PlenaryRegistration
from teams.models import Programme, User
from teams.services import local_start

PLENARY = {
    "title": "What we are learning about families going without",
    "description": "The Camden team shares what partners and the council's data say about "
    "families choosing between heating and eating, and asks what each organisation could do "
    "with it. Tea from 5:45pm; captions online.",
    "place": "Crowndale Centre, 218 Eversholt Street, London NW1 1BD",
    "online_link": "https://meet.example.org/camden-plenary",
    "capacity": 2,
}
# (email, how they might use the insights); the last is on the waiting list.
REGISTRANTS = [
    ("partner@foodbank.example", "To decide which months we open extra distribution days"),
    ("advisory@mental-health.example", "To brief our outreach workers on who is struggling"),
    ("staff@centralbedfordshire.example", "To see whether we should ask the same question"),
]
POST = {
    "title": "Heating or eating: why we asked the question together",
    "summary": "A community organiser and the council's delivery lead on how a food-bank "
    "hunch became a question the whole partnership is working on.",
    "body": (
        "## Where it started\n\n"
        "Volunteers at the food bank kept hearing the same thing: families topping up the "
        "meter first and buying food with whatever was left. The council's data could not "
        "see it, because nobody records a skipped meal.\n\n"
        "## What we did differently\n\n"
        "* We wrote the question **together**, in words residents would recognise.\n"
        "* The council shared ward-level figures only, after a data safety check.\n"
        "* Partners checked every chart before anything was published.\n\n"
        "> The numbers only made sense once the people who hear these stories every week "
        "had read them.\n\n"
        "Come to the plenary session to hear what we found and what we plan to do next."
    ),
}
AUTHORS = ["communities@refugee-network.example", "delivery-lead@camden.example"]


def seed_sharing(programmes: dict[str, Programme]) -> None:
    camden = programmes.get("camden")
    if camden is None:
        return
    facilitator = User.objects.get(email="facilitator@camden.example")
    _seed_plenary(camden, facilitator)
    _seed_blog_post(camden, facilitator)


@transaction.atomic
def _seed_plenary(programme: Programme, facilitator: User) -> None:
    plenary = Plenary.objects.filter(programme=programme, title=PLENARY["title"]).first()
    if plenary is None:
        starts = local_start(timezone.localdate() + timedelta(days=14), time(18))
        plenary = sharing.plenary_schedule(
            programme=programme,
            created_by=facilitator,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            **PLENARY,
        )
    for email, use in REGISTRANTS:
        person = User.objects.get(email=email)
        if not plenary.registrations.filter(user=person).exists():
            sharing.plenary_register(
                plenary=plenary,
                user=person,
                use_of_insights=use,
                organisation_name=person.organisation.name if person.organisation else "",
            )
    # Nobody to tell in a demo either.
    PlenaryRegistration.objects.filter(plenary=plenary, emailed_sequence=None).update(
        emailed_sequence=F("sequence")
    )


def _seed_blog_post(programme: Programme, facilitator: User) -> None:
    if BlogPost.objects.filter(programme=programme, title=POST["title"]).exists():
        return
    first, second = (User.objects.get(email=email) for email in AUTHORS)
    with transaction.atomic():
        post = sharing.blog_post_start(programme=programme, user=first, **POST)
        sharing.blog_author_add(post=post, user=second)
        post = sharing.blog_post_submit(post=post, user=second)
        _mark_emailed(post)
    # Published after the commit above, as it would be, in a transaction of its own.
    with transaction.atomic():
        _mark_emailed(sharing.blog_post_review(post=post, reviewer=facilitator, publish=True))


def _mark_emailed(post: BlogPost) -> None:
    """Nobody to tell in a demo: marked sent before the queued email runs at commit."""
    BlogPost.objects.filter(pk=post.pk).update(emailed_status=post.status)
