"""Markdown narratives (cip/markdown.py): GOV.UK HTML, and nothing typed can run script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from cip.markdown import render_markdown
from tests.payloads import XSS_PAYLOADS

SAFE_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "code", "pre", "br"}
SAFE_TAGS |= {"blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td"}


class Elements(HTMLParser):
    """Every element the browser would build from the HTML, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives(payload: str) -> None:
    for text in (payload, f"Some words\n\n{payload}\n\n- a list {payload}", f"**{payload}**"):
        for tag, attributes in elements(render_markdown(text)):
            assert tag in SAFE_TAGS, tag
            assert set(attributes) <= {"class", "href", "title", "rel", "scope"}, attributes
            href = (attributes.get("href") or "").strip().lower()
            assert not href or href.startswith(("https:", "http:", "mailto:")), href


def test_markdown_becomes_govuk_html() -> None:
    html = render_markdown(
        "# Findings\n\nVisits **fell** by a third. See [the data](https://example.org/d).\n\n"
        "- one\n- two\n\n> A quote\n\n| Ward | Visits |\n| --- | --- |\n| Gospel Oak | 40 |"
    )
    assert '<h2 class="govuk-heading-m">Findings</h2>' in html  # the page's title is the h1
    assert '<p class="govuk-body">Visits <strong>fell</strong>' in html
    assert '<a href="https://example.org/d" class="govuk-link" rel="noopener noreferrer">' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<blockquote class="govuk-inset-text">' in html
    assert '<th class="govuk-table__header" scope="col">Ward</th>' in html


def test_the_template_filter_renders_sanitised_html() -> None:
    template = Template("{% load markdown %}{{ text|markdown }}")
    html = template.render(Context({"text": "Hello <b onclick=x()>there</b>"}))
    assert html.strip() == ('<p class="govuk-body">Hello &lt;b onclick=x()&gt;there&lt;/b&gt;</p>')
