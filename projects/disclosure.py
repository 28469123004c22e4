"""Small-number protection for every table an insight publishes. Plain Python (numpy and scipy),
no Django, so that it can be tested with hypothesis and run on its own.

A table has rows (areas or categories) and columns (measures); its totals are published with it:
a total for each row and each column when there are several of each, and a grand total.

Primary suppression, the rules output checkers in trusted research environments apply:
- a count from 1 to threshold - 1 is shown as "fewer than 10";
- an amount made up from fewer than `threshold` contributors is hidden, and so is one where one
  or two contributors dominate (the N-K rule: the two largest make up more than 90% of it; and the
  p% rule: the rest add up to less than 10% of the largest).

Secondary suppression: with the totals published, a hidden cell could often be worked out by
subtraction. For every hidden cell we solve two linear programmes (scipy's HiGHS): the smallest
and the largest value it could take given every published cell and total (and that no value is
negative). A small count's interval must be at least `threshold` wide; a hidden amount's must
reach at least 10% below and above it. While a cell falls short, further cells are hidden,
choosing each time the cheapest set (fewest and smallest values) that protects it: one more cell
or, in a two-way table, the three other corners of a rectangle. Totals are hidden only when
hiding every other cell would not do. Zeros are always published: hiding one protects nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import product

import numpy as np
from scipy.optimize import linprog

TOTAL = "Total"
COUNT, AMOUNT = "count", "amount"
_EPS = 1e-6


class Rule(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # a small count, or an amount from few contributors
    DOMINANCE = "dominance"  # one or two contributors make up most of an amount
    SECONDARY = "secondary"  # hidden so that another hidden cell cannot be worked out


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    value: float
    # For amounts: how many records add up to the value, and the two largest of them.
    contributors: int | None = None
    largest: float = 0.0
    second: float = 0.0


@dataclass(frozen=True)
class Rules:
    threshold: int = 10
    kind: str = COUNT
    nk_k: float = 0.9  # the two largest contributors may make up at most this share
    p_ratio: float = 0.1  # the rest must add up to at least this share of the largest
    amount_margin: float = 0.1  # a hidden amount must be able to move this share either way


@dataclass
class Outcome:
    """One cell of the published table (a total when `row` or `column` is TOTAL)."""

    row: str
    column: str
    value: float
    rule: Rule
    contributors: int | None = None
    largest: float = 0.0
    second: float = 0.0
    low: float | None = None  # for hidden cells, the interval a reader could work out
    high: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.row, self.column)

    @property
    def is_total(self) -> bool:
        return TOTAL in (self.row, self.column)

    @property
    def suppressed(self) -> bool:
        return self.rule != Rule.PUBLISHED


@dataclass
class Protection:
    rows: list[str]
    columns: list[str]
    rules: Rules
    cells: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    has_row_totals: bool = False
    has_column_totals: bool = False

    def get(self, row: str, column: str) -> Outcome | None:
        return self.cells.get((row, column))

    @property
    def suppressed(self) -> list[Outcome]:
        return [cell for cell in self.cells.values() if cell.suppressed]

    def is_protected(self, outcome: Outcome) -> bool:
        if not outcome.suppressed:
            return True
        return shortfall(self.rules, outcome, outcome.low, outcome.high) <= _EPS

    def shown(self, outcome: Outcome) -> str:
        """How a cell reads in a table: the figure, "fewer than 10" or "not published"."""
        if outcome.rule == Rule.PRIMARY and self.rules.kind == COUNT:
            return f"fewer than {self.rules.threshold}"
        if outcome.suppressed:
            return "not published"
        return format_number(outcome.value)


def format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


# --- Building the table ------------------------------------------------------------------------


def _ordered(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _combine(members: Sequence[Outcome]) -> tuple[float, int | None, float, float]:
    """A total's value, contributors and two largest contributions, from its members."""
    value = float(sum(m.value for m in members))
    if any(m.contributors is None for m in members):
        return value, None, 0.0, 0.0
    top = sorted((v for m in members for v in (m.largest, m.second)), reverse=True)
    top += [0.0, 0.0]
    return value, sum(m.contributors or 0 for m in members), top[0], top[1]


