"""The public programme page, its principles, news with an Atom feed, and update emails."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from landing import services
from landing.models import NewsPost, Principle, UpdateSubscription
from landing.principles import DEFAULT_PRINCIPLES
from teams.models import Role
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
ATOM_TITLE = "{http://www.w3.org/2005/Atom}title"


def _url(name, programme, *args):
    return reverse(f"landing:{name}", args=[programme.slug, *args])


def _publish(programme, title="Office hours start in March", **extra):
    return NewsPost.objects.create(
        programme=programme,
        title=title,
        slug=title.lower().replace(" ", "-")[:60],
        summary="Book a slot.",
        body="Details.",
        published_at=timezone.now(),
        **extra,
    )


def test_a_new_programme_starts_with_the_six_principles():
    programme = ProgrammeFactory()
    assert list(programme.principles.values_list("title", flat=True)) == [
        title for title, _ in DEFAULT_PRINCIPLES
    ]


def test_the_public_page_needs_no_login_and_shows_only_people_who_agreed(client, programme_a):
    listed = MembershipFactory(programme=programme_a, role=Role.DELIVERY_LEAD, listed_publicly=True)
    hidden = MembershipFactory(programme=programme_a, role=Role.DATA_ANALYST)
    _publish(programme_a)
    response = client.get(_url("programme", programme_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(listed.user) in html
    assert str(hidden.user) not in html
    assert DEFAULT_PRINCIPLES[0][0] in html
    assert "Office hours start in March" in html
    assert 'property="og:title" content="Riverside Community Insights"' in html
    assert _url("news_feed", programme_a) in html


def test_an_unknown_programme_is_not_found(client, db):
    assert client.get("/programmes/nowhere/").status_code == 404


def test_the_atom_feed_lists_published_posts_only(client, programme_a):
    _publish(programme_a, "Published post")
    NewsPost.objects.create(
        programme=programme_a, title="Draft", slug="draft", summary="s", body="b"
    )
    response = client.get(_url("news_feed", programme_a))
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = [
        element.text
        for element in ET.fromstring(response.content).iter(ATOM_TITLE)  # noqa: S314 (our own feed)
    ]
    assert "Published post" in titles
    assert "Draft" not in titles


def test_drafts_are_hidden_from_the_public(client, client_for, facilitator, programme_a):
    NewsPost.objects.create(
        programme=programme_a, title="Draft", slug="draft", summary="s", body="b"
    )
    assert client.get(_url("news_post", programme_a, "draft")).status_code == 404
    assert client_for(facilitator).get(_url("news_post", programme_a, "draft")).status_code == 200


def test_facilitator_publishes_an_update_and_subscribers_get_it_once(
    client_for, facilitator, programme_a, django_capture_on_commit_callbacks
):
    active = UpdateSubscription.objects.create(
        programme=programme_a, email="keen@example.org", confirmed_at=timezone.now()
    )
    UpdateSubscription.objects.create(programme=programme_a, email="unconfirmed@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(facilitator).post(
            _url("news_new", programme_a),
            {"title": "New", "summary": "We chose a project.", "body": "More.", "publish": "on"},
        )
    post = NewsPost.objects.get()
    assert response.status_code == 302
    assert post.slug == "new-2"  # "new" is the path of the writing page
    assert post.published_at and post.emailed_at
    assert [message.to for message in mail.outbox] == [["keen@example.org"]]
    assert active.token in mail.outbox[0].body  # the unsubscribe link
    assert services.news_post_email(post_id=post.pk) == 0  # never sent twice


def test_only_the_facilitator_writes_updates_and_principles(
    client_for, analyst, outsider, client, programme_a
):
    for url in [_url("news_new", programme_a), _url("principle_edit", programme_a, 1)]:
        assert client_for(analyst).get(url).status_code == 403
        assert client_for(outsider).get(url).status_code == 404
        assert client.get(url).status_code == 302


def test_facilitator_rewords_a_principle(client_for, facilitator, programme_a):
    response = client_for(facilitator).post(
        _url("principle_edit", programme_a, 3),
        {"title": "Local voices first", "description": "Ideas come from the community."},
    )
    assert response.status_code == 302
    assert Principle.objects.get(programme=programme_a, position=3).title == "Local voices first"
    empty = client_for(facilitator).post(_url("principle_edit", programme_a, 3), {"title": ""})
    assert "Enter the principle&#x27;s title" in empty.content.decode()


def _link(message, name):
    return re.search(rf"http\S+/{name}/\S+/", message.body).group(0).split("testserver")[-1]


def test_double_opt_in_then_unsubscribe(client, programme_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("subscribe", programme_a), {"email": "Reader@Example.org"})
    assert "Check your email" in response.content.decode()
    subscription = UpdateSubscription.objects.get()
    assert subscription.email == "reader@example.org"
    assert not subscription.is_active

    confirm_path = re.search(r"/programmes/\S+/confirm/\S+/", mail.outbox[0].body).group(0)
    assert client.get(confirm_path).status_code == 200  # a link scanner's visit confirms nothing
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert client.post(confirm_path).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active

    stop_path = reverse("landing:unsubscribe", args=[programme_a.slug, subscription.token])
    assert client.post(stop_path).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_subscribing_again_reveals_nothing_and_sends_a_reminder(
    client, programme_a, django_capture_on_commit_callbacks
):
    UpdateSubscription.objects.create(
        programme=programme_a, email="known@example.org", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(_url("subscribe", programme_a), {"email": "known@example.org"})
        new = client.post(_url("subscribe", programme_a), {"email": "new@example.org"})
    assert known.content.decode().count("Check your email") == new.content.decode().count(
        "Check your email"
    )
    assert "already" in mail.outbox[0].subject
    assert "Confirm" in mail.outbox[1].subject


def test_a_bad_address_is_explained(client, programme_a):
    response = client.post(_url("subscribe", programme_a), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not UpdateSubscription.objects.exists()


def test_a_wrong_token_is_not_found(client, programme_a):
    assert client.get(_url("subscription_confirm", programme_a, "nope")).status_code == 404
    assert client.post(_url("unsubscribe", programme_a, "nope")).status_code == 404


def test_public_page_query_count_does_not_grow_with_the_team(
    client, programme_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _url("programme", programme_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        MembershipFactory(programme=programme_a, user=UserFactory(), listed_publicly=True)
        _publish(programme_a, f"Post {NewsPost.objects.count()}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("accessibility", "Accessibility statement for Community Insights"),
        ("privacy", "data controller"),
        ("cookies", "sessionid"),
    ],
)
def test_statutory_pages_are_public_and_linked_from_every_page(client, db, name, text):
    url = reverse(f"landing:{name}")
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert f'href="{url}"' in client.get(reverse("landing:home")).content.decode()


def test_an_empty_subscription_form_says_what_is_missing(client, programme_a):
    response = client.post(_url("subscribe", programme_a), {})
    assert "Enter your email address" in response.content.decode()


def test_emails_are_plain_text_not_html_escaped(
    client, programme_a, django_capture_on_commit_callbacks
):
    programme_a.name = "St Mary's Q&A Insights"
    programme_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("subscribe", programme_a), {"email": "reader@example.org"})
    (message,) = mail.outbox
    assert "St Mary's Q&A Insights" in message.subject
    assert "&#x27;" not in message.body and "&amp;" not in message.body


def test_a_mail_server_failure_mid_mailing_resumes_without_repeats(programme_a, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from landing.models import NewsDelivery

    for n in range(3):
        UpdateSubscription.objects.create(
            programme=programme_a, email=f"reader{n}@example.org", confirmed_at=timezone.now()
        )
    post = _publish(programme_a)
    real_send, calls = services._send, []

    def flaky_send(template, *, to, context):
        calls.append(to)
        if len(calls) == 2:
            raise SMTPServerDisconnected("connection lost")
        real_send(template, to=to, context=context)

    monkeypatch.setattr(services, "_send", flaky_send)
    with pytest.raises(SMTPServerDisconnected):
        services.news_post_email(post_id=post.pk)
    assert NewsDelivery.objects.count() == 1  # the failed one was not recorded
    post.refresh_from_db()
    assert post.emailed_at is None  # so a retry is still allowed

    assert services.news_post_email(post_id=post.pk) == 2  # the retry sends only what is left
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(3)]
    assert services.news_post_email(post_id=post.pk) == 0


def test_asking_for_updates_is_rate_limited(
    client, programme_a, django_capture_on_commit_callbacks
):
    url = _url("subscribe", programme_a)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post(url, {"email": "victim@example.org"}).status_code == 200
        refused = client.post(url, {"email": "victim@example.org"})
    assert refused.status_code == 429
    assert len(mail.outbox) == 3


def test_the_atom_feed_sends_summaries_as_text_not_markup(client, programme_a):
    post = _publish(programme_a, "Markup in a summary")
    post.summary = '<img src=x onerror="alert(1)"> & <b>bold</b>'
    post.save()
    response = client.get(_url("news_feed", programme_a))
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    summary = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert summary.get("type") == "text"
    assert summary.text == post.summary  # shown as typed: a reader never parses it as HTML
    assert 'type="html"' not in response.content.decode()
