"""HTML to PDF for the documents people download (the evidence pack, insights, action packs).

One renderer: WeasyPrint, from the same template as the page, as a tagged PDF (PDF/UA-1) with the
document's language and title so that screen readers can read it. The HTML quotes what people typed,
so the renderer fetches nothing: no network, no files, only `data:` URIs (an image embedded in the
page). Styles come from `templates/pdf/print.css`, not from the site's stylesheet.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

# Relative links in the HTML resolve against this; nothing is ever fetched from it.
BASE_URL = "https://pdf.invalid/"


class _EmbeddedOnly(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError("A PDF may only use images embedded in the page")


def html_to_pdf(html: str) -> bytes:
    """Render a whole HTML document (with <html lang> and <title>) as a tagged PDF."""
    stylesheet = CSS(string=render_to_string("pdf/print.css"), url_fetcher=_EmbeddedOnly())
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_EmbeddedOnly())
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")


def template_to_pdf(template_name: str, context: dict, request=None) -> bytes:
    return html_to_pdf(render_to_string(template_name, context, request=request))
