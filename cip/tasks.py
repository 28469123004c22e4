"""Celery entry points of the platform itself: thin, calling plain functions."""

from __future__ import annotations

import socket

from celery import shared_task

from cip.models import WorkerHeartbeat

# Scheduled every minute by beat (CELERY_BEAT_SCHEDULE); a heartbeat older than that is worthless,
# so a backlog built up while no worker was running is dropped rather than replayed.
HEARTBEAT_EXPIRES_SECONDS = 55


@shared_task(bind=True, name="cip.tasks.record_heartbeat", expires=HEARTBEAT_EXPIRES_SECONDS)
def record_heartbeat(self) -> str:
    """Record that the worker running this task is alive; returns its hostname."""
    hostname = self.request.hostname or socket.gethostname()
    WorkerHeartbeat.record(hostname=hostname)
    return hostname