def _primary(outcome: Outcome, rules: Rules) -> Rule:
    value = outcome.value
    if rules.kind == COUNT:
        small = 1 <= round(value) <= rules.threshold - 1
        return Rule.PRIMARY if small else Rule.PUBLISHED
    n = outcome.contributors
    if n is None or value <= 0:
        return Rule.PUBLISHED if value == 0 else Rule.PRIMARY
    if n < rules.threshold:
        return Rule.PRIMARY
    x1, x2 = outcome.largest, outcome.second
    if x1 + x2 > rules.nk_k * value or value - x1 - x2 < rules.p_ratio * x1:
        return Rule.DOMINANCE
    return Rule.PUBLISHED


def build(cells: Iterable[Cell], rules: Rules) -> Protection:
    """The table with its totals, each cell marked by the primary rules (not yet protected)."""
    cells = list(cells)
    rows = _ordered(c.row for c in cells)
    columns = _ordered(c.column for c in cells)
    given = {(c.row, c.column): c for c in cells}
    if len(given) != len(cells):
        raise ValueError("Each row and column pair may appear once")
    if any(c.value < 0 or not math.isfinite(c.value) for c in cells):
        raise ValueError("Values must be zero or more")
    table = Protection(rows, columns, rules)
    table.has_row_totals = table.has_column_totals = len(rows) > 1 and len(columns) > 1
    for row, column in product(rows, columns):
        c = given.get((row, column)) or Cell(row, column, 0.0, 0 if rules.kind == AMOUNT else None)
        table.cells[(row, column)] = Outcome(
            row, column, float(c.value), Rule.PUBLISHED, c.contributors, c.largest, c.second
        )
    interior = list(table.cells.values())
    groups: list[tuple[tuple[str, str], list[Outcome]]] = []
    if table.has_row_totals:
        groups += [((r, TOTAL), [table.cells[(r, c)] for c in columns]) for r in rows]
        groups += [((TOTAL, c), [table.cells[(r, c)] for r in rows]) for c in columns]
    if len(interior) > 1:
        groups.append(((TOTAL, TOTAL), interior))
    for (row, column), members in groups:
        value, n, x1, x2 = _combine(members)
        table.cells[(row, column)] = Outcome(row, column, value, Rule.PUBLISHED, n, x1, x2)
    for outcome in table.cells.values():
        outcome.rule = _primary(outcome, rules)
    return table


def equations(table: Protection) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """Each published total and the cells that add up to it."""
    rows, columns = table.rows, table.columns
    out = []
    if table.has_row_totals:
        out += [((r, TOTAL), [(r, c) for c in columns]) for r in rows]
        out += [((TOTAL, c), [(r, c) for r in rows]) for c in columns]
    if (TOTAL, TOTAL) in table.cells:
        out.append(((TOTAL, TOTAL), [(r, c) for r in rows for c in columns]))
    return out


# --- What a reader can work out ----------------------------------------------------------------


def intervals(
    table: Protection, hidden: set[tuple[str, str]], targets: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[float, float]]:
    """The smallest and largest value each target could take given every cell and total not in
    `hidden` (two linear programmes per target; `math.inf` when nothing bounds it above).

    Each programme holds only the sums linked to its target through hidden cells: the others
    cannot move it, and small programmes solve quickly."""
    sums = [({total, *members}, total, members) for total, members in equations(table)]
    found: dict[tuple[str, str], tuple[float, float]] = {}
    for key in targets:
        if key in found:
            continue
        component, linked, frontier = {key}, [], [key]
        while frontier:
            cell = frontier.pop()
            for number, (cells, _, _) in enumerate(sums):
                if cell in cells and number not in linked:
                    linked.append(number)
                    for other in (cells & hidden) - component:
                        component.add(other)
                        frontier.append(other)
        order = [k for k in table.cells if k in component]
        index = {k: i for i, k in enumerate(order)}
        a_rows, b = [], []
        for number in sorted(linked):
            _, total, members = sums[number]
            coefficients = np.zeros(len(order))
            constant = 0.0
            for cell, sign in [(total, -1.0)] + [(m, 1.0) for m in members]:
                if cell in index:
                    coefficients[index[cell]] += sign
                else:
                    constant += sign * table.cells[cell].value
            a_rows.append(coefficients)
            b.append(-constant)
        a_eq = np.array(a_rows) if a_rows else None
        b_eq = np.array(b) if b else None
        objective = np.zeros(len(order))
        objective[index[key]] = 1.0
        found[key] = (_optimum(objective, a_eq, b_eq), -_optimum(-objective, a_eq, b_eq))
    return found


