"""Scan a dataset for personal data and write a redacted copy: the two passes over the file.

Pass 1 (``scan``) classifies each column from a sample of the first chunk, then streams every chunk
to count matches, learn the file's own names, count postcodes and encode quasi-identifiers.
Pass 2 (``redact``) streams the file again and applies the remedies decided from pass 1.

Excel safety: a cell starting with ``= + - @``, tab or CR is prefixed with a single quote unless it
is a plain number such as ``-5`` or ``+3.2e4`` (numbers cannot run as formulas). So analytic columns
holding negative numbers are unchanged while ``=HYPERLINK(...)`` or ``-2+3`` are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .detectors import ACTION_BY_TYPE, NUMBER, Profile, classify, count_matches
from .errors import HouseholdsTableError, UnknownColumnError
from .freetext import TextScrubber
from .mosaic import QIColumn, generalise, group_sizes, k_summary, protect
from .names import NameIndex
from .patterns import PII_TYPES, is_postcode, mask, normalise_postcode
from .reader import Limits, Table, open_table

AUTO_QI_KINDS = ("age", "dob", "sex", "ethnicity", "ward", "district", "postcode")
RISKY_START = re.compile(r"[=+\-@\t\r]")


@dataclass
class ScanOptions:
    min_cell_count: int = 10
    quasi_identifiers: list[str] | None = None  # None: suggest automatically
    households_path: str | None = None
    sheet: str | int | None = None
    limits: Limits | None = None
    chunk_rows: int = 50_000
    sample_rows: int = 2_000
    today: dt.date | None = None


@dataclass
class ColumnState:
    index: int
    name: str
    profile: Profile
    matches: int = 0
    examples: list[str] = field(default_factory=list)
    type_counts: Counter = field(default_factory=Counter)
    action: str = "keep"


@dataclass
class ScanResult:
    report: dict
    table: Table
    options: ScanOptions
    columns: list[ColumnState]
    names: NameIndex
    qi_columns: list[QIColumn]
    qi_outputs: list[np.ndarray]
    qi_tables: list[list[str]]
    postcode_small: dict[int, set[str]]  # column index -> raw values to blank
    postcode_level: int  # 0 keep full postcodes (table given), 1 generalise to sector


def load_households(path: str) -> dict[str, int]:
    """Read ``postcode,households``; postcodes are normalised ('nw51tl' -> 'NW5 1TL')."""
    out: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            for line, row in enumerate(reader, start=1):
                if not row or not "".join(row).strip():
                    continue
                if len(row) < 2:
                    raise HouseholdsTableError(
                        f"Line {line} of the households table needs two values: "
                        "postcode,households."
                    )
                code, count = row[0].strip(), row[1].strip()
                if line == 1 and not count.isdigit():
                    continue  # header
                if not is_postcode(code) or not count.isdigit():
                    raise HouseholdsTableError(
                        f"Line {line} of the households table is not 'postcode,households': "
                        "fix or remove it."
                    )
                out[normalise_postcode(code)] = int(count)
    except OSError as exc:
        raise HouseholdsTableError(
            "The households table could not be opened: check the path."
        ) from exc
    return out


def _sample(col, size: int) -> list[str]:
    values = [v for v in col if v and not v.isspace()]
    if len(values) <= size:
        return values
    step = len(values) / size
    return [values[int(i * step)] for i in range(size)]


def scan(path: str, options: ScanOptions | None = None) -> ScanResult:
    """Pass 1: find personal data, small cells and k-anonymity. Raises ``DatasetError``."""
    options = options or ScanOptions()
    today = options.today or dt.date.today()
    threshold = options.min_cell_count
    households = load_households(options.households_path) if options.households_path else None
    table = open_table(path, sheet=options.sheet, limits=options.limits)
    header = table.header
    wanted_qi = _resolve_qi_names(header, options.quasi_identifiers)
    names = NameIndex()
    columns: list[ColumnState] = []
    qi_columns: list[QIColumn] = []
    postcode_counts: dict[int, Counter] = {}
    scrubbers: dict[int, TextScrubber] = {}
    rows = 0
    for chunk in table.chunks(options.chunk_rows):
        cols = list(zip(*chunk, strict=True))
        if not columns:
            columns = [
                ColumnState(
                    i, name, classify(name, _sample(cols[i], options.sample_rows), names, today)
                )
                for i, name in enumerate(header)
            ]
            qi_columns = _choose_qi(columns, wanted_qi, households is None)
            for c in columns:
                if c.profile.kind == "free_text":
                    scrubbers[c.index] = TextScrubber(names)
                elif c.profile.kind == "mixed":
                    scrubbers[c.index] = TextScrubber(names, find_names=False)
                if c.profile.kind == "POSTCODE":
                    postcode_counts[c.index] = Counter()
        rows += len(chunk)
        for c in columns:  # name columns first: notes in this chunk can use their names
            if c.profile.kind == "PERSON_NAME":
                names.add_file_names(set(cols[c.index]))
        for c in columns:
            values = cols[c.index]
            kind = c.profile.kind
            if c.index in scrubbers:
                scrubber = scrubbers[c.index]
                scrubbed = scrubber.scrub(list(values))
                changed = [
                    i for i, (a, b) in enumerate(zip(values, scrubbed, strict=True)) if a != b
                ]
                c.matches += len(changed)
                if len(c.examples) < 3:
                    c.examples += [
                        _mask_scrubbed(scrubbed[i]) for i in changed[: 3 - len(c.examples)]
                    ]
            elif kind in PII_TYPES:
                c.matches += count_matches(kind, values)
                if len(c.examples) < 3:
                    c.examples += [mask(v) for v in _sample(values, 3 - len(c.examples))]
            if c.index in postcode_counts:
                postcode_counts[c.index].update(values)
        for q in qi_columns:
            q.add(cols[q.index])
    if not columns:  # header only
        columns = [ColumnState(i, name, Profile("plain")) for i, name in enumerate(header)]
        qi_columns = _choose_qi(columns, wanted_qi, households is None)
    for q in qi_columns:
        q.finish()

    small_cells, postcode_small, postcode_note = _small_postcodes(
        columns, postcode_counts, households, threshold
    )
    qi_report, outputs, tables = _mosaic(qi_columns, postcode_small, threshold, today)
    for c in columns:
        _decide_action(c, scrubbers.get(c.index), households is not None, qi_columns)
    report = {
        "rows": rows,
        "columns": [
            {
                "name": c.name,
                "pii_types": c.profile.pii_types
                if c.profile.kind != "free_text"
                else sorted((t for t in c.type_counts if c.type_counts[t]), key=PII_TYPES.index),
                "action": c.action,
                "matches": c.matches,
                "confidence": c.profile.confidence,
                "kind": c.profile.kind,
                "quasi_identifier": any(q.index == c.index for q in qi_columns),
                "examples": c.examples,
            }
            for c in columns
        ],
        "small_cells": small_cells,
        "k_anonymity": qi_report,
        "postcode_small_numbers": postcode_note,
        "min_cell_count": threshold,
        "source": table.info.as_dict(),
    }
    return ScanResult(
        report=report,
        table=table,
        options=options,
        columns=columns,
        names=names,
        qi_columns=qi_columns,
        qi_outputs=outputs,
        qi_tables=tables,
        postcode_small=postcode_small,
        postcode_level=0 if households is not None else 1,
    )


def _mask_scrubbed(text: str) -> str:
    """Show where placeholders went, masking the rest of the note."""
    parts = re.split(r"(\[[A-Z_]+\])", text[:80])
    return "".join(p if p.startswith("[") else mask(p) for p in parts)


def _resolve_qi_names(header: list[str], wanted: list[str] | None) -> list[int] | None:
    if wanted is None:
        return None
    indices = []
    for name in wanted:
        name = name.strip()
        if not name:
            continue
        if name not in header:
            raise UnknownColumnError(
                f"There is no column called {name!r}: quasi-identifiers must be column names "
                "from the header."
            )
        indices.append(header.index(name))
    return indices


def _choose_qi(
    columns: list[ColumnState], wanted: list[int] | None, sector: bool
) -> list[QIColumn]:
    if wanted is None:
        chosen = [c for c in columns if c.profile.qi_kind in AUTO_QI_KINDS]
    else:
        chosen = [columns[i] for i in wanted]
    out = []
    for c in chosen:
        kind = c.profile.qi_kind or ("postcode" if c.profile.kind == "POSTCODE" else None)
        start = 0
        if kind == "dob":
            start = 1  # birth dates are personal data: never published exactly
        out.append(QIColumn(c.index, c.name, kind, start))
    return out


def _small_postcodes(columns, postcode_counts, households, threshold):
    small_cells, small_values = [], {}
    method = "households_table" if households is not None else "records_per_postcode"
    for c in columns:
        if c.index not in postcode_counts:
            continue
        counts = postcode_counts[c.index]
        per_code: Counter = Counter()
        for raw, n in counts.items():
            if raw.strip() and is_postcode(raw):
                per_code[normalise_postcode(raw)] += n
        small = set()
        for raw in counts:
            if not raw.strip() or not is_postcode(raw):
                continue
            code = normalise_postcode(raw)
            size = households.get(code, 0) if households is not None else per_code[code]
            if size < threshold:
                small.add(raw)
        cells = sum(counts[raw] for raw in small)
        if cells:
            small_cells.append({"column": c.name, "count": cells})
        small_values[c.index] = small
    note = {
        "method": method,
        "remedy": "suppress_small_postcodes" if households is not None else "generalise_to_sector",
        "threshold": threshold,
        "explanation": (
            "Postcodes with fewer households than the threshold (or missing from the households "
            "table) are removed."
            if households is not None
            else "No households table: postcodes seen in fewer records than the threshold are "
            "counted as small cells, and every postcode is generalised to its sector."
        ),
    }
    return small_cells, small_values, note


def _mosaic(qi_columns, postcode_small, threshold, today):
    raw_codes = [q.codes for q in qi_columns]
    sizes = group_sizes(raw_codes)
    rows = len(raw_codes[0]) if raw_codes else 0
    summary = (
        k_summary(sizes, threshold)
        if qi_columns
        else {
            "k": rows,
            "smallest_group": rows,
            "records_below_threshold": 0,
            "groups": 1 if rows else 0,
        }
    )
    for q in qi_columns:
        if q.kind == "postcode" and q.index in postcode_small:
            q.presuppress = postcode_small[q.index]
            if q.start_level == 0 and postcode_small is not None:
                pass
    outputs, tables, after = protect(qi_columns, threshold, today) if qi_columns else ([], [], {})
    report = {"quasi_identifiers": [q.name for q in qi_columns], **summary, "after_remedies": after}
    return report, outputs, tables


def _decide_action(c: ColumnState, scrubber, has_table: bool, qi_columns) -> None:
    kind = c.profile.kind
    if scrubber is not None:
        c.type_counts = Counter({k: v for k, v in scrubber.counts.items() if v})
        if kind == "mixed":
            c.profile.pii_types = sorted(c.type_counts, key=PII_TYPES.index) or c.profile.pii_types
        c.action = "scrub_text" if c.matches else "keep"
        return
    if kind == "POSTCODE":
        c.action = "suppress_small_cells" if has_table else "generalise"
        for q in qi_columns:
            if q.index == c.index and q.level > q.start_level:
                c.action = "generalise"
        return
    if kind in ACTION_BY_TYPE:
        c.action = ACTION_BY_TYPE[kind]
        return
    for q in qi_columns:
        if q.index == c.index:
            c.action = "generalise" if q.level > 0 else "keep"
    return


# ---------------------------------------------------------------------------------------------
# Pass 2


def pseudonymiser(key: bytes):
    """Keyed HMAC-SHA256: same ID and key, same pseudonym; without the key, no reversal."""
    cache: dict[str, str] = {}

    def pseudonym(value: str) -> str:
        found = cache.get(value)
        if found is None:
            stripped = value.strip()
            found = (
                "px" + hmac.new(key, stripped.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
                if stripped
                else ""
            )
            if len(cache) < 2_000_000:
                cache[value] = found
        return found

    return pseudonym


def excel_safe(values: list[str]) -> list[str]:
    """Neutralise cells Excel would run as formulas; plain numbers are left alone."""
    joined = "\x00" + "\x00".join(values)
    if not re.search(r"\x00[=+\-@\t\r]", joined):
        return values
    return [
        "'" + v if v and RISKY_START.match(v) and not NUMBER.fullmatch(v) else v for v in values
    ]


def redact(result: ScanResult, out_path: str, key: bytes) -> dict:
    """Pass 2: write the redacted CSV (UTF-8). Returns counts of what was changed."""
    today = result.options.today or dt.date.today()
    pseudonym = pseudonymiser(key)
    kept = [c for c in result.columns if c.action != "drop"]
    qi_by_index = {q.index: i for i, q in enumerate(result.qi_columns)}
    scrubbers: dict[int, TextScrubber] = {}
    value_maps: dict[int, dict[str, str]] = {}
    for c in kept:
        if c.profile.kind == "free_text":
            scrubbers[c.index] = TextScrubber(result.names)
        elif c.profile.kind == "mixed":
            scrubbers[c.index] = TextScrubber(result.names, find_names=False)
    offset = 0
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(excel_safe([c.name for c in kept]))
        for chunk in result.table.chunks(result.options.chunk_rows):
            cols = list(zip(*chunk, strict=True))
            n = len(chunk)
            out_cols = []
            for c in kept:
                values = cols[c.index]
                if c.index in qi_by_index:
                    i = qi_by_index[c.index]
                    table = result.qi_tables[i]
                    codes = result.qi_outputs[i][offset : offset + n]
                    values = [table[code] for code in codes.tolist()]
                elif c.index in scrubbers:
                    values = scrubbers[c.index].scrub(list(values))
                elif c.action == "pseudonymise":
                    values = [pseudonym(v) for v in values]
                elif c.profile.kind in ("POSTCODE", "DATE_OF_BIRTH"):
                    mapping = value_maps.setdefault(c.index, {})
                    values = [
                        mapping[v] if v in mapping else _map_value(result, c, v, mapping, today)
                        for v in values
                    ]
                out_cols.append(excel_safe(list(values)))
            writer.writerows(zip(*out_cols, strict=True))
            offset += n
    return {"rows": offset, "columns": [c.name for c in kept]}


def _map_value(result: ScanResult, c: ColumnState, value: str, mapping: dict, today) -> str:
    if c.profile.kind == "POSTCODE":
        if value in result.postcode_small.get(c.index, ()):
            out = ""
        else:
            out = generalise("postcode", value, result.postcode_level, today)
    else:
        out = generalise("dob", value, 1, today)
    mapping[value] = out
    return out
