"""Browser journeys: Chromium driven by Playwright against pytest-django's live server.

Every page a journey lands on must pass axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA). The `page`
fixture counts each new document the browser loads and fails the test if any of them was not
checked with `axe_check`, so a journey cannot skip a page by accident.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import axe_playwright_python
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from teams.models import SiteGroup

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000

PASSWORD = "correct horse battery staple 42"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser journeys after every other test.

    While Chromium runs, Playwright's event loop sits in the main thread and Django refuses ORM
    calls there as "async unsafe" unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Going last keeps that
    switch away from the rest of the suite.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run; each test gets its own context."""
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: browser journeys need Debian's chromium"
        if os.environ.get("CIP_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (CIP_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)

    with pytest.MonkeyPatch.context() as patch:
        # Test bodies create people and read the database while Playwright's loop is running.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@dataclass
class PageLog:
    """What happened in one tab: documents loaded, documents checked, and things that went wrong."""

    documents: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)
    failed_assets: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def unchecked(self) -> list[str]:
        return [url for i, url in enumerate(self.documents) if i not in self.checked]


def _new_context(browser, *, java_script_enabled: bool = True):
    # The app's CSP allows only nonced scripts; bypass_csp lets Playwright inject axe-core.
    context = browser.new_context(
        bypass_csp=True,
        java_script_enabled=java_script_enabled,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _new_page(context):
    page = context.new_page()
    log = PageLog()
    page.on("domcontentloaded", lambda loaded: log.documents.append(loaded.url))
    page.on(
        "response",
        lambda r: (
            log.failed_assets.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    page.on("pageerror", lambda error: log.script_errors.append(str(error)))
    page.cip_log = log  # type: ignore[attr-defined]
    page.cip_inspector = None  # type: ignore[attr-defined]
    return page


def _finish(page) -> None:
    log: PageLog = page.cip_log
    problems = []
    if log.unchecked():
        problems.append(
            "pages loaded but never checked with axe_check: " + ", ".join(log.unchecked())
        )
    if log.failed_assets:
        problems.append("static files failed to load: " + ", ".join(log.failed_assets))
    if log.script_errors:
        problems.append("JavaScript errors: " + "; ".join(log.script_errors))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh tab (own cookies) with JavaScript on."""
    context = _new_context(browser)
    tab = _new_page(context)
    yield tab
    context.close()
    _finish(tab)


@pytest.fixture
def nojs_page(browser, live_server, transactional_db) -> Iterator:
    """A fresh tab with JavaScript switched off, as some people browse.

    A page with scripting off never runs timers, so axe-core cannot run in it. `axe_check` copies
    each page's HTML, without its scripts, into a second tab that can run axe.
    """
    context = _new_context(browser, java_script_enabled=False)
    inspector_context = _new_context(browser)
    tab = _new_page(context)
    tab.cip_inspector = inspector_context.new_page()
    yield tab
    context.close()
    inspector_context.close()
    _finish(tab)


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def axe_check(page) -> None:
    """Run axe-core on the current page and fail with a readable list of any WCAG violations."""
    page.wait_for_load_state("load")
    log: PageLog = page.cip_log
    if log.documents:
        log.checked.add(len(log.documents) - 1)
    audited = page
    if page.cip_inspector is not None:
        audited = _copy_without_scripts(page, page.cip_inspector)
    problems = []
    # axe's colour-contrast results mean nothing without the real stylesheet: the service's, or
    # Django admin's with our fixes (static/css/admin.css).
    styled = audited.evaluate(
        """() => [...document.styleSheets].some(
            (sheet) => sheet.href && (sheet.href.includes('/static/build/main.css')
                || sheet.href.includes('/static/css/admin.css'))
                && sheet.cssRules.length > 0)"""
    )
    if not styled:
        problems.append(f"{page.url} does not use the service's stylesheet (static/build/main.css)")
    if not audited.evaluate("() => typeof window.axe !== 'undefined'"):
        audited.evaluate(_axe_source())
    # Playwright's evaluate never times out, so axe gets its own limit rather than hanging the run.
    results = audited.evaluate(
        """([tags, limit]) => Promise.race([
            axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}),
            new Promise((_, reject) => setTimeout(() => reject(new Error('axe timed out')), limit)),
        ])""",
        [AXE_TAGS, TIMEOUT_MS],
    )
    if results["violations"]:
        problems.append(_format_violations(page.url, results["violations"]))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _copy_without_scripts(page, inspector):
    """Show `page`'s document, as it stands with scripting off, in a tab that can run axe."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.I | re.S)
    html = re.sub(r"</?noscript>", "", html, flags=re.I)
    url = page.url.split("#")[0]

    def is_page(address: str) -> bool:
        return address == url

    inspector.route(is_page, lambda route: route.fulfill(body=html, content_type="text/html"))
    try:
        inspector.goto(url)
    finally:
        inspector.unroute(is_page)
    return inspector


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text()


def visit(page, path_or_url: str, live_server_url: str | None = None) -> None:
    """Open a URL (a path is joined to the live server) and check the page that loads."""
    url = path_or_url
    if live_server_url and path_or_url.startswith("/"):
        url = live_server_url + path_or_url
    page.goto(url)
    axe_check(page)


def after_navigation(page, action: Callable[[], object]) -> None:
    """Do something that loads a new page (click a link, press Enter in a form), then check it."""
    try:
        with page.expect_event("domcontentloaded"):
            action()
    except PlaywrightTimeoutError:
        # The usual cause: the browser's own validation stopped a form without `novalidate`.
        invalid = page.evaluate(
            "() => [...document.querySelectorAll(':invalid:not(form)')].map("
            "(el) => `${el.tagName.toLowerCase()}[name=${el.name}]: ${el.validationMessage}`)"
        )
        detail = f"; the browser blocked the form: {invalid}" if invalid else ""
        pytest.fail(f"no new page loaded from {page.url}{detail}", pytrace=False)
    axe_check(page)


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0].split("?")[0]


def confirmation_link() -> str:
    """The email-confirmation link from the last message the app sent."""
    assert mail.outbox, "no email was sent"
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", body)
    assert match, f"no confirmation link in the email:\n{body}"
    return match.group(0)


@pytest.fixture
def site_groups(transactional_db) -> dict[str, Group]:
    """The site groups the data migration made; transactional tests flush them, so re-make them."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in SiteGroup.values}


def signed_in(page, user, live_server) -> None:
    """Give the tab a session for `user`, replacing any it had (signing in, with MFA, has its own
    journeys)."""
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
