"""Public pages from the shared cache (cip/public_cache.py): served to anonymous visitors without
touching the database, fresh as soon as what they show changes, never carrying one visitor's
signed-in state, nonce or CSRF token to another, and revalidated with ETag and Last-Modified."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cip.public_cache import invalidate_on
from landing.models import NewsPost
from projects.models import ProjectMember
from projects.selection import project_member_remove
from teams.models import OfficeHourBooking, OfficeHourSlot, Role
from tests.factories import MembershipFactory, UserFactory
from tests.selection_helpers import selected

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'<script nonce="([^"]+)"')


def _programme_url(programme) -> str:
    return reverse("landing:programme", args=[programme.slug])


def _get(client: Client, url: str, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def _publish(programme, title: str) -> NewsPost:
    return NewsPost.objects.create(
        programme=programme,
        title=title,
        slug=title.lower().replace(" ", "-"),
        summary="Summary.",
        body="Body.",
        published_at=timezone.now() - timedelta(minutes=1),
    )


@pytest.mark.parametrize(
    ("name", "of_programme"),
    [("landing:home", False), ("landing:programme", True), ("landing:news", True)],
)
def test_a_second_anonymous_visitor_is_served_without_the_database(name, of_programme, programme_a):
    url = reverse(name, args=[programme_a.slug] if of_programme else [])
    first, first_queries = _get(Client(), url)
    second, second_queries = _get(Client(), url)
    assert first.status_code == second.status_code == 200
    assert first_queries > 0 and second_queries == 0
    # The same page (a page with a form adds each visitor's token to its fingerprint).
    assert first["ETag"].split("-")[0] == second["ETag"].split("-")[0]
    assert "no-cache" in second["Cache-Control"] and "Cookie" in second["Vary"]


def _change_news(programme):
    _publish(programme, "Fresh news from the team")
    return "Fresh news from the team"


def _change_principle(programme):
    principle = programme.principles.first()
    principle.title = "We share what we learn"
    principle.save()
    return "We share what we learn"


def _change_listed_person(programme):
    member = MembershipFactory(programme=programme, role=Role.DELIVERY_LEAD, listed_publicly=True)
    member.user.display_name = "Priya Renamed"
    member.user.save(update_fields=["display_name"])
    return "Priya Renamed"


def _change_organisation(programme):
    member = MembershipFactory(programme=programme, role=Role.DELIVERY_LEAD, listed_publicly=True)
    organisation = member.user.organisation
    organisation.name = "Riverside Renamed Trust"
    organisation.save()
    return "Riverside Renamed Trust"


def _change_places(programme):
    starts = timezone.now() + timedelta(days=3)
    slot = OfficeHourSlot.objects.create(
        programme=programme, starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=3
    )
    OfficeHourBooking.objects.create(slot=slot, user=UserFactory(), topic="Referrals")
    return "2 places left"


def _announce(programme):
    selected(programme, "Who stops visiting the food bank?")
    return "Who stops visiting the food bank?"


def _name_project_member(programme):
    project = selected(programme, "Who stops visiting the food bank?")
    Client().get(_programme_url(programme))  # the announced project, now cached
    ProjectMember.objects.create(
        project=project, name="Dee Listed", email="dee@example.org", role="Analyst",
        listed_publicly=True,
    )  # fmt: skip
    return "Dee Listed"


@pytest.mark.parametrize(
    "change",
    [
        _change_news,
        _change_principle,
        _change_listed_person,
        _change_organisation,
        _change_places,
        _announce,
        _name_project_member,
    ],
)
def test_a_change_shows_to_the_public_at_once(change, programme_a):
    url = _programme_url(programme_a)
    Client().get(url)  # cached now
    shown = change(programme_a)
    response, queries = _get(Client(), url)
    assert shown in response.content.decode()
    assert queries > 0  # rendered again, not served from the cache


def test_someone_taken_off_a_project_team_leaves_the_public_page_at_once(programme_a):
    project = selected(programme_a, "Who stops visiting the food bank?")
    member = ProjectMember.objects.create(
        project=project, name="Dee Listed", email="dee@example.org", role="Analyst",
        listed_publicly=True,
    )  # fmt: skip
    url = _programme_url(programme_a)
    assert "Dee Listed" in Client().get(url).content.decode()  # cached with Dee named
    project_member_remove(member=member)
    assert "Dee Listed" not in Client().get(url).content.decode()


def test_a_change_to_another_programme_keeps_this_one_cached(programme_a, programme_b):
    url = _programme_url(programme_a)
    Client().get(url)
    _publish(programme_b, "News from the hills")
    assert _get(Client(), url)[1] == 0


def test_signing_in_is_not_a_change_worth_re_rendering(programme_a):
    person = MembershipFactory(programme=programme_a, listed_publicly=True).user
    url = _programme_url(programme_a)
    Client().get(url)
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])
    assert _get(Client(), url)[1] == 0


def test_a_signed_in_page_is_never_served_from_or_stored_in_the_anonymous_cache(
    client_for, facilitator, programme_a
):
    url = _programme_url(programme_a)
    signed_in = client_for(facilitator)
    # Signed in first: nothing of theirs is stored for the next visitor.
    mine = signed_in.get(url)
    assert "Sign out" in mine.content.decode()
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    anonymous = Client().get(url).content.decode()
    assert "Sign out" not in anonymous and "Sign in" in anonymous
    # Anonymous page cached: the signed-in visitor still gets their own.
    again, queries = _get(signed_in, url)
    assert "Sign out" in again.content.decode() and queries > 0
    assert "ETag" not in again


def test_the_csrf_token_on_a_cached_page_is_each_visitors_own_and_works(programme_a):
    url = _programme_url(programme_a)
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    first_page = first.get(url)
    second_page, queries = _get(second, url)
    assert queries == 0  # served from the cache
    first_token = TOKEN.search(first_page.content.decode()).group(1)
    second_token = TOKEN.search(second_page.content.decode()).group(1)
    assert first_token != second_token
    assert "private" in second_page["Cache-Control"]  # a form: not for shared caches
    subscribe = reverse("landing:subscribe", args=[programme_a.slug])
    posted = second.post(
        subscribe, {"email": "reader@example.org", "csrfmiddlewaretoken": second_token}
    )
    assert posted.status_code == 200
    assert "Check your email" in posted.content.decode()
    # The first visitor's token is no good with the second visitor's cookie.
    refused = second.post(
        subscribe, {"email": "reader@example.org", "csrfmiddlewaretoken": first_token}
    )
    assert refused.status_code == 403


def test_each_visitor_gets_their_own_script_nonce(programme_a):
    url = reverse("landing:home")
    pages = [Client().get(url), Client().get(url)]
    nonces = [NONCE.search(page.content.decode()).group(1) for page in pages]
    assert nonces[0] != nonces[1]
    for page, nonce in zip(pages, nonces, strict=True):
        assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]


def test_browsers_revalidate_with_etag_and_last_modified(programme_a):
    url = reverse("landing:news", args=[programme_a.slug])
    page = Client().get(url)
    assert page["Last-Modified"]
    not_modified = Client().get(url, headers={"if-none-match": page["ETag"]})
    assert not_modified.status_code == 304 and not not_modified.content
    assert "Content-Security-Policy" not in not_modified  # the browser keeps its page's policy
    by_date = Client().get(url, headers={"if-modified-since": page["Last-Modified"]})
    assert by_date.status_code == 304
    _publish(programme_a, "Something new")
    changed = Client().get(url, headers={"if-none-match": page["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != page["ETag"]


def test_a_page_with_a_form_is_revalidated_against_the_visitors_own_token(programme_a):
    url = _programme_url(programme_a)
    visitor = Client()
    page = visitor.get(url)
    assert visitor.get(url, headers={"if-none-match": page["ETag"]}).status_code == 304
    # A new CSRF secret (as after signing in and out) makes the copy in the browser stale.
    visitor.cookies.pop("csrftoken")
    assert visitor.get(url, headers={"if-none-match": page["ETag"]}).status_code == 200


def test_a_visitor_with_a_message_waiting_gets_it_and_nobody_else_does(programme_a):
    subscription = programme_a.subscriptions.create(email="reader@example.org")
    Client().get(_programme_url(programme_a))  # cached without the message
    visitor = Client()
    confirm = reverse("landing:subscription_confirm", args=[programme_a.slug, subscription.token])
    page = visitor.post(confirm, follow=True)
    assert "You will now get email updates." in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert (
        "You will now get email updates."
        not in Client().get(_programme_url(programme_a)).content.decode()
    )


def test_pages_of_a_list_are_cached_and_other_parameters_are_not(programme_a):
    for number in range(30):
        _publish(programme_a, f"Update number {number}")
    url = reverse("landing:news", args=[programme_a.slug])
    Client().get(url + "?page=2")
    assert _get(Client(), url + "?page=2")[1] == 0
    Client().get(url + "?utm_source=newsletter")
    response, queries = _get(Client(), url + "?utm_source=newsletter")
    assert queries > 0 and "no-store" in response["Cache-Control"]


def test_a_page_using_the_token_outside_a_form_field_is_never_shared(rf, programme_a) -> None:
    from django.middleware.csrf import get_token  # noqa: PLC0415
    from django.template import engines  # noqa: PLC0415

    from cip.public_cache import public_page  # noqa: PLC0415

    @public_page
    def page(request):
        html = engines["django"].from_string('<meta name="csrf" content="{{ token }}">')
        return HttpResponse(html.render({"token": get_token(request)}))

    def visit():
        request = rf.get("/odd/")
        request.user = AnonymousUser()
        return page(request)

    first, second = visit(), visit()
    assert first.content != second.content  # each rendered for its visitor
    assert "no-store" in second["Cache-Control"]


def test_a_mistyped_path_is_refused_when_a_model_joins() -> None:
    with pytest.raises(ImproperlyConfigured, match="programe"):
        invalidate_on(NewsPost, programme="programe.slug")
    with pytest.raises(ImproperlyConfigured, match="slugg"):
        invalidate_on(NewsPost, programme="programme.slugg")


def test_deleting_a_programme_renders_the_home_page_again(programme_a, programme_b) -> None:
    url = reverse("landing:home")
    assert "Hillside Community Insights" in Client().get(url).content.decode()
    programme_b.delete()  # its news, principles and memberships go with it, in a cascade
    response, queries = _get(Client(), url)
    assert "Hillside Community Insights" not in response.content.decode() and queries > 0


def test_a_published_insight_and_its_downloads_come_from_the_cache_until_it_changes(programme_a):
    from tests.phase3_helpers import draft_insight, table_on  # noqa: PLC0415

    insight = draft_insight(selected(programme_a, "Who stops visiting the food bank?"))
    table = table_on(insight)
    insight.published_at = timezone.now()
    insight.save()
    page = reverse("landing:insight", args=[programme_a.slug, insight.slug])
    csv = reverse("landing:insight_csv", args=[programme_a.slug, insight.slug, table.pk])
    for url in (page, csv):
        first, _ = _get(Client(), url)
        second, queries = _get(Client(), url)
        assert first.status_code == second.status_code == 200 and queries == 0
        assert second.get("Content-Disposition") == first.get("Content-Disposition")
    assert "attachment" in second["Content-Disposition"]

    insight.published_at = None  # taken back: gone from the public at once
    insight.save()
    assert Client().get(page).status_code == 404