def _optimum(objective, a_eq, b_eq) -> float:
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded below: the value could be as large as anyone likes
        return -math.inf
    if result.status != 0:  # the published figures contradict each other: never publish
        raise RuntimeError(f"Suppression check failed: {result.message}")
    return float(result.fun)


def shortfall(rules: Rules, outcome: Outcome, low: float, high: float) -> float:
    """How far a hidden cell's interval falls short of what it needs; 0 when it is protected.
    Cells hidden for another's sake need nothing themselves."""
    if outcome.rule in (Rule.PUBLISHED, Rule.SECONDARY):
        return 0.0
    if rules.kind == COUNT:
        return max(rules.threshold - (high - low), 0.0)
    margin = rules.amount_margin * outcome.value
    return max(low - (outcome.value - margin), 0.0) + max(outcome.value + margin - high, 0.0)


def requirement(rules: Rules, outcome: Outcome) -> str:
    """What a hidden cell's interval must be, in words."""
    if outcome.rule == Rule.SECONDARY:
        return "none: it protects another cell"
    if rules.kind == COUNT:
        return f"at least {rules.threshold} wide"
    return f"at least {rules.amount_margin:.0%} either side of the value"


def _shortfall(table: Protection, hidden: set[tuple[str, str]], key: tuple[str, str]) -> float:
    low, high = intervals(table, hidden, [key])[key]
    return shortfall(table.rules, table.cells[key], low, high)


def _loss(table: Protection, keys: Iterable[tuple[str, str]], everything: float) -> float:
    """Information lost by hiding these cells: one for each cell plus its value; a total costs
    more than `everything` (all other cells together), so totals are hidden only as a last
    resort."""
    return sum(
        table.cells[k].value + 1 + (everything if table.cells[k].is_total else 0) for k in keys
    )


def _moves(table: Protection, hidden: set[tuple[str, str]], key: tuple[str, str]):
    """Sets of cells that could be hidden next to protect `key`, cheapest first."""
    open_cells = {k for k, o in table.cells.items() if k not in hidden and o.value > 0}
    moves = {frozenset([k]) for k in open_cells}
    row, column = key
    if TOTAL not in key:
        for other_row, other_column in product(table.rows, table.columns):
            if other_row == row or other_column == column:
                continue
            corners = {(row, other_column), (other_row, column), (other_row, other_column)}
            new = frozenset(corners - hidden)
            if new and new <= open_cells:
                moves.add(new)
    everything = sum(o.value + 1 for o in table.cells.values() if not o.is_total)
    return sorted(moves, key=lambda move: (_loss(table, move, everything), sorted(move)))


def _pinned_by(table: Protection, key: tuple[str, str]) -> list[set[tuple[str, str]]]:
    """The cells of every published sum the key takes part in (a total and its members)."""
    return [
        {total, *members} for total, members in equations(table) if key == total or key in members
    ]


def _could_help(sums: list[set[tuple[str, str]]], trial: set, key: tuple[str, str]) -> bool:
    """A cell stays fixed while any sum it is in has no other hidden cell: a quick test that
    saves solving linear programmes for moves that cannot work."""
    return all((cells & trial) - {key} for cells in sums)


def protect(cells: Iterable[Cell], rules: Rules) -> Protection:
    """Apply the primary rules, then hide further cells until every hidden cell is protected,
    and keep each hidden cell's interval as the proof.

    Hiding more never narrows anyone's interval, so each primary cell is protected in turn and
    stays protected while later ones are dealt with."""
    table = build(cells, rules)
    hidden = {k for k, o in table.cells.items() if o.suppressed}
    for target in [k for k in table.cells if k in hidden]:
        sums = _pinned_by(table, target)
        while (gap := _shortfall(table, hidden, target)) > _EPS:
            moves = _moves(table, hidden, target)
            if not moves:  # unreachable: with every non-zero cell hidden nothing is bounded
                raise RuntimeError("Suppression could not protect the table")
            best, best_gap = moves[0], gap
            for move in moves:
                if not _could_help(sums, hidden | move, target):
                    continue
                trial = _shortfall(table, hidden | move, target)
                if trial <= _EPS:
                    best = move
                    break
                if trial < best_gap - _EPS:
                    best, best_gap = move, trial
            for k in best:
                table.cells[k].rule = Rule.SECONDARY
            hidden |= best
    found = intervals(table, hidden, [k for k in table.cells if k in hidden])
    for key, (low, high) in found.items():
        table.cells[key].low, table.cells[key].high = low, high
    return table
