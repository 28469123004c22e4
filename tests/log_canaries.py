"""The whole test run's logs, searched at its end for secrets the run used.

Every log record of the run goes to a file (whatever the levels say). At the end it is searched
for the persona and demo passwords and for every session id and authenticator secret the run
made; finding one fails the run. tests/test_no_secrets_in_logs.py plants cell values and crashes
on purpose; this catches what any other test happens to log.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

# Session ids and TOTP secrets the run made (tests/conftest.py and tests/factories.py add them).
SECRETS: set[str] = set()
_TOKEN = re.compile(r"[A-Za-z0-9]{16,}")


def remember(secret: str | None) -> None:
    if secret:
        SECRETS.add(secret)


class LogCapture:
    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="cip-test-logs-", suffix=".log")
        os.close(handle)
        self.path = Path(name)
        self.handler = logging.FileHandler(self.path, encoding="utf-8")
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def attach(self) -> None:
        """(Again: a page of django-celery-beat's admin sets logging up afresh, dropping it.)"""
        root = logging.getLogger()
        if self.handler not in root.handlers:
            root.addHandler(self.handler)

    def leaks(self, fixed: list[str]) -> list[str]:
        """What the logs hold that they must not (a description of each, never the value)."""
        self.handler.close()
        logging.getLogger().removeHandler(self.handler)
        text = self.path.read_text(encoding="utf-8", errors="replace")
        self.path.unlink()
        found = [f"a password ({value[:4]}…)" for value in fixed if value in text]
        tokens = set(_TOKEN.findall(text))
        found += [f"a session id or MFA secret ({value[:4]}…)" for value in SECRETS & tokens]
        return found
