"""The menu at the top of every page (GOV.UK service navigation): what each person's menu holds.

Each entry is one line: its label, the page it opens, the permission that page asks (so the menu
never offers a page that would refuse the person) and who it is for. Programme entries open the
current programme's page and ask their permission with that programme. An entry is marked as the
current section on its own page, on every page whose address is below it, and on the pages named
in `pages` (view names; "projects:*" is every page of the app not claimed otherwise).

The current programme is the one in the page's address when the person may open it, else the one
they chose last (kept in the session), else the first they facilitate, else the first of their
programmes. People on more than one programme get a switcher (`teams.views.programme_choose`).

To add a page: one `Entry` in ENTRIES, where it should sit in the menu, for example
    Entry("Safety checks", "safety:check_list", "safety.view_checks", programme=True),
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

import rules
from django.db.models import Value
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from teams.models import Programme, Role
from teams.rules import held_roles, is_admin, roles_by_programme

SESSION_KEY = "programme"


@rules.predicate
def is_on_a_team(user) -> bool:
    """On any programme's core or complementary team."""
    return bool(roles_by_programme(user))


@rules.predicate
def has_confirmed_organisation(user) -> bool:
    return user.is_authenticated and bool(user.organisation_id and user.organisation_confirmed)


@rules.predicate
def is_django_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


@rules.predicate
def reviews_safety_checks(user) -> bool:
    """An information-rights reviewer on some programme: the checks queue is their work."""
    return Role.INFORMATION_RIGHTS in held_roles(user)


everyone = rules.always_true
not_on_a_team = ~is_on_a_team
# People who take part from outside the teams: partners, and staff not on a team yet.
taking_part = ~is_on_a_team & ~is_admin


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    permission: str  # the page's own permission: asked with the programme for programme entries
    shown_to: rules.Predicate = everyone  # narrows the menu to the people the page is for
    programme: bool = False  # the page belongs to the current programme (its URL takes the slug)
    pages: tuple[str, ...] = ()  # other pages in this section, by view name


ENTRIES: tuple[Entry, ...] = (
    Entry("Dashboard", "dashboard", "teams.view_dashboard"),
    Entry("Programmes", "landing:home", "landing.view_home", not_on_a_team, pages=("landing:*",)),
    Entry("Your ideas", "projects:my_ideas", "projects.view_own_ideas", taking_part,
          pages=("projects:*", "scoping:*")),
    Entry("Office hours", "teams:my_bookings", "teams.view_own_bookings", taking_part,
          pages=("teams:booking_*", "teams:office_hours_book")),
    Entry("Programme", "landing:programme", "teams.access_programme", programme=True,
          pages=("landing:*",)),
    Entry("Team", "teams:programme", "teams.access_programme", programme=True,
          pages=("teams:programme_edit", "teams:member_add", "teams:membership_end",
                 "teams:ways_of_working", "teams:ways_of_working_edit", "teams:introductions")),
    Entry("Office hours", "teams:office_hours", "teams.manage_office_hours", programme=True,
          pages=("teams:booking_*", "teams:my_bookings", "projects:idea_from_booking")),
    Entry("Selection", "projects:selection", "projects.compare_candidates", programme=True,
          pages=("projects:score", "projects:team*", "projects:announce", "projects:interest")),
    Entry("Ideas", "projects:idea_queue", "teams.access_programme", programme=True,
          pages=("projects:*", "scoping:*")),
    Entry("Datasets", "safety:dataset_list", "safety.view_datasets",
          is_on_a_team | has_confirmed_organisation | is_admin, pages=("safety:*",)),
    Entry("Safety checks", "safety:check_queue", "safety.open_safety_pages",
          reviews_safety_checks, pages=("safety:check*", "safety:idea_checks",
                                        "safety:evidence_pack*", "safety:condition")),
    Entry("Agreements", "safety:agreement_list", "safety.view_agreements", programme=True,
          pages=("safety:agreement*",)),
    # Django admin keeps its own gate (is_staff); the menu offers it to the same people.
    Entry("Administration", "admin:index", "teams.view_dashboard", is_django_staff),
    Entry("Your account", "teams:profile", "teams.change_own_profile",
          pages=("account_*", "mfa_*")),
)  # fmt: skip

