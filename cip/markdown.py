"""Markdown that people write (an insight's narrative, a blog post) as safe GOV.UK-styled HTML.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 (the Ammonia sanitiser) then
keeps only the tags, classes and link schemes below, so nothing typed can run script or load
anything. Headings start at level 2: the page's own title is the only h1.

    {% load markdown %}{{ insight.narrative|markdown }}
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
TAGS = {*CLASSES, "li", "strong", "em", "code", "pre", "br"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable("table")


def _govuk(tokens) -> None:
    for token in tokens:
        if token.nesting == 1 or token.type == "hr":
            if token.tag.startswith("h") and token.tag[1:].isdigit():
                token.tag = f"h{min(int(token.tag[1:]) + 1, 4)}"
            if token.tag in CLASSES:
                token.attrSet("class", CLASSES[token.tag])
            if token.tag == "th":
                token.attrSet("scope", "col")
        if token.children:
            _govuk(token.children)


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML (a string to mark safe: nothing in it came through raw)."""
    tokens = _parser.parse(text or "")
    _govuk(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes={tag: set(classes.split()) for tag, classes in CLASSES.items()},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
