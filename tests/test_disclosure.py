"""Small-number protection (projects/disclosure.py): the rules for every table, checked with
hypothesis against an independent linear programme, and known tables with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from projects.disclosure import AMOUNT, TOTAL, Cell, Rule, Rules, protect

THRESHOLD = 10


def _table(values: list[list[float]]) -> list[Cell]:
    return [
        Cell(f"r{i}", f"c{j}", value) for i, row in enumerate(values) for j, value in enumerate(row)
    ]


def attacker_interval(protection, key) -> tuple[float, float]:
    """What a reader of the published table can work out about a hidden cell, computed here
    without the module's own code: every hidden cell (interior or total) is a non-negative
    unknown, every published cell and total a constant, every total the sum of its cells."""
    rows, columns = protection.rows, protection.columns
    hidden = [k for k, o in protection.cells.items() if o.suppressed]
    position = {k: i for i, k in enumerate(hidden)}
    sums = []
    if (rows[0], TOTAL) in protection.cells:
        sums += [((r, TOTAL), [(r, c) for c in columns]) for r in rows]
        sums += [((TOTAL, c), [(r, c) for r in rows]) for c in columns]
    if (TOTAL, TOTAL) in protection.cells:
        sums.append(((TOTAL, TOTAL), [(r, c) for r in rows for c in columns]))
    a, b = [], []
    for total, members in sums:
        row = np.zeros(len(hidden))
        rest = 0.0
        for k, sign in [(total, -1)] + [(m, 1) for m in members]:
            if k in position:
                row[position[k]] += sign
            else:
                rest += sign * protection.cells[k].value
        if row.any():
            a.append(row)
            b.append(-rest)
    ends = []
    for sign in (1, -1):
        c = np.zeros(len(hidden))
        c[position[key]] = sign
        result = linprog(c, A_eq=np.array(a) if a else None, b_eq=b or None, bounds=(0, None))
        ends.append(sign * result.fun if result.status == 0 else math.inf)
    return ends[0], ends[1]


counts = st.integers(min_value=0, max_value=60) | st.integers(min_value=0, max_value=12)
tables = st.integers(1, 4).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=4)
)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_no_small_count_is_published_and_every_hidden_cell_is_protected(values) -> None:
    protection = protect(_table(values), Rules(threshold=THRESHOLD))
    for outcome in protection.cells.values():
        if not outcome.suppressed:
            assert not 1 <= outcome.value <= THRESHOLD - 1, outcome
    for outcome in protection.suppressed:
        low, high = attacker_interval(protection, outcome.key)
        assert low <= outcome.value <= high
        if outcome.rule == Rule.PRIMARY:
            assert high - low >= THRESHOLD, (outcome, low, high)
        # The proof kept with the table is the same interval.
        assert outcome.low == pytest.approx(low, abs=1e-6)
        assert outcome.high == pytest.approx(high, abs=1e-6) or high == outcome.high == math.inf


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),  # contributors
            st.floats(0, 1000, allow_nan=False),  # the largest contribution
            st.floats(0, 1, allow_nan=False),  # the second, as a share of the largest
            st.floats(0, 5000, allow_nan=False),  # the rest
        ),
        min_size=1,
        max_size=6,
    )
)
def test_amounts_follow_the_threshold_and_dominance_rules(rows) -> None:
    rules = Rules(threshold=THRESHOLD, kind=AMOUNT)
    cells = []
    for i, (n, largest, share, rest) in enumerate(rows):
        second = largest * share if n > 1 else 0.0
        rest = rest if n > 2 else 0.0
        value = largest + second + rest if n else 0.0
        cells.append(Cell(f"area {i}", "spend", value, n, largest if n else 0.0, second))
    protection = protect(cells, rules)
    for cell in cells:
        outcome = protection.get(cell.row, cell.column)
        dominated = cell.value > 0 and (
            cell.largest + cell.second > 0.9 * cell.value
            or cell.value - cell.largest - cell.second < 0.1 * cell.largest
        )
        if cell.value > 0 and (cell.contributors < THRESHOLD or dominated):
            assert outcome.suppressed
        if outcome.rule in (Rule.PRIMARY, Rule.DOMINANCE):
            low, high = attacker_interval(protection, outcome.key)
            assert low <= outcome.value * 0.9 + 1e-6 and high >= outcome.value * 1.1 - 1e-6


def test_a_textbook_two_way_table_hides_the_cheapest_rectangle() -> None:
    """One small cell in a 3 x 3 table with its totals. Hiding one more cell in its row leaves
    it fixed by its column total, so the classic answer is a rectangle of four cells; of the
    four rectangles through it, the one with the smallest values is hidden."""
    values = [[20, 50, 10], [8, 19, 22], [17, 32, 12]]
    protection = protect(_table(values), Rules(threshold=THRESHOLD))
    hidden = {(o.row, o.column): o.rule for o in protection.suppressed}
    assert hidden == {
        ("r1", "c0"): Rule.PRIMARY,
        ("r1", "c2"): Rule.SECONDARY,
        ("r2", "c0"): Rule.SECONDARY,
        ("r2", "c2"): Rule.SECONDARY,
    }
    small = protection.get("r1", "c0")
    assert (small.low, small.high) == (0, 25)  # 8 could be anything from 0 to 25
    assert protection.shown(small) == "fewer than 10"
    assert protection.shown(protection.get("r2", "c2")) == "not published"
    assert protection.shown(protection.get(TOTAL, TOTAL)) == "190"


def test_a_one_way_table_hides_the_next_smallest_cell_that_protects() -> None:
    """3 among 12 and 40: hiding 12 would leave 3 + 12 = 15, an interval 15 wide; the zero is
    never hidden (it protects nothing)."""
    cells = [Cell("a", "n", 3), Cell("b", "n", 0), Cell("c", "n", 12), Cell("d", "n", 40)]
    protection = protect(cells, Rules(threshold=THRESHOLD))
    assert {o.row for o in protection.suppressed} == {"a", "c"}
    assert protection.get("b", "n").rule == Rule.PUBLISHED


def test_when_every_cell_is_small_the_total_is_hidden_too() -> None:
    cells = [Cell("a", "n", 4), Cell("b", "n", 3)]
    protection = protect(cells, Rules(threshold=THRESHOLD))
    assert protection.get(TOTAL, TOTAL).rule == Rule.PRIMARY  # 7 is small itself
    cells = [Cell("a", "n", 2), Cell("b", "n", 2), Cell("c", "n", 2), Cell("d", "n", 9)]
    protection = protect(cells, Rules(threshold=THRESHOLD))
    # 15 published would bound each at 0..15 (wide enough): the total stays.
    assert protection.get(TOTAL, TOTAL).rule == Rule.PUBLISHED
    assert {o.row for o in protection.suppressed} == {"a", "b", "c", "d"}


def test_a_dominated_amount_is_hidden() -> None:
    rules = Rules(threshold=THRESHOLD, kind=AMOUNT)
    cells = [
        Cell("north", "spend", 10_000, 40, 9_500, 100),  # one grant makes up 95%
        Cell("south", "spend", 8_000, 40, 500, 400),
        Cell("east", "spend", 6_000, 3, 3_000, 2_000),  # three contributors
        Cell("west", "spend", 9_000, 25, 600, 550),
    ]
    protection = protect(cells, rules)
    assert protection.get("north", "spend").rule == Rule.DOMINANCE
    assert protection.get("east", "spend").rule == Rule.PRIMARY
    assert protection.shown(protection.get("east", "spend")) == "not published"
