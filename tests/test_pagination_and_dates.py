"""The shared list pager (cip.pagination) and the GOV.UK date filters (cip.templatetags.govuk)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from cip.pagination import page_numbers, paginate
from cip.templatetags.govuk import govuk_date, govuk_datetime, govuk_time


@given(st.integers(1, 500).flatmap(lambda last: st.tuples(st.integers(1, last), st.just(last))))
def test_page_numbers_always_show_first_last_and_neighbours(case) -> None:
    current, last = case
    numbers = page_numbers(current, last)
    shown = [n for n in numbers if n is not None]
    assert shown == sorted(set(shown))
    assert {1, last, current} <= set(shown)
    assert len(numbers) <= 9  # never grows with the number of pages
    for before, after in zip(numbers, numbers[1:], strict=False):
        assert not (before is None and after is None)
        if before is not None and after is not None:
            assert after == before + 1


def test_links_keep_the_filters_and_drop_page_one() -> None:
    request = RequestFactory().get("/ideas/", {"status": "idea", "q": "food bank", "page": "2"})
    pagination = paginate(request, list(range(60)), per_page=25)
    assert list(pagination.object_list) == list(range(25, 50))
    assert pagination.previous_href == "?status=idea&q=food+bank"
    assert pagination.next_href == "?status=idea&q=food+bank&page=3"
    assert (pagination.first_shown, pagination.last_shown, pagination.count) == (26, 50, 60)


def test_bad_page_numbers_still_give_a_page() -> None:
    items = list(range(30))
    for asked, expected in (("x", 1), ("999", 2), ("-1", 2), ("", 1)):
        request = RequestFactory().get("/", {"page": asked})
        assert paginate(request, items, per_page=25).page.number == expected


def test_component_renders_nothing_for_one_page_and_links_for_more() -> None:
    template = Template('{% include "includes/pagination.html" with pagination=p %}')
    one = paginate(RequestFactory().get("/"), [1, 2, 3])
    assert "govuk-pagination" not in template.render(Context({"p": one}))
    many = paginate(RequestFactory().get("/list/"), list(range(100)), per_page=10)
    html = template.render(Context({"p": many}))
    assert 'aria-current="page"' in html and 'rel="next"' in html and 'rel="prev"' not in html
    assert "Showing 1 to 10 of 100" in html


def test_dates_read_the_gov_uk_way() -> None:
    assert govuk_date(date(2026, 12, 4)) == "4 December 2026"
    # Stored in UTC, shown in London time: 23:30 UTC on 30 June is 00:30 on 1 July (BST).
    assert govuk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert govuk_datetime(datetime(2026, 12, 4, 14, 30, tzinfo=UTC)) == "4 December 2026, 2:30pm"
    assert govuk_time(datetime(2026, 12, 4, 9, 0, tzinfo=UTC)) == "9am"
    assert govuk_time(datetime(2026, 12, 4, 12, 0, tzinfo=UTC)) == "midday"
    assert govuk_time(datetime(2026, 12, 4, 0, 0, tzinfo=UTC)) == "midnight"
    assert govuk_date(None) == ""


def test_filters_need_no_load_tag() -> None:
    html = Template("{{ d|govuk_date }}").render(Context({"d": date(2027, 1, 9)}))
    assert html == "9 January 2027"
