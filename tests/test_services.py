"""The background machinery: the worker heartbeat, beat's schedule, healthz, and a real round trip.

Tests marked `services` need PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL). Without them
they are skipped, unless CIP_REQUIRE_SERVICES=1 (as in CI), when a missing service is a failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from cip import views
from cip.celery import app as celery_app
from cip.models import WorkerHeartbeat
from cip.tasks import record_heartbeat

BASE_DIR = Path(__file__).resolve().parent.parent
# Generous: a cold worker imports Django and every app before it takes its first task.
ROUND_TRIP_SECONDS = 90


def _require(available: bool, reason: str) -> None:
    """Skip when a service is missing, or fail when CIP_REQUIRE_SERVICES=1 says it must be there."""
    if available:
        return
    if os.environ.get("CIP_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CIP_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _require_postgresql() -> None:
    _require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")


def _require_broker() -> None:
    _require(bool(settings.CELERY_BROKER_URL), "CELERY_BROKER_URL is not set")


# Without any service


def test_recording_a_heartbeat_twice_keeps_one_row_per_worker(db) -> None:
    earlier = timezone.now() - timedelta(minutes=5)
    WorkerHeartbeat.record(hostname="celery@one", at=earlier)
    WorkerHeartbeat.record(hostname="celery@one")
    WorkerHeartbeat.record(hostname="celery@two")

    assert WorkerHeartbeat.objects.count() == 2
    assert WorkerHeartbeat.objects.get(hostname="celery@one").at > earlier
    assert WorkerHeartbeat.newest_age() < timedelta(seconds=5)


def test_no_heartbeat_has_no_age(db) -> None:
    assert WorkerHeartbeat.newest_age() is None


def test_heartbeat_task_records_the_worker_running_it(db) -> None:
    hostname = record_heartbeat.apply().get()

    assert WorkerHeartbeat.objects.filter(hostname=hostname).exists()


def test_beat_copies_the_heartbeat_schedule_into_the_database(transactional_db) -> None:
    # This is what `celery -A cip beat` does at start with the DatabaseScheduler. (It closes
    # connections it finds inside a transaction, so this test runs outside one.)
    DatabaseScheduler(app=celery_app)

    task = PeriodicTask.objects.get(name="worker-heartbeat")
    assert task.task == "cip.tasks.record_heartbeat"
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (60, IntervalSchedule.SECONDS)


def test_healthz_without_a_broker_says_nothing_of_workers(db, client, settings) -> None:
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_with_a_broker_but_no_heartbeat_yet_is_healthy(db, client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(views, "_broker_ok", lambda: True)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker_heartbeat_age_seconds": None,
    }


def test_healthz_reports_the_age_of_the_newest_heartbeat(db, client, settings, monkeypatch) -> None:
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(views, "_broker_ok", lambda: True)
    WorkerHeartbeat.record(hostname="celery@old", at=timezone.now() - timedelta(hours=1))
    WorkerHeartbeat.record(hostname="celery@new", at=timezone.now() - timedelta(seconds=30))

    body = client.get("/healthz").json()

    assert 30 <= body["worker_heartbeat_age_seconds"] < 40


def test_healthz_fails_when_the_broker_is_down(db, client, settings, monkeypatch) -> None:
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(views, "_broker_ok", lambda: False)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


# With PostgreSQL and Redis


@pytest.mark.services
def test_postgresql_is_reachable(db) -> None:
    _require_postgresql()

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (name,) = cursor.fetchone()

    assert name == connection.settings_dict["NAME"]


@pytest.mark.services
def test_redis_is_reachable() -> None:
    _require_broker()

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)
    try:
        assert client.ping()
    finally:
        client.close()
    assert views._broker_ok()


@pytest.mark.services
def test_the_shared_cache_keeps_one_redis_client_and_works_from_many_threads() -> None:
    _require_broker()
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    from cip.cache import RedisCache  # noqa: PLC0415

    cache = RedisCache(settings.CELERY_BROKER_URL, {"KEY_PREFIX": f"test-{uuid4().hex}"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)

    def round_trip(n: int) -> dict:
        cache.set(f"k{n}", {"n": n}, 30)
        return cache.get_many([f"k{n}", "missing"])

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(round_trip, range(64)))
        assert results == [{f"k{n}": {"n": n}} for n in range(64)]
    finally:
        cache.delete_many([f"k{n}" for n in range(64)])


def test_a_redis_cache_url_uses_the_shared_client_backend() -> None:
    import environ  # noqa: PLC0415

    backend = environ.Env.cache_url_config("redis://127.0.0.1:6379/1")["BACKEND"]
    # settings.py swaps Django's backend for cip.cache's: if django-environ changes its mapping,
    # this fails rather than the swap silently not happening.
    assert backend == "django.core.cache.backends.redis.RedisCache"


@dataclass
class WorkerProcess:
    queue: str
    nodename: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> int:
        """Ask for a warm shutdown; kill it if it has not gone within 30 seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _test_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test_<name>), for the worker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery -A cip worker` on its own queue, using this test's database.

    `transactional_db` commits the test's writes (and lets the test see the worker's). The queue is
    unique so no other worker on the same Redis takes the task. The worker is always stopped.
    """
    _require_postgresql()
    _require_broker()
    queue = f"test-services-{uuid4().hex}"
    nodename = f"{queue}@{socket.gethostname()}"
    env = os.environ | {
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
        "TESTING": "true",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "worker.log"
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
    # The suite may run tasks in-process; this test must send through the broker.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = eager
        worker.stop()
        _forget_queue(queue)
        # Shown by pytest when the test fails.
        print(f"--- worker output ({nodename}) ---\n{worker.output()}")


def _forget_queue(queue: str) -> None:
    """Remove what kombu left in Redis for a one-off queue: Redis is shared, the queue is ours."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.mark.services
def test_heartbeat_round_trip_through_redis_and_a_real_worker(celery_worker) -> None:
    # Longer than the task's own expiry: a slow cold start must not drop this message.
    result = record_heartbeat.apply_async(queue=celery_worker.queue, expires=ROUND_TRIP_SECONDS)

    deadline = time.monotonic() + ROUND_TRIP_SECONDS
    while not result.ready():
        if celery_worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {celery_worker.process.returncode} early")
        if time.monotonic() > deadline:
            pytest.fail(f"No result from the worker within {ROUND_TRIP_SECONDS} seconds")
        time.sleep(0.2)
    hostname = result.get(timeout=5)
    result.forget()

    assert hostname == celery_worker.nodename
    heartbeat = WorkerHeartbeat.objects.get(hostname=hostname)
    assert timezone.now() - heartbeat.at < timedelta(seconds=ROUND_TRIP_SECONDS)
    assert celery_worker.stop() == 0, "the worker did not shut down cleanly"
