"""A demo site where every text a person can type holds a script-injection payload, a crawler
that reads every page as a given person, and the checks that no payload came out as markup.

Used by tests/test_script_injection.py (every page, email, calendar, feed and export) and the
browser test that listens for dialogs. The fields are found by introspection, so a text field a
later change adds is covered without a change here.
"""

from __future__ import annotations

import re
import tempfile
from collections import deque
from html.parser import HTMLParser
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import openpyxl
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

from safety import services as dataset_services
from safety.models import Dataset
from scoping.models import DataSource
from teams.models import User
from tests.factories import give_totp
from tests.payloads import MARKERS, PAYLOADS, SHEET_NAMES, payload

OUR_APPS = ("cip", "teams", "scoping", "safety", "projects", "landing")
# Text that is not typed by a person, or is a key code looks up (filling these would make a state
# the product cannot reach, not test it).
NOT_TYPED = {
    ("safety", "columnfinding", "kind"),
    ("safety", "postcodehouseholds", "postcode"),
    ("cip", "workerheartbeat", "hostname"),
    ("projects", "projectevent", "action"),
    ("projects", "surveyanswer", "question"),  # a question's key in projects/reflection.py
    ("projects", "surveyanswer", "choice"),  # an option's key
}
NOT_TYPED_NAMES = {"sha256", "remedies_hash", "stored_name", "token", "password", "content_type"}


def typed_text_fields(model: type[models.Model]) -> list[models.Field]:
    meta = model._meta
    return [
        field
        for field in meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
        and field.editable
        and field.name not in NOT_TYPED_NAMES
        and (meta.app_label, meta.model_name, field.name) not in NOT_TYPED
    ]


def fill_every_text_field() -> int:
    """Put a payload into every typed text field of every row; return how many values."""
    count = 0
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = typed_text_fields(model)
            for pk in model._base_manager.values_list("pk", flat=True):
                values = {}
                for field in fields:
                    room = field.max_length and field.max_length - 8
                    value = payload(count, max_length=room)
                    values[field.name] = f"{value} #{pk}" if field.unique else value
                    count += 1
                if values:
                    model._base_manager.filter(pk=pk).update(**values)
    return count


def _hostile_csv() -> bytes:
    header = ",".join(_csv_cell(p) for p in PAYLOADS[:24])
    rows = [",".join(_csv_cell(payload(r * 24 + c)) for c in range(24)) for r in range(12)]
    return ("\n".join([header, *rows]) + "\n").encode()


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _hostile_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = SHEET_NAMES[0]
    for name in SHEET_NAMES[1:4]:
        book.create_sheet(name)
    for n, sheet in enumerate(book.worksheets):
        sheet.append([payload(n * 5 + c) for c in range(5)])
        sheet.append([payload(n * 5 + c + 1) for c in range(5)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_hostile_datasets() -> list[Dataset]:
    """A CSV whose headers and cells are payloads (scanned and redacted), and a workbook whose
    sheet names are payloads (waiting for its sheet to be chosen), on a demo data source."""
    source = DataSource.objects.filter(datasets__isnull=False).order_by("pk").first()
    uploader = User.objects.filter(organisation=source.owner, organisation_confirmed=True).first()
    reviewer = User.objects.filter(
        memberships__programme=source.idea.programme, memberships__role="information_rights"
    ).first()
    uploaded = []
    with tempfile.TemporaryDirectory() as folder:
        files = (("hostile.csv", _hostile_csv()), ("hostile.xlsx", _hostile_workbook()))
        for name, content in files:
            path = Path(folder) / name
            path.write_bytes(content)
            uploaded.append(
                dataset_services.dataset_upload(
                    data_source=source, user=uploader, path=str(path), filename=name
                )
            )
    csv = uploaded[0]
    dataset_services.dataset_scan(dataset_id=csv.pk)
    csv.refresh_from_db()
    dataset_services.dataset_remedies_confirm(
        dataset=csv,
        user=reviewer,
        remedies={f.position: f.suggested_action for f in csv.findings.all()},
        quasi_identifiers=csv.quasi_identifiers,
    )
    dataset_services.dataset_redact(dataset_id=csv.pk)
    return uploaded


def build_hostile_site() -> int:
    """The demo site, hostile uploads, then a payload in every typed text field."""
    call_command("seed_demo", stdout=StringIO())
    upload_hostile_datasets()
    return fill_every_text_field()


def signed_in(email: str | None) -> Client:
    client = Client()
    if email is not None:
        user = User.objects.get(email=email)
        if not user.authenticator_set.exists():
            give_totp(user)  # people the service asks for a second factor have one
        client.force_login(user)
    return client


# --- crawling ----------------------------------------------------------------------------------
SKIP = re.compile(r"^/(static|accounts/logout|accounts/2fa/(totp|recovery))/|^/healthz")
PER_ROUTE = 3  # pages of one URL pattern read per person: the same template with other rows


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def crawl(client: Client, start: list[str], *, admin: bool = False, limit: int = 400):
    """GET every page reachable by links from `start`; yield (path, response)."""
    queue, seen, per_route, read = deque(start), set(start), {}, 0
    while queue and read < limit:
        path = queue.popleft()
        try:
            route = resolve(urlsplit(path).path).route
        except Resolver404:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        if per_route[route] > PER_ROUTE:
            continue
        response = client.get(path)
        read += 1
        yield path, response
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(response.content.decode())
            links = parser.links
        else:
            continue
        for link in links:
            parts = urlsplit(urljoin(path, link))
            if parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.match(parts.path) or (parts.path.startswith("/admin/") and not admin):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)


# --- what "escaped" means ------------------------------------------------------------------------
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html)|url=(java|vb)script:")
# Elements whose attributes load or run something: a payload's text has no business there.
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "link", "style", "frame"}
INERT = {"title", "rel", "type", "media", "hreflang", "lang"}  # text, even on those elements


class _Markup(HTMLParser):
    """Finds markup a payload made: event handlers, script URLs, styles, active elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._open: list[str] = []
        self._json = False

    def handle_starttag(self, tag, attrs) -> None:
        self._open.append(tag)
        attributes = {name: value or "" for name, value in attrs}
        self._json = tag == "script" and "json" in attributes.get("type", "")
        refresh = tag == "meta" and "http-equiv" in attributes
        for name, value in attributes.items():
            compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an inline event handler")
            elif (name in URL_ATTRIBUTES or refresh) and SCRIPT_SCHEME.search(compact):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>: a script URL")
            elif name in ("style", "srcdoc") and _marker_in(value):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>: a payload's {name}")
            elif (tag in ACTIVE_TAGS or refresh) and name not in INERT and _marker_in(value):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>: a payload's {tag}")

    def handle_endtag(self, tag) -> None:
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data) -> None:
        inside = self._open[-1] if self._open else ""
        if inside in ("script", "style") and not self._json and _marker_in(data):
            self.problems.append(f"<{inside}> holding a payload: {data[:60]!r}")


def _marker_in(text: str) -> bool:
    return "cipxss" in text


def markup_problems(html: str) -> list[str]:
    """Every way a payload survived as markup in `html` (empty when all came out as text)."""
    problems = [f"verbatim: {p[:60]!r}" for p in PAYLOADS if "<" in p and p in html]
    parser = _Markup()
    parser.feed(html)
    return problems + parser.problems


def markers_in(text: str) -> set[str]:
    return {m for m in MARKERS if re.search(rf"{m}(?!\d)", text)}
