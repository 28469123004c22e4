from django.db.models.signals import post_save
from django.dispatch import receiver

from landing.models import Principle
from landing.principles import DEFAULT_PRINCIPLES
from teams.models import Programme


@receiver(post_save, sender=Programme, dispatch_uid="landing.seed_principles")
def seed_principles(sender, instance: Programme, created: bool, raw: bool = False, **kwargs):
    """A new programme starts with the default principles, ready for the team to reword."""
    if created and not raw:
        Principle.objects.bulk_create(
            Principle(programme=instance, position=number, title=title, description=text)
            for number, (title, text) in enumerate(DEFAULT_PRINCIPLES, start=1)
        )
