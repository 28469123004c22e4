"""Small numbers and the mosaic effect: k-anonymity over quasi-identifiers, generalisation ladders
(age to bands, postcode to sector/district/area, ethnicity to broad group) and local suppression.

Each quasi-identifier column is encoded as small integer codes while the file is read (a few bytes
per row), so k-anonymity over a million rows is a handful of ``numpy.unique`` calls.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import numpy as np

from .patterns import age_on, compact_postcode, is_postcode, normalise_postcode, parse_date

BROAD_ETHNIC = [
    ("mixed", "Mixed or multiple"),
    ("multiple", "Mixed or multiple"),
    ("white", "White"),
    ("gypsy", "White"),
    ("irish", "White"),
    ("black", "Black"),
    ("african", "Black"),
    ("caribbean", "Black"),
    ("asian", "Asian"),
    ("indian", "Asian"),
    ("pakistani", "Asian"),
    ("bangladeshi", "Asian"),
    ("chinese", "Asian"),
    ("arab", "Other"),
]
DISTRICT = re.compile(r"^([A-Z]{1,2})\d")


def _band(age: int, width: int) -> str:
    if age >= 90:
        return "90+"
    low = age // width * width
    return f"{low}-{low + width - 1}"


@lru_cache(maxsize=200_000)
def _birth_date(value: str, today: dt.date) -> dt.date | None:
    """Parsed once per distinct value, whatever the number of levels the search tries."""
    return parse_date(value, today)


def _age_ladder(value: str, level: int, today: dt.date, is_dob: bool) -> str:
    if level == 0 or not value.strip():
        return value
    if is_dob:
        born = _birth_date(value, today)
        if born is None:
            return ""  # an unreadable birth date is still personal data: leave it out
        age = age_on(born, today)
    else:
        try:
            age = int(float(value))
        except ValueError:
            return value
    return _band(max(age, 0), (5, 10, 20)[min(level, 3) - 1])


def _postcode_ladder(value: str, level: int) -> str:
    if not value.strip():
        return value
    if not is_postcode(value):
        return _district_ladder(value, level - 1) if level >= 2 else value
    full = normalise_postcode(value)
    outward, inward = full.split(" ")
    return [full, f"{outward} {inward[0]}", outward, DISTRICT.match(outward).group(1)][
        min(level, 3)
    ]


def _district_ladder(value: str, level: int) -> str:
    if level <= 0:
        return value
    m = DISTRICT.match(compact_postcode(value))
    return m.group(1) if m else value


def _ethnic_ladder(value: str, level: int) -> str:
    if level == 0 or not value.strip():
        return value
    low = value.lower()
    for word, broad in BROAD_ETHNIC:
        if word in low:
            return broad
    return "Other"


MAX_LEVEL = {"age": 3, "dob": 3, "postcode": 3, "district": 1, "ethnicity": 1}
LEVEL_NAMES = {
    "age": ["exact", "5-year bands", "10-year bands", "20-year bands"],
    "dob": ["exact", "5-year age bands", "10-year age bands", "20-year age bands"],
    "postcode": ["full postcode", "sector", "district", "area"],
    "district": ["district", "area"],
    "ethnicity": ["detailed", "broad group"],
}


class PostcodeRule:
    """What a postcode written in free text becomes: its district (outward code), or
    ``[POSTCODE]`` when it is a small cell by the rule the postcode columns follow (fewer
    households than the threshold in the table, or without a table fewer records in the file)."""

    def __init__(self, sizes: dict[str, int], threshold: int) -> None:
        self.sizes, self.threshold = sizes, threshold

    def __call__(self, postcode: str) -> str:
        if self.sizes.get(postcode, 0) >= self.threshold:
            return postcode.split(" ")[0]
        return "[POSTCODE]"


def generalise(kind: str | None, value: str, level: int, today: dt.date) -> str:
    if kind in ("age", "dob"):
        return _age_ladder(value, level, today, kind == "dob")
    if kind == "postcode":
        return _postcode_ladder(value, level)
    if kind == "district":
        return _district_ladder(value, level)
    if kind == "ethnicity":
        return _ethnic_ladder(value, level)
    return value


class QIColumn:
    """Codes of one quasi-identifier column, row by row, plus its value table."""

    def __init__(self, index: int, name: str, kind: str | None, start_level: int = 0):
        self.index, self.name, self.kind = index, name, kind
        self.start_level = start_level
        self.level = start_level
        self.table: dict[str, int] = {}
        self.chunks: list[np.ndarray] = []
        self.codes: np.ndarray | None = None
        self.presuppress: set[str] = (
            set()
        )  # raw values removed before anything else (small postcodes)

    def add(self, values) -> None:
        table = self.table
        for value in dict.fromkeys(values):  # distinct values in order of first appearance
            if value not in table:
                table[value] = len(table)
        self.chunks.append(np.fromiter(map(table.__getitem__, values), np.int32, len(values)))

    def finish(self) -> None:
        self.codes = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int32)
        self.chunks = []
        self.values = list(self.table)

    def level_codes(self, level: int, today: dt.date) -> tuple[np.ndarray, list[str]]:
        """Per-row codes at a generalisation level, and the code -> value table at that level."""
        out: dict[str, int] = {}
        mapping = np.empty(len(self.values) + 1, dtype=np.int32)
        for code, value in enumerate(self.values):
            shown = "" if value in self.presuppress else generalise(self.kind, value, level, today)
            mapping[code] = out.setdefault(shown, len(out))
        mapping[-1] = len(out)  # unused slot
        return mapping[self.codes], list(out)


def group_sizes(columns: list[np.ndarray]) -> np.ndarray:
    """Size of each row's group over the given per-row code arrays."""
    if not columns:
        return np.zeros(0, dtype=np.int64)
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    radix_total = 1
    for codes in columns:
        size = int(codes.max()) + 2
        if radix_total * size >= 2**62:
            stacked = np.stack(columns, axis=1)
            _, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
            return counts[inverse.ravel()]
        key = key * size + codes
        radix_total *= size
    if radix_total <= max(1 << 22, 4 * n):  # few possible keys: count them directly, no sort
        return np.bincount(key, minlength=radix_total)[key]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def k_summary(sizes: np.ndarray, threshold: int) -> dict:
    if len(sizes) == 0:
        return {"k": 0, "smallest_group": 0, "records_below_threshold": 0, "groups": 0}
    k = int(sizes.min())
    return {
        "k": k,
        "smallest_group": k,
        "records_below_threshold": int((sizes < threshold).sum()),
        "groups": int((1.0 / sizes).sum().round()),
    }


