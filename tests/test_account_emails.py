"""The sign-up confirmation and password emails are the service's own: its name, its public
address (SITE_URL) whatever host the request used, plain words, and links that work."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SITE_URL = "https://insights.example.org"


@pytest.fixture(autouse=True)
def _public_address(settings) -> None:
    settings.SITE_URL = SITE_URL


def looks_like_ours(message) -> None:
    body = message.body
    assert "Community Insights" in message.subject and not message.subject.startswith("[")
    assert "Hello from" not in body and "Thank you for using" not in body
    assert "testserver" not in body and "127.0.0.1" not in body
    assert all(link.startswith(SITE_URL) for link in re.findall(r"https?://\S+", body)), body
    assert body.rstrip().endswith(f"Community Insights\n{SITE_URL}")


def test_the_sign_up_confirmation_email(client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.partner@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Nia Partner",
            "new_organisation": "Northtown Food Bank",
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    looks_like_ours(message)
    assert message.subject == (
        "Confirm your email address to finish creating your Community Insights account"
    )
    assert message.body.startswith("Hello Nia Partner,")
    link = re.search(rf"{SITE_URL}/accounts/confirm-email/\S+", message.body).group(0)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "Confirm" in page.content.decode()


def test_the_password_reset_email(client, vcs_partner) -> None:
    client.post(reverse("account_reset_password"), {"email": vcs_partner.email})
    (message,) = mail.outbox
    looks_like_ours(message)
    assert message.subject == "Reset your Community Insights password"
    link = re.search(rf"{SITE_URL}/accounts/password/reset/key/\S+", message.body).group(0)
    page = client.get(urlsplit(link).path, follow=True)
    assert page.status_code == 200 and "password1" in page.content.decode()


def test_a_reset_for_an_unknown_address_says_so_kindly(client, db) -> None:
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    (message,) = mail.outbox
    looks_like_ours(message)
    assert "There is no account with this address." in message.body
    assert f"{SITE_URL}/accounts/signup/" in message.body


def test_signing_up_again_with_a_known_address(client, vcs_partner) -> None:
    client.post(
        reverse("account_signup"),
        {
            "email": vcs_partner.email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Again",
            "new_organisation": "Somewhere",
        },
    )
    (message,) = mail.outbox
    looks_like_ours(message)
    assert f"{SITE_URL}/accounts/password/reset/" in message.body
