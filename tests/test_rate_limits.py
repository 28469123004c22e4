"""Signing in, the second factor and password resets are rate-limited per account and per address.

allauth counts failed sign-ins per address (5 a minute) and per account (20 an hour), failed
codes the same way (a separate count per account), and reset requests per address and per email
(`ACCOUNT_RATE_LIMITS` in cip/settings.py). Each test comes at the limit from many addresses at
one account, or from one address at many accounts.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, give_totp, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")
RESET = reverse("account_reset_password")
TOO_MANY = "You have tried to sign in too many times"


def _address(n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"203.0.113.{n}"}


def _sign_in(client: Client, email: str, password: str, n: int):
    return client.post(LOGIN, {"login": email, "password": password}, **_address(n))


def test_failed_sign_ins_from_many_addresses_lock_the_account(db) -> None:
    person = UserFactory(email="ann@example.org")
    for n in range(20):
        response = _sign_in(Client(), person.email, "wrong password", n)
        assert TOO_MANY not in response.content.decode()
    client = Client()
    response = _sign_in(client, person.email, PASSWORD, 99)  # the right password, a new address
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failed_sign_ins_at_many_accounts_from_one_address_are_refused(db) -> None:
    for n in range(5):
        response = _sign_in(Client(), f"guess{n}@example.org", "wrong password", 1)
        assert TOO_MANY not in response.content.decode()
    person = UserFactory(email="ann@example.org")
    client = Client()
    assert TOO_MANY in _sign_in(client, person.email, PASSWORD, 1).content.decode()
    assert SESSION_KEY not in client.session
    assert _sign_in(Client(), person.email, PASSWORD, 2).status_code == 302  # elsewhere: fine


def _pending_mfa(person, n: int) -> Client:
    """A client that has given the password and not yet the code."""
    client = Client()
    assert _sign_in(client, person.email, PASSWORD, n)["Location"] == MFA
    return client


def test_wrong_codes_from_many_addresses_lock_the_second_factor(db) -> None:
    person = UserFactory(email="ann@example.org")
    give_totp(person)
    client = _pending_mfa(person, 0)
    for n in range(20):
        response = client.post(MFA, {"code": "000000"}, **_address(n))
        assert TOO_MANY not in response.content.decode(), n
    response = client.post(MFA, {"code": totp_code(person)}, **_address(99))
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in client.session


def test_wrong_codes_from_one_address_are_refused_whichever_account(db) -> None:
    people = [UserFactory(email=f"person{n}@example.org") for n in range(3)]
    for person in people:
        give_totp(person)
    clients = [_pending_mfa(person, 10 + n) for n, person in enumerate(people)]
    for attempt in range(5):
        response = clients[attempt % 2].post(MFA, {"code": "000000"}, **_address(1))
        assert TOO_MANY not in response.content.decode()
    response = clients[2].post(MFA, {"code": totp_code(people[2])}, **_address(1))
    assert TOO_MANY in response.content.decode()
    assert SESSION_KEY not in clients[2].session


def test_password_resets_for_one_account_are_limited_from_any_address(db) -> None:
    person = UserFactory(email="ann@example.org")
    statuses = [
        Client().post(RESET, {"email": person.email}, **_address(n)).status_code for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_password_resets_from_one_address_are_limited_whichever_account(db) -> None:
    statuses = [
        Client().post(RESET, {"email": f"person{n}@example.org"}, **_address(1)).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    page = Client().post(RESET, {"email": "another@example.org"}, **_address(1))
    assert page.status_code == 429
    assert "Too many" in page.content.decode() or "too many" in page.content.decode()


def test_guessing_the_current_password_to_change_it_is_limited_per_hour(
    client_for, monkeypatch
) -> None:
    import allauth.core.internal.ratelimit as ratelimit

    class Clock:  # a minute passes between attempts, so only the hourly limit can refuse
        now = 1_000_000.0

        @classmethod
        def time(cls) -> float:
            cls.now += 61
            return cls.now

        monotonic = staticmethod(__import__("time").monotonic)
        sleep = staticmethod(__import__("time").sleep)

    monkeypatch.setattr(ratelimit, "time", Clock)
    client = client_for(UserFactory(email="ann@example.org"))
    url = reverse("account_change_password")
    guess = {"oldpassword": "a guess", "password1": "x" * 12, "password2": "x" * 12}
    statuses = [client.post(url, guess).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
