"""Logs and error pages never hold cell values, passwords, session ids or MFA secrets.

Canary values are planted in passwords, an uploaded file's cells and a scan that crashes; the
service's own flows then run with every logger at DEBUG, and the captured records (messages,
arguments and tracebacks) and every error page are searched for them. The whole suite's logs are
searched too, for the persona passwords and every session id and authenticator secret the suite
made (tests/conftest.py, at the end of the run).
"""

from __future__ import annotations

import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path, reverse

from safety import services as dataset_services
from safety.models import Dataset
from tests.dataset_helpers import data_source
from tests.factories import PASSWORD, UserFactory, give_totp

pytestmark = pytest.mark.django_db

CELL = "CanaryCell-Zq7Xw3"  # in the uploaded file only
PASSWORD_CANARY = "CanaryPass-Jm4Rt8-horse"
CRASH = "CanaryCrash-Pp2Kd9"  # in the text of an exception raised mid-scan


def _everything_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) + repr(record.args) for record in records)


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _file(text: str, name: str = "visits.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_passwords_session_ids_secrets_and_cells_stay_out_of_logs_and_error_pages(
    logs, programme_a, client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    pages: list[str] = []

    # Passwords: a wrong one (five times, into the rate limit), then the right one.
    person = UserFactory(email="ann@example.org", organisation_confirmed=True)
    source = data_source(programme_a, owner=person.organisation)
    login = reverse("account_login")
    for _ in range(6):
        response = client.post(login, {"login": person.email, "password": PASSWORD_CANARY})
        pages.append(response.content.decode())
    signed_in = Client(REMOTE_ADDR="198.51.100.7")  # elsewhere: the first address is limited
    signed_in.post(login, {"login": person.email, "password": PASSWORD})
    session_id = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    new_password = PASSWORD_CANARY + "-new"
    signed_in.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    # A second factor: its secret, and wrong codes.
    secret = decrypt(give_totp(person).data["secret"])
    mfa = Client(REMOTE_ADDR="198.51.100.8")
    mfa.post(login, {"login": person.email, "password": new_password})
    for code in ("000000", "123456"):
        pages.append(mfa.post(reverse("mfa_authenticate"), {"code": code}).content.decode())
    assert Authenticator.objects.filter(user=person).exists()

    # Cells: an upload that is scanned, one that is refused, and a scan that crashes.
    upload = reverse("safety:dataset_upload", args=[source.pk])
    owner = Client()
    person.refresh_from_db()  # its new password
    owner.force_login(person)
    good = f"name,notes\n{CELL} Smith,{CELL} lives at 1 High St\nJo Bloggs,ok\n"
    with django_capture_on_commit_callbacks(execute=True):  # the scan runs in-process
        owner.post(upload, {"file": _file(good)})
    ragged = f'name,notes\n"{CELL},unclosed\n{CELL},a,b,c,d\n'
    pages.append(owner.post(upload, {"file": _file(ragged, "ragged.csv")}).content.decode())

    def crash(*args, **kwargs):
        raise ValueError(f"could not parse {CELL} {CRASH}")

    monkeypatch.setattr(dataset_services, "_scan", crash)
    crashing = f"name,notes\n{CELL} Jones,{CELL}\n"
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(upload, {"file": _file(crashing, "crash.csv")})
    failed = Dataset.objects.filter(original_filename="crash.csv").first()
    assert failed is not None and failed.status == Dataset.Status.FAILED
    for dataset in Dataset.objects.all():
        report = owner.get(reverse("safety:dataset_report", args=[dataset.pk]))
        pages.append(report.content.decode())

    # Error pages, with the canaries in the address for good measure.
    anonymous = Client(raise_request_exception=False)
    pages.append(anonymous.get(f"/no-such-page/?q={CELL}&session={session_id}").content.decode())
    pages.append(owner.get(f"/datasets/999999/report/?{PASSWORD_CANARY}").content.decode())

    logged = _everything_logged(logs.records)
    assert "Scan of dataset" in logged  # the crash was logged (by its type alone)
    assert Dataset.objects.filter(status=Dataset.Status.SCANNED).exists()  # and a scan ran
    for canary in (CELL, CRASH, PASSWORD_CANARY, PASSWORD, session_id, secret):
        assert canary not in logged, f"{canary!r} is in the logs"
        for page in pages:
            assert canary not in page, f"{canary!r} is on an error page"


def _crash(request):
    raise RuntimeError(f"{CELL} {PASSWORD_CANARY}")


# This module is also the URL configuration of the test marked `urls` below.
urlpatterns = [path("crash/", _crash)]
handler500 = "cip.views.server_error"


@pytest.mark.urls("tests.test_no_secrets_in_logs")
def test_a_crash_shows_a_page_without_the_error() -> None:
    page = Client(raise_request_exception=False).get("/crash/").content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert CELL not in page and PASSWORD_CANARY not in page
