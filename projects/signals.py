"""Every idea has its project from the start. Ideas are recorded in the scoping app, which may
not import this one, so the project is created here when an idea is first saved, whichever
path saved it (a form, the demo data, Django admin)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from projects.models import Project
from scoping.models import Idea


@receiver(post_save, sender=Idea, dispatch_uid="projects_project_for_new_idea")
def project_for_new_idea(
    sender, instance: Idea, created: bool, raw: bool = False, **kwargs
) -> None:
    if created and not raw:
        Project.objects.get_or_create(idea=instance)


# Sent after a project's insights are published, with the publishing ProjectEvent's id. The
# public site (landing, which this app may not import) announces them in its news and emails.
insights_published = Signal()

# Sent after a blog post is published, with its id; the public site announces it in its news,
# feed and update emails.
blog_post_published = Signal()
