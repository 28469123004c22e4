"""The one PDF renderer (cip.pdf): tagged, readable text, and it fetches nothing it is shown."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from pypdf import PdfReader

from cip.pdf import html_to_pdf

DOCUMENT = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Evidence pack</title></head><body><h1>Evidence pack</h1>
<p>Food bank use in Riverside</p>{extra}</body></html>"""


def _reader(html: str) -> PdfReader:
    return PdfReader(io.BytesIO(html_to_pdf(html)))


def test_pdf_is_tagged_with_its_title_and_language() -> None:
    reader = _reader(DOCUMENT.format(extra=""))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Evidence pack"
    assert "Food bank use in Riverside" in reader.pages[0].extract_text()


def test_pdf_fetches_nothing_from_the_network_or_the_disk() -> None:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/secret"
        extra = (
            f'<img src="{url}.png" alt=""><link rel="stylesheet" href="{url}.css">'
            '<img src="file:///etc/passwd" alt="">'
            f"<style>@import url({url}-import.css);</style>"
        )
        reader = _reader(DOCUMENT.format(extra=extra))
    finally:
        server.shutdown()
    assert requests == []
    assert "root:" not in reader.pages[0].extract_text()
