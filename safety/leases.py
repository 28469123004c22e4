"""Leases on running scans and redactions, so a dead worker's dataset is found in minutes.

A task claims a dataset with one conditional UPDATE that also takes the lease (a holder id unique
to that run, and an expiry). While the task lives the lease is renewed: after every chunk, with
the progress it reports (a renewal that finds another holder stops the task), and by a keeper
thread while the engine works between chunks (a workbook's other sheets, the free text, the
mosaic). A worker killed outright renews nothing, its lease lapses, and the reaper
(services.datasets_requeue_stalled) queues the work again. The broker's own redelivery, two hours
later, then finds the work done or leased and leaves it alone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone

from safety.models import Dataset
from safety.scanning.engine import fork_safe

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another run holds the dataset now (this one was taken for dead): stop without writing."""


def _expiry():
    return timezone.now() + timedelta(seconds=settings.DATASET_LEASE_SECONDS)


def new_holder() -> str:
    """Who holds a lease: the machine and process (for people reading it), and a unique run."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def free_of_live_lease() -> Q:
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=timezone.now())


def claim(dataset_id: int, running: str, counter: str, sources: tuple[str, ...]) -> Lease | None:
    """Take the dataset's work if it waits in one of `sources` with no live lease, counting the
    attempt; None when there is nothing to do or another run holds it."""
    holder = new_holder()
    claimed = Dataset.objects.filter(
        free_of_live_lease(), pk=dataset_id, status__in=sources
    ).update(
        status=running,
        lease_holder=holder,
        lease_expires_at=_expiry(),
        queued_at=None,
        **{counter: F(counter) + 1},
    )
    return Lease(dataset_id, holder) if claimed else None


class Lease:
    """One run's hold on a dataset. Use as a context manager to keep it alive between chunks."""

    def __init__(self, dataset_id: int, holder: str) -> None:
        self.dataset_id = dataset_id
        self.holder = holder
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None

    def mine(self):
        """This run's dataset, as a queryset: every write the run makes goes through it."""
        return Dataset.objects.filter(pk=self.dataset_id, lease_holder=self.holder)

    def renew(self, **fields) -> None:
        """Extend the lease (writing `fields` in the same UPDATE); LeaseLost if it is not ours."""
        if not self.mine().update(lease_expires_at=_expiry(), **fields):
            raise LeaseLost(f"Dataset {self.dataset_id} is held by another run")

    def release(self, **fields) -> int:
        """Give the lease up, writing `fields` (the outcome) if it is still ours."""
        return self.mine().update(lease_holder="", lease_expires_at=None, **fields)

    def __enter__(self) -> Lease:
        interval = max(settings.DATASET_LEASE_SECONDS / 3, 0.5)
        # The engine may still fork its processes beside it: they use no database connection.
        self._keeper = fork_safe(
            threading.Thread(
                target=self._keep, args=(interval,), name=f"lease-{self.dataset_id}", daemon=True
            )
        )
        self._keeper.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join()

    def _keep(self, interval: float) -> None:
        # Its own database connection (Django's are per thread), closed when the run ends. It
        # only extends: whether the lease was lost is for the run itself to find at its next
        # renewal, inside its own transaction.
        try:
            while not self._stop.wait(interval):
                try:
                    self.mine().update(lease_expires_at=_expiry())
                except DatabaseError as error:  # the next tick, or the run's own renewal, retries
                    logger.warning("Lease renewal failed: %s", type(error).__name__)
        finally:
            connection.close()
