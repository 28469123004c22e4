"""In Chromium, no payload runs: pages of the hostile demo site (tests/hostile.py) open without a
single dialog, with the Content Security Policy switched off so that escaping alone must hold."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from tests.browser.conftest import _new_context
from tests.hostile import build_hostile_site, crawl, markers_in, signed_in
from tests.payloads import PAYLOADS

pytestmark = pytest.mark.browser

READERS = [None, "facilitator@camden.example", "information-rights@camden.example"]
PAGES_PER_READER = 25


def _pages_with_payloads(client) -> list[str]:
    """Up to PAGES_PER_READER pages, one per URL pattern, that show at least one payload."""
    pages = []
    for path, response in crawl(client, ["/", "/dashboard/", "/datasets/"], limit=150):
        html = "html" in response.get("Content-Type", "")
        if response.status_code == 200 and html and markers_in(response.content.decode()):
            pages.append(path)
    return pages[:PAGES_PER_READER]


def test_no_payload_opens_a_dialog(browser, live_server, site_groups, settings) -> None:
    settings.DEBUG = True  # seed_demo's own guard
    build_hostile_site()
    settings.DEBUG = False
    visited = 0
    for email in READERS:
        client = signed_in(email)
        pages = _pages_with_payloads(client)
        assert len(pages) >= 10, pages
        context = _new_context(browser)  # bypass_csp: only escaping stands in the way
        cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        if cookie:
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        tab = context.new_page()
        dialogs: list[str] = []

        def record(dialog, dialogs=dialogs, tab=tab) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message} on {tab.url}")
            dialog.dismiss()

        tab.on("dialog", record)
        # A payload left raw does run here, and the listener hears it.
        probe = live_server.url + "/probe/"
        tab.route(probe, lambda route: route.fulfill(body=PAYLOADS[4], content_type="text/html"))
        tab.goto(probe, wait_until="load")
        tab.wait_for_timeout(150)
        assert dialogs == [f"alert: cipxss4 on {probe}"], dialogs
        dialogs.clear()
        for path in pages:
            tab.goto(live_server.url + path, wait_until="load")
            tab.wait_for_timeout(150)  # onload, onerror, autofocus handlers would have fired
            visited += 1
        context.close()
        assert not dialogs, dialogs
    assert visited >= 30
