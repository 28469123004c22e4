"""The platform's own records: how its background machinery is doing."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from cip.templatetags.govuk import govuk_datetime


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task that beat schedules every minute.

    One row per worker hostname, overwritten each time, so the table stays as small as the fleet.
    Each scheduled heartbeat is taken by whichever worker is free: the newest row says that beat
    is scheduling and that at least one worker is consuming the queue.
    """

    hostname = models.CharField(max_length=255, unique=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.hostname} at {govuk_datetime(self.at)}"

    @classmethod
    def record(cls, *, hostname: str, at=None) -> WorkerHeartbeat:
        """Note that `hostname` was alive at `at` (default now). Safe to run any number of times."""
        heartbeat, _ = cls.objects.update_or_create(
            hostname=hostname, defaults={"at": at or timezone.now()}
        )
        return heartbeat

    @classmethod
    def newest_age(cls) -> timedelta | None:
        """How long ago any worker last beat; None when none ever has."""
        newest = cls.objects.order_by("-at").values_list("at", flat=True).first()
        return None if newest is None else timezone.now() - newest
