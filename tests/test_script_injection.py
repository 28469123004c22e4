"""Script injection: 86 payloads (tests/payloads.py) in every typed text field, dataset header,
cell and sheet name of a full demo site, read back through every page, email, calendar file, feed
and export.

None may come out as markup (tests/hostile.py says what that means); the browser test
(tests/browser/test_script_injection_browser.py) shows none runs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from landing import services as landing_services
from landing.models import NewsPost, UpdateSubscription
from safety.models import Dataset
from scoping import services as scoping_services
from scoping.models import ScopingSession, SessionRole
from teams import services as team_services
from teams.models import OfficeHourSlot, User
from tests.hostile import (
    build_hostile_site,
    crawl,
    markers_in,
    markup_problems,
    signed_in,
    typed_text_fields,
)
from tests.payloads import MARKDOWN_PAYLOADS, MARKERS, PAYLOADS, SHEET_NAMES

pytestmark = pytest.mark.django_db

# Who reads the site: each sees different pages (the admin sees Django admin too).
READERS = [
    None,
    "admin@insights.example",
    "facilitator@camden.example",
    "information-rights@camden.example",
    "analyst@camden.example",
    "lead@advice.example",
    "partner@foodbank.example",
]


def test_there_are_at_least_fifty_payloads_and_the_checks_can_fail() -> None:
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 50
    assert len(SHEET_NAMES) >= 3
    # Placed raw into a page, as a template with |safe would, every payload is caught.
    dangerous = [
        p
        for p in PAYLOADS
        if re.search(r"<|on\w+=|script:", p, re.I) and p not in MARKDOWN_PAYLOADS
    ]
    assert len(dangerous) >= 50
    for payload in dangerous:
        page = (
            f"<p title=\"{payload}\">{payload}</p><p title='{payload}'>x</p>"
            f'<p title={payload}>x</p><a href="{payload}">x</a>'
        )
        assert markup_problems(page), payload
    # Escaped, as Django does, none is.
    from django.utils.html import escape

    for payload in PAYLOADS:
        page = f'<p title="{escape(payload)}">{escape(payload)}</p><a href="/x/">x</a>'
        assert not markup_problems(page), payload


@pytest.fixture
def hostile_site(settings):
    settings.DEBUG = True  # seed_demo's own guard; the pages render as in production regardless
    filled = build_hostile_site()
    settings.DEBUG = False
    return filled


def test_no_payload_comes_out_as_markup_on_any_page(hostile_site) -> None:
    assert hostile_site > 500  # values replaced across the site
    problems, seen, pages, with_payloads, failures = [], set(), 0, 0, []
    for email in READERS:
        client = signed_in(email)
        admin = email == "admin@insights.example"
        start = ["/", "/dashboard/", "/datasets/"] + (["/admin/"] if admin else [])
        for path, response in crawl(client, start, admin=admin):
            pages += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {path} as {email}")
            content_type = response.get("Content-Type", "")
            if "html" not in content_type:
                continue
            html = response.content.decode()
            found = markers_in(html)
            seen |= found
            with_payloads += bool(found)
            problems += [f"{path} as {email}: {p}" for p in markup_problems(html)]
    assert not failures, failures
    assert not problems, "\n".join(problems[:50])
    # The crawl really read the payloads back: every one, on many pages.
    assert pages > 300 and with_payloads > 150, (pages, with_payloads)
    assert seen == set(MARKERS), sorted(set(MARKERS) - seen)


def test_the_sheet_names_and_headers_are_shown_as_text(hostile_site) -> None:
    workbook = Dataset.objects.get(status=Dataset.Status.CHOOSING_SHEET)
    owner = User.objects.filter(organisation=workbook.data_source.owner).first()
    client = signed_in(owner.email)
    html = client.get(reverse("safety:dataset_sheet", args=[workbook.pk])).content.decode()
    assert markers_in(html) >= markers_in(" ".join(SHEET_NAMES[:4]))
    assert not markup_problems(html)


def test_emails_and_calendar_files_carry_payloads_as_plain_text(
    hostile_site, django_capture_on_commit_callbacks
) -> None:
    reader = User.objects.get(email="partner@foodbank.example")
    post = NewsPost.objects.exclude(published_at=None).first()
    UpdateSubscription.objects.create(
        programme=post.programme, email=reader.email, confirmed_at=timezone.now()
    )
    NewsPost.objects.filter(pk=post.pk).update(emailed_at=None)
    starts = timezone.now() + timedelta(days=7)
    slot = OfficeHourSlot.objects.create(
        programme=post.programme,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=5,
        place=PAYLOADS[4],
    )
    session = ScopingSession.objects.filter(starts_at__gt=timezone.now()).first()
    facilitator = User.objects.get(email="facilitator@camden.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        landing_services.news_post_email(post_id=post.pk)
        team_services.office_hour_book(
            slot=slot, user=reader, topic=PAYLOADS[0], access_needs=PAYLOADS[1]
        )
        scoping_services.session_invite(
            session=session, user=reader, role=SessionRole.OTHER, invited_by=facilitator
        )
    assert len(mail.outbox) >= 3
    calendars = 0
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert markers_in(message.subject + message.body)  # the payloads are in there
        for part in message.message().walk():
            assert part.get_content_type() != "text/html"  # text: nothing to run in a mail reader
            if part.get_content_type() == "text/calendar":
                calendars += 1
                text = part.get_payload(decode=True).decode()
                lines = re.sub(r"\r\n ", "", text).removesuffix("\r\n").split("\r\n")
                assert all(re.match(r"^[A-Z-]+[;:]", line) for line in lines), lines
    assert calendars >= 2, [m.subject for m in mail.outbox]


def test_the_feed_carries_payloads_as_text(hostile_site, client) -> None:
    post = NewsPost.objects.exclude(published_at=None).select_related("programme").first()
    response = client.get(reverse("landing:news_feed", args=[post.programme.slug]))
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed): parses, so nothing raw
    assert markers_in(response.content.decode())
    assert all(not element.tag.endswith(("script", "img", "svg")) for element in root.iter())
    for element in root.iter():
        if element.tag.endswith(("summary", "title", "content")):
            assert element.get("type") in (None, "text")


def test_downloads_are_attachments_a_browser_never_renders(hostile_site) -> None:
    dataset = Dataset.objects.filter(status=Dataset.Status.REDACTED).order_by("-pk").first()
    analyst = User.objects.get(email="analyst@camden.example")
    client = signed_in(analyst.email)
    response = client.post(
        reverse("safety:dataset_download_redacted", args=[dataset.pk]),
        {"purpose": "Checking the export"},
    )
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert markers_in(content.decode())  # the headers (and any cells kept) are in it, as text
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_typed_text_field_is_found() -> None:
    from projects.models import Project
    from scoping.models import Idea
    from teams.models import Programme

    names = {f.name for f in typed_text_fields(Idea)}
    assert {"title", "problem", "question", "refined_question"} <= names
    assert "name" in {f.name for f in typed_text_fields(Programme)}
    assert "public_summary" in {f.name for f in typed_text_fields(Project)}
    assert "display_name" in {f.name for f in typed_text_fields(User)}
