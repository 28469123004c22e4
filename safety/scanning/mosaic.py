"""Small numbers and the mosaic effect: k-anonymity over quasi-identifiers, generalisation ladders
(age to bands, postcode to sector/district/area, ethnicity to broad group) and local suppression.

Each quasi-identifier column is encoded as small integer codes while the file is read (a few bytes
per row), so k-anonymity over a million rows is a handful of ``numpy.unique`` calls.
"""

from __future__ import annotations

import datetime as dt
import re

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


def _age_ladder(value: str, level: int, today: dt.date, is_dob: bool) -> str:
    if level == 0 or not value.strip():
        return value
    if is_dob:
        born = parse_date(value)
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


def protect(columns: list[QIColumn], threshold: int, today: dt.date, tolerance: float = 0.01):
    """Generalise step by step, then suppress, until every group has at least ``threshold`` rows.

    Returns (per-column output code arrays, per-column value tables with "" for suppressed, report).
    Generalisation stops once at most ``tolerance`` of rows remain in small groups: suppressing
    those few keeps more detail for everyone else than a coarser ladder would.
    """
    rows = len(columns[0].codes) if columns else 0
    cache: dict[tuple[int, int], tuple[np.ndarray, list[str]]] = {}

    def codes_at(i: int, level: int):
        if (i, level) not in cache:
            cache[(i, level)] = columns[i].level_codes(level, today)
        return cache[(i, level)]

    def below(levels: list[int]) -> int:
        sizes = group_sizes([codes_at(i, lv)[0] for i, lv in enumerate(levels)])
        return int((sizes < threshold).sum())

    levels = [c.start_level for c in columns]
    current = below(levels) if columns else 0
    while current > tolerance * rows:
        options = []
        for i, c in enumerate(columns):
            if levels[i] < MAX_LEVEL.get(c.kind, 0):
                trial = levels.copy()
                trial[i] += 1
                options.append((below(trial), trial[i], i))
        if not options:
            break
        best, _, i = min(options)
        if best >= current and levels[i] + 1 >= MAX_LEVEL.get(columns[i].kind, 0):
            levels[i] += 1
            current = best
            continue
        levels[i] += 1
        current = best
    outputs = [codes_at(i, lv)[0].copy() for i, lv in enumerate(levels)]
    tables = [list(codes_at(i, lv)[1]) for i, lv in enumerate(levels)]
    suppressed_cells = 0
    sizes = group_sizes(outputs)
    small = sizes < threshold if rows else np.zeros(0, dtype=bool)
    # Suppress the most detailed column first for rows still in small groups, then the next...
    order = sorted(range(len(columns)), key=lambda i: -len(tables[i]))
    for i in order:
        if not small.any():
            break
        blank = len(tables[i])
        tables[i].append("")
        suppressed_cells += int(small.sum())
        outputs[i][small] = blank
        sizes = group_sizes(outputs)
        small = sizes < threshold
    for c, lv in zip(columns, levels, strict=True):
        c.level = lv
    fully = np.ones(rows, dtype=bool)
    for i, out in enumerate(outputs):
        fully &= np.array([tables[i][code] == "" for code in range(len(tables[i]))])[out]
    after = group_sizes(outputs)
    unsuppressed = after[~fully] if rows else after
    report = {
        "levels": {
            c.name: LEVEL_NAMES.get(c.kind, ["exact"])[lv]
            for c, lv in zip(columns, levels, strict=True)
        },
        "suppressed_cells": suppressed_cells,
        "fully_suppressed_records": int(fully.sum()),
        "k": int(unsuppressed.min()) if len(unsuppressed) else 0,
        "records_below_threshold": int((unsuppressed < threshold).sum()),
    }
    return outputs, tables, report