# The search keeps at most this share of records in groups below the threshold, to be suppressed
# cell by cell, rather than generalise everyone further (ARX's suppression limit).
SUPPRESSION_BUDGET = 0.02
MAX_EVALUATIONS = 150  # bounds the lattice search, whatever the number of quasi-identifiers
OPTIONS_SHOWN = 3


def top_level(column: QIColumn) -> int:
    """The highest level of a column: one past its ladder, where its values are withheld."""
    return MAX_LEVEL.get(column.kind, 0) + 1


def level_name(column: QIColumn, level: int) -> str:
    names = LEVEL_NAMES.get(column.kind, ["exact"])
    return names[level] if level < len(names) else "withheld"


def protect(
    columns: list[QIColumn],
    threshold: int,
    today: dt.date,
    fixed: dict[int, int] | None = None,
    budget: float = SUPPRESSION_BUDGET,
):
    """Choose generalisation levels for all quasi-identifiers together, then suppress cells,
    until every group has at least ``threshold`` rows.

    A bounded best-first search of the lattice of levels (as ARX does): from the node where every
    column is most general (withheld), step down one column and one level at a time, always to
    the node of least information loss whose groups below the threshold stay within the
    suppression budget; then again keeping each column that answer withholds, so the reviewer is
    offered different trade-offs.
    Information loss is the mean, over the quasi-identifiers' cells, of how far up its ladder each
    cell is (0 exact, 1 withheld or suppressed). ``fixed`` (column position -> level) pins the
    levels a reviewer chose. Returns (per-column output code arrays, per-column value tables with
    "" for suppressed, report with the chosen option and the best few others).
    """
    rows = len(columns[0].codes) if columns else 0
    fixed = fixed or {}
    cache: dict[tuple[int, int], tuple[np.ndarray, list[str]]] = {}

    def codes_at(i: int, level: int):
        if (i, level) not in cache:
            column = columns[i]
            if level >= top_level(column):
                cache[(i, level)] = np.zeros(rows, dtype=np.int32), [""]
            else:
                cache[(i, level)] = column.level_codes(level, today)
        return cache[(i, level)]

    floor = [max(c.start_level, fixed.get(i, c.start_level)) for i, c in enumerate(columns)]
    ceiling = [fixed.get(i, top_level(c)) for i, c in enumerate(columns)]
    ceiling = [max(lo, hi) for lo, hi in zip(floor, ceiling, strict=True)]
    evaluated: dict[tuple[int, ...], tuple[float, int]] = {}  # node -> (loss, rows below)

    blanks: dict[tuple[int, int], float] = {}

    def loss_of(i: int, level: int) -> float:
        """A column's loss at a level: blank cells (small postcodes) lose everything."""
        if (i, level) not in blanks:
            codes, table = codes_at(i, level)
            blank = _blank_share(codes, table)
            blanks[(i, level)] = blank + (1 - blank) * level / top_level(columns[i])
        return blanks[(i, level)]

    def evaluate(node: tuple[int, ...]) -> tuple[float, int]:
        if node not in evaluated:
            sizes = group_sizes([codes_at(i, lv)[0] for i, lv in enumerate(node)])
            small = int((sizes < threshold).sum())
            generalised = sum(loss_of(i, lv) for i, lv in enumerate(node)) / len(node)
            # As if the records in small groups were suppressed whole.
            evaluated[node] = (generalised + small / max(rows, 1) * (1 - generalised), small)
        return evaluated[node]

    within_budget = [] if not columns else [tuple(ceiling)]

    def descend(top: tuple[int, ...]) -> tuple[int, ...]:
        """Step down from ``top``, each time to the child of least loss within the budget."""
        node = top
        while len(evaluated) < MAX_EVALUATIONS:
            within = []
            for i in range(len(node)):
                if node[i] > floor[i] and len(evaluated) < MAX_EVALUATIONS:
                    child = node[:i] + (node[i] - 1,) + node[i + 1 :]
                    loss, small = evaluate(child)
                    if small <= budget * rows:
                        within.append((loss, child))
                        within_budget.append(child)
            if not within:
                return node
            node = min(within)[1]
        return node

    finals = []
    if columns:
        evaluate(tuple(ceiling))
        finals.append(descend(tuple(ceiling)))
        # The best that keeps each column the first answer withholds: other trade-offs for the
        # reviewer (10-year bands with postcode districts, against 5-year bands without them).
        for i, level in enumerate(finals[0]):
            if level == top_level(columns[i]) and floor[i] < level:
                top = tuple(ceiling[:i]) + (level - 1,) + tuple(ceiling[i + 1 :])
                if evaluate(top)[1] <= budget * rows:
                    finals.append(descend(top))
    ranked = sorted({(evaluated[node][0], node) for node in within_budget})
    # Offered: the best, the ends of the other descents, then the next best; one per trade-off,
    # ranked by their information loss once cells are suppressed. The first is applied.
    picks = [node for _, node in ranked[:1]]
    picks += sorted(finals, key=lambda node: evaluated[node][0])
    picks += [node for _, node in ranked[1:]]
    offered: dict[tuple, tuple] = {}
    for candidate in picks or [tuple(ceiling)]:
        if len(offered) == OPTIONS_SHOWN:
            break
        option = _apply(columns, candidate, codes_at, threshold, rows)[2]
        trade_off = (option["information_loss"], option["suppressed_cells"])
        offered.setdefault(trade_off, (candidate, option))
    ordered = sorted(offered.items())
    chosen = ordered[0][1][0]
    outputs, tables, report = _apply(columns, chosen, codes_at, threshold, rows)
    report["options"] = [option for _, (_, option) in ordered]
    report["lattice_nodes_evaluated"] = len(evaluated)
    for c, lv in zip(columns, chosen, strict=True):
        c.level = lv
    return outputs, tables, report


