"""Shared fixtures: the two programmes, the personas, and a signed-in client for any of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.signals import user_logged_in
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from cip.public_cache import SITE, invalidate
from teams.demo import DEMO_PASSWORD
from teams.models import Programme, User
from tests import log_canaries
from tests.factories import FAST_HASHERS, PASSWORD, PERSONAS, ProgrammeFactory, make_persona

# --- the run's logs, searched for secrets at its end (tests/log_canaries.py) ------------------
_LOGS = log_canaries.LogCapture()


def _remember_session(sender, request, user, **kwargs) -> None:
    log_canaries.remember(request.session.session_key)


user_logged_in.connect(_remember_session, dispatch_uid="tests_remember_session_ids")


@pytest.fixture(autouse=True)
def _capture_logs() -> None:
    _LOGS.attach()


# Under pytest-xdist each worker searches its own logs and sends what it found back to the
# controller with its other output (a worker's exit status alone would not fail the run).
_WORKER_LEAKS: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    _WORKER_LEAKS.extend(getattr(node, "workeroutput", {}).get("cip_log_leaks", []))


def pytest_sessionfinish(session, exitstatus) -> None:
    from tests.browser.conftest import PASSWORD as BROWSER_PASSWORD

    leaks = _LOGS.leaks([PASSWORD, BROWSER_PASSWORD, DEMO_PASSWORD])
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["cip_log_leaks"] = leaks
        return
    leaks += _WORKER_LEAKS
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "The logs of this run hold " + "; ".join(leaks)
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs the suite on every core (pytest-xdist, `--dist loadgroup`). Tests that
    start workers, servers or a browser, or that cut services off, share one Redis broker and
    time what they wait for: they run one after another on one worker, beside everything else."""
    for item in items:
        if item.get_closest_marker("services") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("services"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path_factory) -> None:
    # Encrypted uploads go to a fresh folder per test, never to the developer's var/private.
    settings.PRIVATE_STORAGE_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth keeps rate-limit counters in the cache; one test's failed logins must not lock out
    # the next. Only the in-process cache is cleared: a shared Redis is not ours to wipe.
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_public_pages() -> None:
    # Cached public pages are keyed by address; a page from an earlier test's data must not be
    # served to this one, whichever cache is configured.
    invalidate(SITE)


@pytest.fixture
def programme_a(db) -> Programme:
    return ProgrammeFactory(
        name="Riverside Community Insights", slug="riverside", place="Riverside"
    )


@pytest.fixture
def programme_b(db) -> Programme:
    return ProgrammeFactory(name="Hillside Community Insights", slug="hillside", place="Hillside")


def _persona_fixture(name: str):
    @pytest.fixture(name=name)
    def fixture(programme_a: Programme, programme_b: Programme) -> User | None:
        return make_persona(name, programme_a=programme_a, programme_b=programme_b)

    fixture.__doc__ = f"The {name.replace('_', ' ')} persona (see tests/factories.py)."
    return fixture


# One fixture per persona: `def test_x(facilitator, client_for): ...`
for _name in PERSONAS:
    globals()[_name] = _persona_fixture(_name)


@pytest.fixture
def persona(request) -> Callable[[str], User | None]:
    """Look a persona up by name, creating only the ones a test asks for."""
    return request.getfixturevalue


@pytest.fixture
def client_for(db) -> Callable[[User | None], Client]:
    """A test client signed in as the given user (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
