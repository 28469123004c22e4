"""PostgreSQL goes away: pages answer a clean 503, /healthz says so, and both recover by themselves.

The first tests make the database connection fail in-process; the `services` test runs a real
gunicorn against PostgreSQL through a proxy, takes the proxy down for 30 seconds and brings it
back, without restarting anything.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import path

from teams.models import SiteGroup
from tests.factories import UserFactory
from tests.tcp_proxy import TcpProxy
from tests.test_services import _require_postgresql, _test_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
OUTAGE_SECONDS = 30
UNAVAILABLE = "Sorry, the service is unavailable"
# Nothing of the error or the request may reach the page.
NEVER_ON_THE_PAGE = ("Traceback", "OperationalError", "psycopg", "connection", "5432", "@")


@pytest.fixture
def database_down(monkeypatch):
    """Every new use of the database connection fails, as when PostgreSQL is unreachable."""

    def refuse(self):
        raise OperationalError("could not connect to server: Connection refused")

    def down() -> None:
        monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)

    return down


def _assert_clean_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert UNAVAILABLE in html
    for text in NEVER_ON_THE_PAGE:
        assert text not in html


def test_pages_answer_a_clean_503_while_the_database_is_down(
    db, database_down, monkeypatch, settings
):
    settings.CELERY_BROKER_URL = ""  # the database alone decides here
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(UserFactory(email="ann@example.org", groups=[SiteGroup.VCS_PARTNER]))
    anonymous = Client(raise_request_exception=False)
    database_down()

    _assert_clean_503(anonymous.get("/"))
    response = signed_in.get("/dashboard/")
    _assert_clean_503(response)
    assert "ann@example.org" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "unavailable"}

    monkeypatch.undo()  # the database is back: the same clients carry on
    assert anonymous.get("/").status_code == 200
    assert signed_in.get("/dashboard/").status_code == 200
    assert anonymous.get("/healthz").json()["database"] == "ok"


def _crash(request):
    raise ValueError("secret cell value 4929 1234 5678")


# This module is also the URL configuration of the tests marked `urls` below: one view that fails.
urlpatterns = [path("crash/", _crash)]
handler500 = "cip.views.server_error"


@pytest.mark.urls("tests.test_database_unavailable")
def test_other_errors_are_still_a_500_that_says_nothing(db) -> None:
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "4929" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# --- a real web server, and PostgreSQL cut off for 30 seconds -------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to check, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with _opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _through(proxy: TcpProxy) -> str:
    """This test's database URL, by way of the proxy."""
    parts = urlsplit(_test_database_url())
    netloc = parts.netloc.rsplit("@", 1)
    netloc[-1] = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc="@".join(netloc)))


@pytest.fixture
def web_server(transactional_db, tmp_path, settings):
    """gunicorn with production settings, reaching PostgreSQL only through a proxy."""
    _require_postgresql()
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": _through(proxy),
        "DEBUG": "false",
        "TESTING": "true",  # static files from the app folders: no collectstatic here
        "SECRET_KEY": settings.SECRET_KEY,  # so it reads the sessions this test signs in
        "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": "",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cip.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.5)
        yield base, proxy, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        proxy.stop()


@pytest.mark.services
def test_postgresql_gone_for_30_seconds_gives_503_then_recovers_without_a_restart(web_server):
    base, proxy, log = web_server
    person = UserFactory(email="ann@example.org", groups=[SiteGroup.VCS_PARTNER])
    client = Client()
    client.force_login(person)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    # ("/" is left unvisited until the outage: a public-page cache could serve it without the
    # database, which is fine, but then this would not test the 503.)
    assert _get(base + "/dashboard/", cookie)[0] == 200

    proxy.stop()
    down_until = time.monotonic() + OUTAGE_SECONDS
    checks = 0
    while time.monotonic() < down_until:
        for page, sent in (("/", ""), ("/dashboard/", cookie), ("/programmes/x/", "")):
            status, headers, body = _get(base + page, sent)
            assert status == 503, (page, status, body[:500])
            assert headers["Retry-After"] == "30" and UNAVAILABLE in body
            assert not any(text in body for text in NEVER_ON_THE_PAGE), body
        status, _, body = _get(base + "/healthz")
        assert (status, body) == (503, '{"status": "unavailable", "database": "unavailable"}')
        checks += 1
        time.sleep(3)
    assert checks >= 5

    proxy.start()  # PostgreSQL is back; nothing is restarted
    deadline = time.monotonic() + 10
    while _get(base + "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "healthz did not recover within 10 seconds"
        time.sleep(0.5)
    assert _get(base + "/")[0] == 200
    status, _, body = _get(base + "/dashboard/", cookie)
    assert status == 200 and "Your dashboard" in body  # the same session, still signed in
    output = log.read_text(errors="replace")
    assert "Service Unavailable" in output  # each one logged, for the people running it
