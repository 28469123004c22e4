"""The web server's settings (gunicorn.conf.py), that the image and Compose use them, and that
Compose runs the datasets worker below it."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"


def _settings(monkeypatch, **environment) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_processes_follow_the_cpus_unless_set(monkeypatch) -> None:
    settings = _settings(monkeypatch)
    assert settings["workers"] == 2 * settings["cores"]() + 1
    assert _settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
    assert _settings(monkeypatch, WEB_CONCURRENCY="0")["workers"] == settings["workers"]


def test_workers_are_recycled_with_jitter_and_time_out(monkeypatch) -> None:
    settings = _settings(monkeypatch, GUNICORN_TIMEOUT="90")
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["timeout"] == 90 and settings["graceful_timeout"] > 0
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 2
    assert "%(U)s" in settings["access_log_format"]  # the path, never the query string


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_the_image_and_compose_start_gunicorn_with_these_settings(path) -> None:
    assert '"--config", "gunicorn.conf.py", "cip.wsgi:application"' in (ROOT / path).read_text()


def test_compose_runs_the_datasets_worker_below_the_web_service() -> None:
    # Scans give way to pages when the CPU is short (README, "Scans and pages on the same
    # machine"): `nice` within a machine, a smaller CPU weight between containers.
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker, web = services["datasets-worker"], services["web"]
    assert worker["command"][:4] == ["nice", "-n", "10", "celery"]
    assert worker["cpu_shares"] < web.get("cpu_shares", 1024)


def test_workers_start_with_every_template_compiled(monkeypatch) -> None:
    # gunicorn.conf.py's when_ready runs in the main process before the workers are forked.
    from django.template import engines

    from cip.warmup import template_names

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()

    class Server:
        cfg = type("Cfg", (), {"preload_app": True})
        log = type("Log", (), {"info": staticmethod(lambda *args: None)})

    _settings(monkeypatch)["when_ready"](Server())

    names = template_names()
    assert {"base.html", "landing/home.html"} <= names
    compiled = set(loader.get_template_cache)
    assert names - compiled <= {n for n in names if n.startswith("socialaccount/")}
