"""gunicorn settings for the web process: the Dockerfile, docker-compose.yml and `make bench-web`
start it with `gunicorn --config gunicorn.conf.py cip.wsgi:application`.

Every value can be changed from the environment (README, "Running in production").
"""

from __future__ import annotations

import os
from pathlib import Path


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def cores() -> int:
    """CPUs this process may use: a container's CPU quota (cgroup v2) when it has one, else the
    CPUs it may be scheduled on (os.cpu_count() would count the whole host)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    available = available or os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
    except (OSError, ValueError):
        return available
    if quota == "max":
        return available
    return max(1, min(available, round(int(quota) / int(period))))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Processes: two per core and one more, the usual starting point, unless WEB_CONCURRENCY says
# otherwise (0, like unset, means from the cores: gunicorn itself fails on an empty value).
workers = _number("WEB_CONCURRENCY", 0) or 2 * cores() + 1
# Threads in each: a request waiting on the database, Redis or a slow client leaves the others
# running, and a long upload or download is not mistaken for a stuck worker.
worker_class = "gthread"
threads = _number("GUNICORN_THREADS", 4)
# A worker that has not reported in this long is restarted; on shutdown, requests in flight
# get this long to finish.
timeout = _number("GUNICORN_TIMEOUT", 60)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a load balancer's idle timeout (60 seconds on the common ones), so the balancer,
# not gunicorn, closes idle connections and never sends a request down one just closed.
keepalive = _number("GUNICORN_KEEPALIVE", 75)
# Each worker is replaced after this many requests, give or take the jitter, so slow memory
# growth never builds up and workers are not all replaced at once. Not much more often: a
# replacement drops its keep-alive connections and opens new database connections, and at
# 1,000 the busy benchmark replaced a worker every few seconds and its 95th percentile rose
# from a few hundred milliseconds to seconds (docs/benchmarks.md).
max_requests = _number("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _number("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Workers' heartbeat files in memory: a busy or network disk would make them look stuck.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108  # nosec B108
# Load the application once, then fork: faster starts and shared memory.
preload_app = True


def when_ready(server) -> None:
    """In the main process, once the application is loaded and before any worker is forked:
    compile the templates and fill Django's other lazy caches (cip/warmup.py), so that no
    worker, the first or one replacing another after max_requests, makes visitors wait for it."""
    if not server.cfg.preload_app:
        return  # each worker loads the application itself: nothing here to share
    from cip.warmup import warm_up  # noqa: PLC0415 (Django is set up by the preloaded app)

    server.log.info("Compiled %d templates before starting the workers", warm_up())


accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# Method, path without the query string (searches may name people), status, size, time.
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
