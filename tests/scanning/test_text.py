"""Personal data in typed text (safety/scanning/text.py): each kind found, where, and replaced."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safety.scanning.text import check_text


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("We spoke to Jane Smith about the food bank.", "a name", "Jane Smith"),
        ("Call 07700 900123 after six.", "a phone number", "07700 900123"),
        ("Write to jo.bloggs@example.com please.", "an email address", "jo.bloggs@example.com"),
        ("NHS number 943 476 5919 on the form.", "an NHS number", "943 476 5919"),
        ("Her NI number is AB123456C.", "a National Insurance number", "AB123456C"),
        ("She lives near NW1 2AB now.", "a postcode", "NW1 2AB"),
        ("He was born 3 May 1980, he said.", "a date (it may be a date of birth)", "3 May 1980"),
        ("They moved to 12 High Street last year.", "an address", "12 High Street"),
    ],
)
def test_each_kind_of_identifier_is_found_where_it_is(text, kind, found) -> None:
    check = check_text(text)
    assert [(f.kind, text[f.start : f.end]) for f in check.findings] == [(kind, found)]
    assert found not in check.redacted
    assert "".join(piece for piece, _ in check.pieces()) == text


def test_text_without_personal_data_is_left_alone() -> None:
    text = "Volunteers said older residents stopped coming once the bus route changed."
    check = check_text(text)
    assert not check.found and check.redacted == text


@given(st.text(max_size=200))
def test_the_pieces_always_rebuild_the_text(text) -> None:
    check = check_text(text)
    assert "".join(piece for piece, _ in check.pieces()) == text
    assert all(0 <= f.start < f.end <= len(text) for f in check.findings)
