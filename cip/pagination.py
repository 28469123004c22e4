"""One way to page a list: `paginate(request, items)` and `templates/includes/pagination.html`.

Page links keep every other query parameter (the list's filters), so a filtered list pages through
its own results. Works without JavaScript: each page is a plain link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for an ellipsis
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: Page
    previous_href: str
    next_href: str
    links: tuple[PageLink, ...]

    @property
    def object_list(self):
        return self.page.object_list

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def is_paginated(self) -> bool:
        return self.page.paginator.num_pages > 1

    @property
    def first_shown(self) -> int:
        return self.page.start_index()

    @property
    def last_shown(self) -> int:
        return self.page.end_index()


def _href(request: HttpRequest, parameter: str, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(parameter, None)
    else:
        query[parameter] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page numbers to link, GOV.UK style: first, last, the current and its neighbours, with
    None where an ellipsis stands for the pages left out."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:  # type: ignore[operator]
            numbers.append(None)
        numbers.append(number)
    return numbers


def paginate(
    request: HttpRequest,
    items: QuerySet | Sequence,
    *,
    per_page: int = PER_PAGE,
    parameter: str = "page",
    count: int | None = None,
) -> Pagination:
    """The page of `items` the request asks for (`?page=N`). A number past the end gives the last
    page and anything that is not a number gives the first, so an old or edited link still works.
    `count`: how many items there are, when the caller knows already (one query fewer)."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get(parameter))
    last = paginator.num_pages
    links = tuple(
        PageLink(None)
        if number is None
        else PageLink(number, _href(request, parameter, number), number == page.number)
        for number in page_numbers(page.number, last)
    )
    return Pagination(
        page=page,
        previous_href=_href(request, parameter, page.number - 1) if page.has_previous() else "",
        next_href=_href(request, parameter, page.number + 1) if page.has_next() else "",
        links=links,
    )
