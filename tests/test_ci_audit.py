"""The dependency audit (.ci/audit_dependencies.py) never reports "not checked" as clean."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


def _audit(monkeypatch, *, stdout: str) -> int:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fake = subprocess.CompletedProcess(args=[], returncode=0, stdout=stdout, stderr="boom")
    monkeypatch.setattr(module.subprocess, "run", lambda *args, **kwargs: fake)
    return module.main()


def _report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CHECKED = {"name": "django", "version": "5.2.19", "vulns": []}


@pytest.mark.parametrize(
    ("stdout", "status", "says"),
    [
        (_report(CHECKED), 0, "no known vulnerabilities in 1 packages"),
        (
            _report(CHECKED, {"name": "x", "version": "1", "vulns": [{"id": "PYSEC-1"}]}),
            1,
            "x 1: PYSEC-1",
        ),
        (
            _report(CHECKED, {"name": "amqp", "skip_reason": "Dependency not found on PyPI"}),
            2,
            "NOT AUDITED: 1 of 2 packages",
        ),
        ("Traceback: could not resolve host", 2, "NOT AUDITED: pip-audit could not run"),
    ],
)
def test_the_audit_says_what_it_found(monkeypatch, capsys, stdout, status, says) -> None:
    assert _audit(monkeypatch, stdout=stdout) == status
    assert says in capsys.readouterr().out
