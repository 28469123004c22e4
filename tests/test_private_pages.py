"""No cache keeps a page that shows non-public data (cip.middleware.PrivatePagesMiddleware).

The URL matrix checks every URL as every persona: signed in, always `no-store, private`; public
pages for anonymous visitors, never. These are the cases it does not reach.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse

from cip.middleware import PrivatePagesMiddleware
from landing.models import UpdateSubscription

pytestmark = pytest.mark.django_db


def _private(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control and "private" in cache_control


def test_a_signed_in_page_is_never_stored(programme_a, facilitator, client_for) -> None:
    response = client_for(facilitator).get(reverse("teams:programme", args=[programme_a.slug]))
    assert response.status_code == 200
    assert _private(response)


def test_the_same_public_page_is_cacheable_for_anonymous_visitors_only(
    programme_a, facilitator, client, client_for
) -> None:
    url = reverse("landing:programme", args=[programme_a.slug])
    assert not _private(client.get(url))
    assert _private(client_for(facilitator).get(url))


def test_a_page_showing_a_visitor_their_own_message_is_private(programme_a, client) -> None:
    subscription = UpdateSubscription.objects.create(
        programme=programme_a, email="reader@example.org"
    )
    url = reverse("landing:subscription_confirm", args=[programme_a.slug, subscription.token])
    assert _private(client.get(url))  # its address holds the secret token
    response = client.post(url, follow=True)
    assert "You will now get email updates" in response.content.decode()
    assert _private(response)  # the programme page, with the message for this visitor
    assert not _private(client.get(reverse("landing:programme", args=[programme_a.slug])))


def test_signing_in_pages_are_private_for_everyone(client, db) -> None:
    assert _private(client.get(reverse("account_login")))
    assert _private(client.get(reverse("account_reset_password")))


def test_a_page_from_the_public_page_cache_keeps_its_own_cache_control(rf) -> None:
    def cached_view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = "private, no-cache"  # a public page with a form
        response.public_page = True
        return response

    request = rf.get("/")
    request.user = AnonymousUser()
    response = PrivatePagesMiddleware(cached_view)(request)
    assert response["Cache-Control"] == "private, no-cache"