# Who is not signed in: the public pages and the way in.
ANONYMOUS: tuple[Entry, ...] = (
    Entry("Programmes", "landing:home", "landing.view_home", pages=("landing:*",)),
    Entry("Sign in", "account_login", "landing.view_home", pages=("account_reset_password*",)),
    Entry("Create an account", "account_signup", "landing.view_home"),
)


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Menu:
    items: list[Item]
    programme: Programme | None  # the programme the programme entries open, when any is shown
    programmes: list[Programme]  # the programmes the person may switch between (two or more)
    section: str = ""  # the current programme entry's URL name: the switcher keeps to it


def programmes_of(user) -> list[Programme]:
    """The programmes whose pages the person works on: their teams', or every one for admins.
    Each is annotated `runs`: the person facilitates it."""
    if is_admin(user):
        return list(Programme.objects.annotate(runs=Value(False)).order_by("name"))
    roles = roles_by_programme(user)
    programmes = list(Programme.objects.filter(pk__in=roles).order_by("name"))
    for programme in programmes:
        programme.runs = Role.FACILITATOR in roles[programme.pk]
    return programmes


def current_programme(request: HttpRequest, programmes: list[Programme]) -> Programme | None:
    """The programme in the address, else the one chosen last, else the first they run, else the
    first."""
    by_slug = {programme.slug: programme for programme in programmes}
    match = request.resolver_match
    session = getattr(request, "session", {})
    slug = match.kwargs.get("slug") if match else None
    if slug in by_slug:
        if session.get(SESSION_KEY) != slug:
            session[SESSION_KEY] = slug
        return by_slug[slug]
    chosen = session.get(SESSION_KEY)
    if chosen in by_slug:
        return by_slug[chosen]
    # Nothing chosen yet: the programme they run, if any.
    return next((p for p in programmes if p.runs), programmes[0] if programmes else None)


def _url(entry: Entry, programme: Programme | None) -> str | None:
    try:
        return reverse(entry.url_name, args=[programme.slug] if entry.programme else [])
    except NoReverseMatch:
        return None


def _offered(entry: Entry, user, programme: Programme | None) -> bool:
    if entry.programme:
        return programme is not None and user.has_perm(entry.permission, programme)
    return user.has_perm(entry.permission) and entry.shown_to.test(user)


def _current_index(request: HttpRequest, offered: list[tuple[Entry, str]]) -> int | None:
    """Which entry this page belongs to: the first naming its view exactly in `pages`; else the
    one whose address is the longest start of this page's (the home page counts only on
    itself); else the first whose `pages` patterns match its view."""
    match = request.resolver_match
    view = match.view_name if match else ""
    for index, (entry, _) in enumerate(offered):
        if view in entry.pages:
            return index
    best, best_length = None, 0
    for index, (_, url) in enumerate(offered):
        below = request.path.startswith(url) if url != "/" else request.path == "/"
        if below and len(url) > best_length:
            best, best_length = index, len(url)
    if best is not None or not view:
        return best
    return next(
        (i for i, (entry, _) in enumerate(offered) if any(fnmatch(view, p) for p in entry.pages)),
        None,
    )


def build_menu(request: HttpRequest, entries: tuple[Entry, ...] | None = None) -> Menu:
    user = request.user
    if not user.is_authenticated:
        entries, programmes, programme = entries or ANONYMOUS, [], None
    else:
        programmes = programmes_of(user)
        programme = current_programme(request, programmes)
        entries = entries or ENTRIES
    offered = [
        (entry, url)
        for entry in entries
        if _offered(entry, user, programme) and (url := _url(entry, programme))
    ]
    current = _current_index(request, offered)
    items = [Item(entry.label, url, i == current) for i, (entry, url) in enumerate(offered)]
    if not any(entry.programme for entry, _ in offered):
        return Menu(items, None, [])
    section = offered[current][0] if current is not None else None
    return Menu(
        items,
        programme,
        programmes if len(programmes) > 1 else [],
        section.url_name if section and section.programme else "",
    )


def programme_section(url_name: str) -> str:
    """A programme entry's URL name as asked for by the switcher; the team page otherwise."""
    names = {entry.url_name for entry in ENTRIES if entry.programme}
    return url_name if url_name in names else "teams:programme"


def service_navigation(request: HttpRequest) -> dict:
    """Context processor: `menu` for templates/includes/service_navigation.html, built only
    when a page shows it (Django admin's pages do not)."""
    if not hasattr(request, "user"):  # an error page rendered before authentication
        return {}
    return {"menu": SimpleLazyObject(lambda: build_menu(request))}
