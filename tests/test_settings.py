"""Production settings: refuse to start without secrets, pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "SECRET_KEY": "x7#kP2!vQ9zL@4mN8$rT1&wY6^bH3*cJ5(dF0)gS-eA+uI=oE_",
    "ALLOWED_HOSTS": "insights.example.gov.uk",
    "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "SITE_URL": "https://insights.example.gov.uk",
    "EMAIL_URL": "smtp+tls://sender:secret@smtp.example.gov.uk:587",
}


def _environment(**values: str) -> dict[str, str]:
    """The current environment without anything that would put settings in development mode."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TESTING", *PRODUCTION} and not key.startswith("DJANGO_")
    }
    return env | {"DJANGO_SETTINGS_MODULE": "cip.settings"} | values


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(expression: str, **env: str) -> str:
    """Evaluate `expression` against production settings in a fresh interpreter."""
    code = (
        f"import django; django.setup(); from django.conf import settings; print(*[{expression}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_refuses_to_start_without(missing) -> None:
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set {missing} in the environment" in result.stderr


def test_production_refuses_a_malformed_data_key() -> None:
    result = _manage("check", **(PRODUCTION | {"DATA_ENCRYPTION_KEY": "not-a-fernet-key"}))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATA_ENCRYPTION_KEY must be" in result.stderr


def test_production_passes_the_deployment_checks() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_and_sessions() -> None:
    values = _settings(
        "settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_AGE, "
        "settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, settings.SESSION_SAVE_EVERY_REQUEST, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS >= 31536000",
        **PRODUCTION,
    )

    # Secure cookies over HTTPS only; sessions end after 30 idle minutes or with the browser
    # (kept alive by cip.sessions.keep_alive rather than saved on every request).
    assert values == "False True True True 1800 True False True True"


def test_session_idle_time_comes_from_the_environment() -> None:
    assert _settings("settings.SESSION_COOKIE_AGE", **PRODUCTION, SESSION_IDLE_SECONDS="600") == (
        "600"
    )


def test_development_defaults_need_no_secrets() -> None:
    result = _manage("check", DEBUG="true")

    assert result.returncode == 0, result.stderr
