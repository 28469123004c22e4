"""Dataset scans on a real Celery worker through Redis, against PostgreSQL.

Skipped without DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); a failure when
CIP_REQUIRE_SERVICES=1, as in CI. The second test kills the worker (SIGKILL) mid-scan: the message
was never acknowledged (acks_late), so once the visibility timeout passes Redis hands it to a new
worker, which claims the dataset again (its lease has lapsed too) and finishes it exactly once.
That is the broker's own redelivery, shortened from two hours to five seconds; with production
timeouts the lease and beat's reaper bring the work back (tests/test_dataset_faults.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from uuid import uuid4

import pytest
from django.conf import settings

from cip.celery import app as celery_app
from safety.demo import synthetic_csv
from safety.models import ColumnFinding, Dataset
from safety.tasks import scan_dataset
from tests.dataset_helpers import data_source, stored_dataset
from tests.test_services import (
    BASE_DIR,
    WorkerProcess,
    _forget_queue,
    _require_broker,
    _require_postgresql,
    _test_database_url,
)

pytestmark = pytest.mark.services
DEADLINE_SECONDS = 120


@pytest.fixture
def workers(transactional_db, tmp_path, monkeypatch):
    """Start workers on one private queue (each with its own extra settings); stop them all."""
    _require_postgresql()
    _require_broker()
    queue = f"test-datasets-{uuid4().hex}"
    started: list[WorkerProcess] = []

    def start(**extra: str) -> WorkerProcess:
        nodename = f"{queue}-{len(started)}@{socket.gethostname()}"
        env = os.environ | {
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
            "DEBUG": "true",
            "TESTING": "true",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app=cip",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    f"--queues={queue}",
                    f"--hostname={nodename}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(queue=queue, nodename=nodename, process=process, log=log)
        started.append(worker)
        return worker

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # The upload queues its scan on the default queue; these tests send it to their own instead.
    monkeypatch.setattr(scan_dataset, "delay", lambda *args: None)
    start.queue = queue  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = eager
        for worker in started:
            worker.stop()
            print(f"--- worker output ({worker.nodename}) ---\n{worker.output()}")
        _forget_queue(queue)


def _wait_for(condition, what: str, worker: WorkerProcess | None = None) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {worker.process.returncode} before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.2)


def _status(dataset: Dataset) -> str:
    dataset.refresh_from_db()
    return dataset.status


def test_a_worker_scans_a_dataset_through_redis(workers, programme_a, tmp_path) -> None:
    worker = workers()
    dataset = stored_dataset(data_source(programme_a), tmp_path, upto="uploaded")

    scan_dataset.apply_async((dataset.pk,), queue=workers.queue)

    _wait_for(lambda: _status(dataset) == Dataset.Status.SCANNED, "the scan", worker)
    assert dataset.attempts == 1
    assert dataset.rows == 40
    assert ColumnFinding.objects.filter(dataset=dataset).count() == 11
    assert dataset.findings.get(name="nhs").pii_types == ["NHS_NUMBER"]


def test_a_scan_survives_its_worker_being_killed(workers, programme_a, tmp_path) -> None:
    # Slow enough to kill mid-way: 40 chunks of 50 rows, a second's pause after each.
    first = workers(
        DATASET_SCAN_CHUNK_ROWS="50",
        DATASET_SCAN_CHUNK_DELAY="1",
        CELERY_VISIBILITY_TIMEOUT="5",
        DATASET_LEASE_SECONDS="3",
    )
    content = synthetic_csv(rows=2000)
    dataset = stored_dataset(data_source(programme_a), tmp_path, upto="uploaded", content=content)
    scan_dataset.apply_async((dataset.pk,), queue=workers.queue)

    def mid_scan() -> bool:
        dataset.refresh_from_db()
        return dataset.status == Dataset.Status.SCANNING and dataset.rows_done >= 100

    _wait_for(mid_scan, "the scan to start", first)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert _status(dataset) == Dataset.Status.SCANNING

    second = workers(
        DATASET_SCAN_CHUNK_ROWS="500", CELERY_VISIBILITY_TIMEOUT="5", DATASET_LEASE_SECONDS="3"
    )
    _wait_for(lambda: _status(dataset) == Dataset.Status.SCANNED, "the redelivered scan", second)

    assert dataset.attempts == 2
    assert dataset.rows == 2000
    assert ColumnFinding.objects.filter(dataset=dataset).count() == 11
    # Nothing runs it a third time.
    time.sleep(8)
    dataset.refresh_from_db()
    assert (dataset.status, dataset.attempts) == (Dataset.Status.SCANNED, 2)
