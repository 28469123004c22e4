"""Faults with production timeouts: real workers killed mid-task, and Redis flushed under them.

The broker's visibility timeout stays at its production two hours: what brings the work back is
the dataset's lease lapsing and beat's reaper queueing it again. Leases and the reaper are
shortened through the environment (3 s, every 2 s) so the tests take seconds, not minutes.
Needs PostgreSQL and Redis, as tests/test_datasets_worker.py (whose worker fixture this reuses).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

from cip.dashboard import tasks_for
from safety import services
from safety.demo import synthetic_csv
from safety.models import MAX_ATTEMPTS, Dataset
from safety.tasks import redact_dataset, scan_dataset
from scoping.models import DataSource
from tests.dataset_helpers import data_source, stored_dataset
from tests.factories import OrganisationFactory
from tests.tcp_proxy import TcpProxy
from tests.test_datasets_worker import workers  # noqa: F401 (the fixture)
from tests.test_services import BASE_DIR, WorkerProcess, _test_database_url

pytestmark = pytest.mark.services

ROWS = 2000
CHUNK_ROWS = 50
# The promise: a killed scan completes within five minutes.
RECOVERY_SECONDS = 5 * 60


def _faults(queue: str, **extra: str) -> dict[str, str]:
    """Settings for workers and beat: short leases, a quick reaper, slow chunks to kill in."""
    return {
        "DATASET_LEASE_SECONDS": "3",
        "DATASET_REAPER_SECONDS": "2",
        "DATASET_REQUEUE_SECONDS": "3",
        # Where the reaper's messages go: scans and redactions are routed to DATASETS_QUEUE.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATASETS_QUEUE": queue,
        "DATASET_SCAN_CHUNK_ROWS": str(CHUNK_ROWS),
        "DATASET_SCAN_CHUNK_DELAY": "0.1",
        **extra,
    }


@pytest.fixture
def beat(workers, tmp_path):  # noqa: F811
    """Start `celery beat` (the database scheduler, on this test's database); stop it."""
    started: list[WorkerProcess] = []

    def start(**extra: str) -> WorkerProcess:
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
        log = tmp_path / "beat.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app=cip",
                    "beat",
                    "--loglevel=INFO",
                    f"--pidfile={tmp_path / 'beat.pid'}",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process_ = WorkerProcess(queue=workers.queue, nodename="beat", process=process, log=log)
        started.append(process_)
        return process_

    yield start
    for process in started:
        process.stop()
        print(f"--- beat output ---\n{process.output()}")


def _wait_for(condition, what: str, seconds: float = RECOVERY_SECONDS) -> float:
    """Wait for `condition`; returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - start


def _reload(dataset: Dataset) -> Dataset:
    dataset.refresh_from_db()
    return dataset


def _twin_source(source: DataSource) -> DataSource:
    """Another organisation's source on the same idea (the same pseudonym key) for a clean run."""
    return DataSource.objects.create(
        idea=source.idea,
        name="Food bank visits, clean run",
        kind=source.kind,
        owner=OrganisationFactory(name="Southgate Food Bank"),
    )


def _findings(dataset: Dataset) -> list[tuple]:
    return list(
        dataset.findings.order_by("position").values_list(
            "position",
            "name",
            "kind",
            "pii_types",
            "matches",
            "confidence",
            "suggested_action",
            "quasi_identifier",
            "masked_examples",
        )
    )


def _holder(dataset: Dataset, processes: list[WorkerProcess]) -> WorkerProcess:
    """The worker process whose run holds the dataset's lease (the holder names its pid)."""
    pid = int(_reload(dataset).lease_holder.split(":")[1])
    return next(p for p in processes if p.process.pid == pid)


def _kill_when(dataset: Dataset, status: str, rows: int, processes: list[WorkerProcess]):
    def reached() -> bool:
        _reload(dataset)
        return dataset.status == status and rows <= dataset.rows_done < ROWS

    _wait_for(reached, f"the work to reach row {rows}", seconds=120)
    victim = _holder(dataset, processes)
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)
    return victim


def _stored(source: DataSource, tmp_path, name: str, rows: int = ROWS, **kwargs) -> Dataset:
    folder = tmp_path / name
    folder.mkdir()
    return stored_dataset(source, folder, content=synthetic_csv(rows=rows), **kwargs)