def _blank_share(codes: np.ndarray, table: list[str]) -> float:
    if not len(codes):
        return 0.0
    blank = np.array([value == "" for value in table], dtype=bool)
    return float(blank[codes].mean())


def _apply(columns, node, codes_at, threshold: int, rows: int):
    """Outputs at a node, suppressing the most detailed column first in rows of small groups."""
    outputs = [codes_at(i, lv)[0].copy() for i, lv in enumerate(node)]
    tables = [list(codes_at(i, lv)[1]) for i, lv in enumerate(node)]
    suppressed_cells = 0
    sizes = group_sizes(outputs)
    small = sizes < threshold if rows else np.zeros(0, dtype=bool)
    order = sorted(range(len(columns)), key=lambda i: -len(tables[i]))
    for i in order:
        if not small.any():
            break
        if tables[i] != [""]:
            blank = len(tables[i])
            tables[i].append("")
            suppressed_cells += int(small.sum())
            outputs[i][small] = blank
            sizes = group_sizes(outputs)
            small = sizes < threshold
    # Columns withheld (or blank from small cells) suppress nobody in particular.
    shown = [i for i, lv in enumerate(node) if _blank_share(*codes_at(i, lv)) < 1]
    fully = np.full(rows, bool(shown))
    for i in shown:
        fully &= np.array([code_value == "" for code_value in tables[i]])[outputs[i]]
    after = group_sizes(outputs)
    unsuppressed = after[~fully] if rows else after
    loss = 0.0
    if columns and rows:  # 1 for a blank cell, else how far up its ladder the value is
        for i, (c, lv) in enumerate(zip(columns, node, strict=True)):
            share = _blank_share(outputs[i], tables[i])
            loss += share + (1 - share) * lv / top_level(c)
        loss /= len(columns)
    names = [
        "withheld" if _blank_share(*codes_at(i, lv)) == 1 else level_name(c, lv)  # small cells
        for i, (c, lv) in enumerate(zip(columns, node, strict=True))
    ]
    report = {
        "levels": {c.name: name for c, name in zip(columns, names, strict=True)},
        "level_numbers": {c.name: lv for c, lv in zip(columns, node, strict=True)},
        "suppressed_cells": suppressed_cells,
        "fully_suppressed_records": int(fully.sum()),
        "k": int(unsuppressed.min()) if len(unsuppressed) else 0,
        "records_below_threshold": int((unsuppressed < threshold).sum()),
        "information_loss": round(loss, 4),
    }
    return outputs, tables, report
