"""Sessions: a new id at sign-in, and an end at sign-out, password or second-factor change,
deactivation and the absolute lifetime (cip/sessions.py, cip.middleware.SessionLimitsMiddleware)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cip.sessions import REFRESH_SECONDS, REFRESHED_AT, SIGNED_IN_AT, end_sessions_of
from tests.factories import PASSWORD, UserFactory, give_totp, totp_code

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def _session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


def _sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def _signed_in(client: Client) -> bool:
    return client.get(DASHBOARD).status_code == 200


@pytest.fixture
def person(db):
    return UserFactory(email="ann@example.org")


def test_signing_in_gives_a_new_session_id(client, person) -> None:
    client.get(reverse("account_login"))
    client.session.save()  # an anonymous session, as a visitor would have (or an attacker set)
    before = _session_key(client)
    _sign_in(client, person)
    assert _signed_in(client)
    assert _session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()


def test_completing_mfa_gives_a_new_session_id(client, facilitator) -> None:
    _sign_in(client, facilitator)
    pending = _session_key(client)  # password given, code not yet
    assert not _signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(facilitator)})
    assert response.status_code == 302
    assert _signed_in(client)
    assert _session_key(client) != pending


def test_signing_out_ends_the_session_for_good(client, person) -> None:
    _sign_in(client, person)
    old = _session_key(client)
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=old).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert not _signed_in(replay)


def test_a_password_change_ends_every_other_session(person) -> None:
    here, elsewhere = Client(), Client()
    _sign_in(here, person)
    _sign_in(elsewhere, person)
    before = _session_key(here)
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert _signed_in(here) and _session_key(here) != before
    assert not _signed_in(elsewhere)
    assert Session.objects.count() == 1


def test_a_password_reset_ends_every_session(client, person, mailoutbox) -> None:
    other = Client()
    _sign_in(other, person)
    client.post(reverse("account_reset_password"), {"email": person.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, follow=True)
    new = "a new long passphrase"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert not _signed_in(other)
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(person.pk) for s in Session.objects.all()
    )


def test_a_new_second_factor_ends_every_other_session(person) -> None:
    from allauth.mfa.signals import authenticator_added

    here, elsewhere = Client(), Client()
    _sign_in(here, person)
    _sign_in(elsewhere, person)
    request = here.get(DASHBOARD).wsgi_request
    authenticator_added.send(
        sender=Authenticator, request=request, user=person, authenticator=give_totp(person)
    )
    request.session.save()
    assert not _signed_in(elsewhere)
    assert Session.objects.filter(session_key=request.session.session_key).exists()


def test_deactivation_deletes_the_accounts_sessions(person, client_for) -> None:
    client = Client()
    _sign_in(client, person)
    bystander = UserFactory(email="bob@example.org")
    bystanders_client = client_for(bystander)
    old = _session_key(client)

    person.is_active = False
    person.save()

    assert not Session.objects.filter(session_key=old).exists()
    assert _signed_in(bystanders_client)
    person.is_active = True  # reactivated later: the old session stays gone
    person.save()
    assert not _signed_in(client)


def test_a_session_of_an_account_deactivated_behind_our_back_ends_at_its_next_request(
    person,
) -> None:
    client = Client()
    _sign_in(client, person)
    old = _session_key(client)
    type(person).objects.filter(pk=person.pk).update(is_active=False)  # no signal fires
    assert client.get(DASHBOARD).status_code == 302
    assert not Session.objects.filter(session_key=old).exists()


def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, person, settings) -> None:
    _sign_in(client, person)
    assert _signed_in(client)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not _signed_in(client)


def _expiry(client: Client):
    return Session.objects.get(session_key=_session_key(client)).expire_date


def test_a_session_in_use_is_kept_alive_with_at_most_one_write_a_minute(client, person) -> None:
    _sign_in(client, person)
    assert _signed_in(client)
    signed_in_expiry = _expiry(client)
    assert _signed_in(client)
    assert _expiry(client) == signed_in_expiry  # refreshed under a minute ago: not written
    session = client.session
    session[REFRESHED_AT] = int(time.time()) - REFRESH_SECONDS
    session.save()
    stale = signed_in_expiry - timedelta(minutes=10)  # as if last written ten minutes ago
    Session.objects.filter(session_key=session.session_key).update(expire_date=stale)
    assert _signed_in(client)
    assert _expiry(client) >= signed_in_expiry  # the idle timeout started again
    assert _signed_in(client)


def test_a_session_idle_for_longer_than_the_timeout_has_ended(client, person) -> None:
    _sign_in(client, person)
    past = timezone.now() - timedelta(seconds=1)
    Session.objects.filter(session_key=_session_key(client)).update(expire_date=past)
    assert not _signed_in(client)


def test_ending_sessions_leaves_other_accounts_alone(person, client_for) -> None:
    client_for(person)
    client_for(person)
    other = client_for(UserFactory(email="bob@example.org"))
    assert end_sessions_of(person) == 2
    assert _signed_in(other)


def test_an_empty_code_form_asks_for_the_code_again(client, facilitator) -> None:
    _sign_in(client, facilitator)
    response = client.post(reverse("mfa_authenticate"), {})  # not even a code field
    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()
    assert not _signed_in(client)