def test_a_scan_killed_early_and_late_completes_once_with_a_clean_runs_findings(
    workers,  # noqa: F811
    beat,
    programme_a,
    tmp_path,
    settings,
) -> None:
    # Killed at 10%, then (the reaper having given it to another worker) at 90%: the third
    # attempt, the last allowed, finishes. (The redaction below is killed half-way.)
    source = data_source(programme_a)
    settings.DATASET_SCAN_CHUNK_ROWS = CHUNK_ROWS  # the clean run reads as the workers do
    clean = _stored(_twin_source(source), tmp_path, "clean", upto="scanned")
    faults = _faults(workers.queue)
    running = [workers(**faults) for _ in range(3)]
    beat(**faults)
    dataset = _stored(source, tmp_path, "killed", upto="uploaded")
    scan_dataset.apply_async((dataset.pk,), queue=workers.queue)

    victims = [_kill_when(dataset, Dataset.Status.SCANNING, ROWS // 10, running)]
    took = _wait_for(lambda: _reload(dataset).attempts == 2, "the reaper to queue it again")
    victims.append(_kill_when(dataset, Dataset.Status.SCANNING, ROWS * 9 // 10, running))
    took += _wait_for(lambda: _reload(dataset).status == Dataset.Status.SCANNED, "the scan")

    assert took < RECOVERY_SECONDS
    assert dataset.attempts == 3
    assert (dataset.rows, dataset.error_message) == (ROWS, "")
    assert _findings(dataset) == _findings(clean)
    assert (dataset.k_anonymity, dataset.small_cells) == (clean.k_anonymity, clean.small_cells)
    # Longer than a lease and a reaper round: nothing runs it again.
    time.sleep(4)
    assert (_reload(dataset).status, dataset.attempts) == (Dataset.Status.SCANNED, 3)
    assert len({v.process.pid for v in victims}) == 2
    assert all(v.process.returncode == -signal.SIGKILL for v in victims)


def test_a_redaction_killed_mid_way_writes_the_same_bytes_as_a_clean_run(
    workers,  # noqa: F811
    beat,
    programme_a,
    tmp_path,
    settings,
    monkeypatch,
) -> None:
    source = data_source(programme_a)
    settings.DATASET_SCAN_CHUNK_ROWS = CHUNK_ROWS
    clean = _stored(_twin_source(source), tmp_path, "clean", upto="redacted")
    dataset = _stored(source, tmp_path, "killed", upto="scanned")
    faults = _faults(workers.queue)
    running = [workers(**faults), workers(**faults)]
    beat(**faults)
    monkeypatch.setattr(
        redact_dataset, "delay", lambda *a: redact_dataset.apply_async(a, queue=workers.queue)
    )
    services.dataset_remedies_confirm(
        dataset=dataset, user=None, remedies={}, quasi_identifiers=dataset.quasi_identifiers
    )

    _kill_when(dataset, Dataset.Status.REDACTING, ROWS // 2, running)
    took = _wait_for(lambda: _reload(dataset).status == Dataset.Status.REDACTED, "the redaction")

    assert took < RECOVERY_SECONDS
    assert dataset.redaction_attempts == 2
    copy, clean_copy = dataset.redacted_copies.get(), clean.redacted_copies.get()
    assert (copy.sha256, copy.size, copy.rows) == (clean_copy.sha256, clean_copy.size, ROWS)
    # The raw files and one copy each: the killed run left nothing behind.
    stored = settings.PRIVATE_STORAGE_ROOT / "datasets"
    assert len([p for p in stored.iterdir() if not p.name.startswith(".")]) == 4


def test_a_dataset_that_kills_its_worker_every_time_fails_and_its_uploader_is_told(
    workers,  # noqa: F811
    beat,
    programme_a,
    team_member,
    tmp_path,
    rf,
) -> None:
    # Killed on every attempt, each dead worker replaced as Compose restarts its container: after
    # the last attempt the reaper fails the dataset instead of queueing it again, and the
    # uploader is emailed (by a worker, into files) and sees it on their dashboard. Another
    # source's scan, queued alongside, finishes as usual.
    outbox = tmp_path / "mail"
    faults = _faults(workers.queue, EMAIL_FILE_PATH=str(outbox))
    running = [workers(**faults), workers(**faults)]
    beat(**faults)
    source = data_source(programme_a, owner=team_member.organisation)
    crashing = _stored(source, tmp_path, "crashing", upto="uploaded", uploader=team_member)
    other = _stored(_twin_source(source), tmp_path, "other", upto="uploaded", rows=200)
    for dataset in (crashing, other):
        scan_dataset.apply_async((dataset.pk,), queue=workers.queue)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        _wait_for(lambda a=attempt: _reload(crashing).attempts == a, f"attempt {attempt}", 120)
        _kill_when(crashing, Dataset.Status.SCANNING, ROWS // 10, running)
        running.append(workers(**faults))
    _wait_for(lambda: _reload(crashing).status == Dataset.Status.FAILED, "the failure", 120)
    _wait_for(lambda: outbox.is_dir() and any(outbox.iterdir()), "the email", 120)

    assert crashing.attempts == MAX_ATTEMPTS
    assert "stopped 3 times" in crashing.error_message
    [email] = [path.read_text() for path in outbox.iterdir()]
    assert f"To: {team_member.email}" in email
    assert "Subject: visits.csv could not be scanned" in email
    request = rf.get("/")
    request.user = team_member
    assert "visits.csv could not be scanned" in [task.title for task in tasks_for(request)]
    _wait_for(lambda: _reload(other).status == Dataset.Status.SCANNED, "the other scan", 120)
    assert (other.attempts, other.rows, other.error_message) == (1, 200, "")
    # Longer than a lease and a reaper round: the failed dataset is not queued again.
    time.sleep(4)
    assert (_reload(crashing).status, crashing.attempts) == (Dataset.Status.FAILED, MAX_ATTEMPTS)


def _proxied(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))


@pytest.fixture
def broker_proxy():
    """A proxy to Redis that a test can cut (stopped after the processes using it)."""
    broker = urlsplit(settings.CELERY_BROKER_URL)
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 6379)
    proxy.start()
    yield proxy
    proxy.stop()


def test_redis_emptied_loses_no_queued_scan_and_runs_none_twice(
    broker_proxy,
    workers,  # noqa: F811
    beat,
    programme_a,
    tmp_path,
) -> None:
    # Flush only this test's own database, named in the URL: Redis is shared.
    broker = urlsplit(settings.CELERY_BROKER_URL)
    assert broker.path.strip("/").isdigit(), "CELERY_BROKER_URL must name its database"
    proxy = broker_proxy
    faults = _faults(workers.queue, CELERY_BROKER_URL=_proxied(settings.CELERY_BROKER_URL, proxy))
    worker, scheduler = workers(**faults), beat(**faults)
    source = data_source(programme_a)
    busy = _stored(source, tmp_path, "busy", upto="uploaded")
    # The first is queued by the reaper (its message was never sent), so the worker has
    # published before the flush too.
    Dataset.objects.filter(pk=busy.pk).update(queued_at=None)
    _wait_for(lambda: _reload(busy).status == Dataset.Status.SCANNING, "the first scan", 120)
    waiting = _stored(source, tmp_path, "waiting", upto="uploaded", rows=200)
    scan_dataset.apply_async((waiting.pk,), queue=workers.queue)
    direct = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)
    try:
        assert direct.llen(workers.queue) == 1  # the second waits in Redis
        # Emptied under the connected worker and beat (FLUSHDB): the waiting message is lost,
        # with the queue's binding (kombu routes by the queue's name without it).
        direct.flushdb()
        for dataset in (waiting, busy):
            _wait_for(lambda d=dataset: _reload(d).status == Dataset.Status.SCANNED, "scans", 120)
        assert (busy.attempts, waiting.attempts) == (1, 1)

        # Restarted empty: every connection cut, and nothing kept.
        proxy.stop()
        direct.flushdb()
        time.sleep(1)
        proxy.start()
    finally:
        direct.close()
    later = _stored(source, tmp_path, "later", upto="uploaded", rows=100)
    scan_dataset.apply_async((later.pk,), queue=workers.queue)
    _wait_for(lambda: _reload(later).status == Dataset.Status.SCANNED, "a scan after", 120)

    assert later.attempts == 1
    assert (_reload(busy).attempts, _reload(waiting).attempts) == (1, 1)
    assert worker.process.poll() is None and scheduler.process.poll() is None
