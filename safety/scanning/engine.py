"""Scan a dataset for personal data and write a redacted copy.

Pass 1 (``scan``) classifies each column from a sample of the first chunk, then streams every chunk
once to count matches, learn the file's own names, count postcodes and encode quasi-identifiers;
it keeps the free text (and, with ``prepare_redact``, the other columns the redaction needs) in an
anonymous scratch file. With a second core, a forked process parses the file while this one
counts the chunks already parsed. Once the whole file is read, the free text is scrubbed with all
the names the file holds, on up to two worker processes while the mosaic is worked out.
Pass 2 (``redact``) renders the output from the scratch file (chunks on up to two processes,
written in order) and applies the remedies decided in pass 1; without a scratch file it reads
the input again. Serial and parallel runs write the same bytes.

Excel safety: a cell starting with ``= + - @``, tab or CR is prefixed with a single quote unless it
is a plain number such as ``-5`` or ``+3.2e4`` (numbers cannot run as formulas). So analytic columns
holding negative numbers are unchanged while ``=HYPERLINK(...)`` or ``-2+3`` are neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import dataclasses
import datetime as dt
import gc
import hashlib
import hmac
import io
import itertools
import marshal
import multiprocessing as mp
import os
import re
import signal
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .detectors import (
    ACTION_BY_TYPE,
    WHOLE_CELL_TYPES,
    Profile,
    classify,
    count_matches,
    strictest_action,
)
from .errors import HouseholdsTableError, UnknownColumnError
from .freetext import TextScrubber
from .mosaic import PostcodeRule, QIColumn, generalise, group_sizes, k_summary, protect
from .names import NameIndex
from .patterns import PII_TYPES, is_postcode, mask, normalise_postcode
from .reader import Limits, Table, open_table
from .spill import Spill
from .workbook import scan_other_parts

AUTO_QI_KINDS = ("age", "dob", "sex", "ethnicity", "ward", "district", "postcode")
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
RISKY_START = re.compile(r"[=+\-@\t\r]")
# A number Excel reads as a number (ASCII digits only): safe to leave as it is.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


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
    # Keep the columns the redaction needs in a scratch file, so ``redact()`` does not parse the
    # input again. A scan that will not be followed by ``redact()`` can turn this off.
    prepare_redact: bool = True
    # With ``prepare_redact``: keep every column (those the suggested remedies drop, and the
    # quasi-identifiers), for a redaction with other remedies (``resume``).
    keep_every_column: bool = False
    # With ``prepare_redact``: the scratch file to use (``Spill(path=..., codec=...)``), for
    # example a named, encrypted one kept after the scan for ``resume``.
    spill: Spill | None = None
    # Processes for parsing beside counting, the free-text pass and the redaction: None means
    # one per core, at most 2. Output is identical whatever the number.
    workers: int | None = None
    # Called with the rows read so far after each chunk (the worker's progress bar).
    progress: Callable[[int], None] | None = None
    # Also scan a workbook's other sheets and its comments (``report["other_parts"]``).
    other_parts: bool = True
    # Generalisation levels a reviewer chose (quasi-identifier name -> level, as in a
    # k-anonymity option's ``level_numbers``); the others are searched for.
    generalisation: dict[str, int] | None = None


@dataclass
class ColumnState:
    index: int
    name: str
    profile: Profile
    matches: int = 0
    examples: list[str] = field(default_factory=list)
    type_counts: Counter = field(default_factory=Counter)
    action: str = "keep"
    verdicts: dict[str, bool] = field(default_factory=dict)  # distinct value -> matches its kind


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
    # Set when the scan kept what the redaction needs (``ScanOptions.prepare_redact``): the
    # scratch file, the rows of each chunk, and the columns stored in it.
    spill: Spill | None = None
    chunk_sizes: list[int] = field(default_factory=list)
    spilled: frozenset[int] = frozenset()
    # What postcodes in free text become (small cells removed, the others kept to the district).
    postcode_rule: PostcodeRule | None = None
    # Column index -> how often each raw postcode appears.
    postcode_counts: dict[int, Counter] = field(default_factory=dict)

    def close(self) -> None:
        """Delete the scratch file now (it is also deleted when the result is collected)."""
        if self.spill is not None:
            self.spill.close()
            self.spill = None


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
    """Pass 1: find personal data, small cells and k-anonymity. Raises ``DatasetError``.

    The file is parsed once. Structured columns are counted chunk by chunk; free text is kept in
    a scratch file and scrubbed once the whole file has been read, with every name the file's
    name columns hold (so ``matches`` counts the cells the redaction will change), on up to two
    processes. With ``prepare_redact`` the other columns the redaction needs are kept too.
    """
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
    text_columns: dict[int, bool] = {}  # free-text column -> look for names too
    spilled: set[int] = set()
    chunk_sizes: list[int] = []
    spill = (options.spill if options.prepare_redact else None) or Spill()
    chunks = _column_chunks(table, options.chunk_rows, options.workers)
    try:
        for size, cols in chunks:
            if not columns:
                columns = [
                    ColumnState(
                        i, name, classify(name, _sample(cols[i], options.sample_rows), names, today)
                    )
                    for i, name in enumerate(header)
                ]
                qi_columns = _choose_qi(columns, wanted_qi, households is None)
                qi_indices = {q.index for q in qi_columns}
                for c in columns:
                    if c.profile.kind == "free_text":
                        text_columns[c.index] = True
                    elif c.profile.kind == "mixed":
                        text_columns[c.index] = False
                    if c.profile.kind == "POSTCODE":
                        postcode_counts[c.index] = Counter()
                    if (
                        options.prepare_redact
                        and (options.keep_every_column or c.index not in qi_indices)
                        and c.index not in text_columns
                        and (
                            options.keep_every_column
                            or ACTION_BY_TYPE.get(c.profile.kind) != "drop"
                        )
                    ):
                        spilled.add(c.index)
            number = len(chunk_sizes)
            chunk_sizes.append(size)
            for c in columns:  # name columns first: every name is known before notes are read
                if c.profile.kind == "PERSON_NAME":
                    names.add_file_names(cols[c.index])
                elif c.profile.labels:
                    names.add_places(cols[c.index])
            for c in columns:
                values = cols[c.index]
                kind = c.profile.kind
                if c.index in text_columns:
                    spill.put(("raw", c.index, number), values)
                elif kind in PII_TYPES:
                    c.matches += count_matches(kind, values, c.verdicts)
                    for other in c.profile.pii_types:
                        if other != kind and other in WHOLE_CELL_TYPES:
                            c.matches += count_matches(other, values)
                    if len(c.examples) < 3:
                        c.examples += [mask(v) for v in _sample(values, 3 - len(c.examples))]
                if c.index in spilled:
                    spill.put(("col", c.index, number), values)
                if c.index in postcode_counts:
                    postcode_counts[c.index].update(values)
            for q in qi_columns:
                q.add(cols[q.index])
            del cols
            if options.progress is not None:
                options.progress(sum(chunk_sizes))
        rows = sum(chunk_sizes)
        if not columns:  # header only
            columns = [ColumnState(i, name, Profile("plain")) for i, name in enumerate(header)]
            qi_columns = _choose_qi(columns, wanted_qi, households is None)
        for q in qi_columns:
            q.finish()

        small_cells, postcode_small, postcode_note = _small_postcodes(
            columns, postcode_counts, households, threshold
        )
        postcode_rule = PostcodeRule(
            households if households is not None else _records_per_postcode(postcode_counts),
            threshold,
        )
        tasks = [(i, find, n) for n in range(len(chunk_sizes)) for i, find in text_columns.items()]
        job = _ScrubJob(spill, names, store=options.prepare_redact, today=today, rule=postcode_rule)
        with _parallel(job, options.workers, len(tasks)) as run_all:
            results = run_all(tasks)
            # The mosaic runs here while worker processes (if any) scrub the free text.
            qi_report, outputs, tables = _mosaic(
                qi_columns, postcode_small, threshold, today, options.generalisation
            )
            text_counts = _collect_scrubbed(job, tasks, results, columns)
        for c in columns:
            _decide_action(c, text_counts.get(c.index), households is not None, qi_columns)
        other_parts = scan_other_parts(path, table, options, names) if options.other_parts else {}
    except BaseException:
        spill.close()
        raise
    finally:
        chunks.close()
    if not options.prepare_redact:
        spill.close()
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
        "other_parts": other_parts,
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
        spill=spill if options.prepare_redact else None,
        chunk_sizes=chunk_sizes,
        spilled=frozenset(spilled),
        postcode_rule=postcode_rule,
        postcode_counts=postcode_counts,
    )


# ---------------------------------------------------------------------------------------------
# Keeping the scan for the redaction

PLAN_VERSION = 1


def _fingerprint(options: ScanOptions) -> list:
    """What a scan's results depend on besides the file itself."""
    households = None
    if options.households_path:
        with open(options.households_path, "rb") as fh:
            households = hashlib.file_digest(fh, "sha256").hexdigest()
    today = options.today or dt.date.today()
    return [PLAN_VERSION, today.isoformat(), options.min_cell_count, households, options.sheet,
            options.chunk_rows, options.sample_rows]  # fmt: skip


def keep_for_redaction(result: ScanResult) -> None:
    """Write what the redaction needs into the scan's scratch file and finish it, so that
    ``resume`` can carry on from it. The scan must have run with ``prepare_redact`` and
    ``keep_every_column``."""
    spill = result.spill
    spill.put(
        ("plan",),
        {
            "fingerprint": _fingerprint(result.options),
            "columns": [
                [
                    c.index,
                    c.name,
                    dataclasses.asdict(c.profile),
                    c.matches,
                    c.examples,
                    dict(c.type_counts),
                ]
                for c in result.columns
            ],  # fmt: skip
            "chunk_sizes": result.chunk_sizes,
            "spilled": sorted(result.spilled),
            "postcode_counts": {i: dict(n) for i, n in result.postcode_counts.items()},
            "source": result.report["source"],
        },
    )
    spill.finish()


def resume(spill: Spill, options: ScanOptions) -> ScanResult | None:
    """The scan's result again from a scratch file ``keep_for_redaction`` finished, with
    ``options``' quasi-identifiers and generalisation: the same as scanning the file again with
    those options (``prepare_redact``), without reading or scrubbing it again. None when the
    scan depended on something that has changed since (the households table, the threshold,
    the date): then scan again."""
    state = spill.get(("plan",))
    if state["fingerprint"] != _fingerprint(options):
        return None
    today = options.today or dt.date.today()
    threshold = options.min_cell_count
    households = load_households(options.households_path) if options.households_path else None
    columns = []
    for index, name, profile, matches, examples, type_counts in state["columns"]:
        columns.append(ColumnState(index, name, Profile(**profile), matches, examples))
        columns[-1].type_counts = Counter(type_counts)
    header = [c.name for c in columns]
    qi_columns = _choose_qi(
        columns, _resolve_qi_names(header, options.quasi_identifiers), households is None
    )
    spilled, sizes = frozenset(state["spilled"]), state["chunk_sizes"]
    for number in range(len(sizes)):
        for q in qi_columns:
            q.add(spill.get(("col" if q.index in spilled else "raw", q.index, number)))
    for q in qi_columns:
        q.finish()
    postcode_counts = {i: Counter(n) for i, n in state["postcode_counts"].items()}
    small_cells, postcode_small, postcode_note = _small_postcodes(
        columns, postcode_counts, households, threshold
    )
    qi_report, outputs, tables = _mosaic(
        qi_columns, postcode_small, threshold, today, options.generalisation
    )
    for c in columns:
        text = c.profile.kind in ("free_text", "mixed")
        _decide_action(c, c.type_counts if text else None, households is not None, qi_columns)
    report = {
        "rows": sum(sizes),
        "small_cells": small_cells,
        "k_anonymity": qi_report,
        "postcode_small_numbers": postcode_note,
        "min_cell_count": threshold,
        "source": state["source"],
    }
    return ScanResult(
        report=report,
        table=None,
        options=options,
        columns=columns,
        names=NameIndex(),
        qi_columns=qi_columns,
        qi_outputs=outputs,
        qi_tables=tables,
        postcode_small=postcode_small,
        postcode_level=0 if households is not None else 1,
        spill=spill,
        chunk_sizes=sizes,
        spilled=spilled,
    )


# ---------------------------------------------------------------------------------------------
# Free text and worker processes


class _ScrubJob:
    """Scrubs stored free-text chunks with the file's final names; runs in-process or forked.

    Each process keeps one ``TextScrubber`` per column, so its caches live across chunks. The
    result of a chunk does not depend on which process scrubbed it or in what order.
    """

    def __init__(
        self, spill: Spill, names: NameIndex, *, store: bool, today=None, rule=None
    ) -> None:
        self.spill, self.names, self.store = spill, names, store
        self.today, self.rule = today, rule
        self.scrubbers: dict[int, TextScrubber] = {}

    def run(self, task: tuple[int, bool, int]):
        index, find_names, number = task
        scrubber = self.scrubbers.get(index)
        if scrubber is None:
            scrubber = self.scrubbers[index] = TextScrubber(
                self.names, find_names=find_names, today=self.today, postcode=self.rule
            )
        values = self.spill.get(("raw", index, number))
        scrubber.counts.clear()
        scrubbed = scrubber.scrub(list(values))
        changed = [i for i, (a, b) in enumerate(zip(values, scrubbed, strict=True)) if a != b]
        examples = [_mask_scrubbed(scrubbed[i]) for i in changed[:3]]
        return len(changed), dict(scrubber.counts), examples, scrubbed if self.store else None


_JOB = None  # the job forked worker processes run (set just before the fork)


def _run_job(task):
    return _JOB.run(task)


def _start_worker(parent: int) -> None:
    """In each forked process: end on SIGTERM, which is how the pool stops its processes. The
    parent may handle it otherwise (a Celery worker starts a warm shutdown), and a process that
    inherited that handler would never end, leaving the parent waiting for it.

    Also end when the parent does (Linux): a worker killed outright would otherwise leave its
    forked processes waiting for ever, holding memory and the parent's database connections."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):  # no prctl: not Linux
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)  # the parent ended before the line above


_FORK_SAFE: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def fork_safe(thread: threading.Thread) -> threading.Thread:
    """Mark ``thread`` as one the engine may fork beside: it holds nothing a forked process
    could need (such as a thread that waits, then writes through its own database connection).
    A process forked while another thread holds a lock it needs would wait for ever."""
    _FORK_SAFE.add(thread)
    return thread


def _other_threads() -> bool:
    current = threading.current_thread()
    return any(t is not current and t not in _FORK_SAFE for t in threading.enumerate())


def worker_count(requested: int | None, tasks: int) -> int:
    """How many processes to use: 1 unless there are several tasks and forking is safe here."""
    if requested is not None and requested <= 1:
        return 1
    if tasks < 2 or "fork" not in mp.get_all_start_methods():
        return 1
    if mp.current_process().daemon or _other_threads():
        return 1  # e.g. inside a Celery prefork worker, or a threaded server: stay serial
    if requested is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        requested = min(2, cores or 1)
    return max(1, min(requested, tasks))


@contextmanager
def _parallel(job, requested: int | None, tasks: int):
    """Yield ``run_all(tasks)``: ``job.run`` over the tasks, results in task order.

    With more than one worker the tasks run in forked processes that inherit ``job`` (its
    scratch file, names and tables) so nothing large is copied to them; results are read back in
    order, so the output is the same as a serial run.
    """
    global _JOB
    workers = worker_count(requested, tasks)
    if workers == 1:
        yield lambda items: map(job.run, items)
        return
    _JOB = job
    try:
        context = mp.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            _JOB = None  # the workers hold their own copy
            yield lambda items: pool.imap(_run_job, items)
    finally:
        _JOB = None


def _column_chunks(table: Table, size: int, workers: int | None) -> Iterator[tuple[int, list]]:
    """Each chunk of the table as (rows, columns), in order.

    With a second core, a forked process parses the file while this one counts what it has
    already read: chunks come back over a pipe as ``marshal`` blobs (as the scratch file keeps
    them), at most a chunk or two ahead. If that process stops early (a bad row, an undecodable
    line, or it was killed), the rest is read here from the chunk it reached, so a bad file
    raises the same error, at the same line, as a serial read.
    """
    received = 0
    if worker_count(workers, 2) > 1:
        context = mp.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        parser = context.Process(
            target=_parse_into, args=(table, size, sender, os.getpid()), daemon=True
        )
        parser.start()
        sender.close()
        try:
            while data := receiver.recv_bytes():  # an empty message: the end of the file
                received += 1
                # Our own process's blobs, never outside input.
                yield marshal.loads(data)  # noqa: S302  # nosec B302
            return
        except EOFError:
            pass  # the parsing process stopped before the end: read the rest here
        finally:
            receiver.close()
            if parser.is_alive():
                parser.terminate()
            parser.join()
    for chunk in itertools.islice(table.chunks(size), received, None):
        yield len(chunk), list(zip(*chunk, strict=True))


def _parse_into(table: Table, size: int, sender, parent: int) -> None:
    """In the forked parsing process: send each chunk as columns, then an empty message."""
    _start_worker(parent)
    # Its rows hold no reference cycles: without the cycle collector, which the reader only
    # pauses while it parses a chunk, parsing takes a fifth less time again.
    gc.disable()
    try:
        for chunk in table.chunks(size):
            columns = list(zip(*chunk, strict=True))
            # Version 2 keeps no table of shared objects: several times faster to write here.
            sender.send_bytes(marshal.dumps((len(chunk), columns), 2))
        sender.send_bytes(b"")
    except BaseException:  # noqa: S110 - the parent reads the file again and raises the error
        pass
    finally:
        sender.close()


def _collect_scrubbed(job: _ScrubJob, tasks, results, columns) -> dict[int, Counter]:
    counts: dict[int, Counter] = {}
    for (index, _, number), (changed, kinds, examples, scrubbed) in zip(
        tasks, results, strict=True
    ):
        c = columns[index]
        c.matches += changed
        if len(c.examples) < 3:
            c.examples += examples[: 3 - len(c.examples)]
        counts.setdefault(index, Counter()).update(kinds)
        if scrubbed is not None:
            job.spill.put(("text", index, number), scrubbed)
    return counts


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


def _records_per_postcode(postcode_counts: dict[int, Counter]) -> dict[str, int]:
    """Records per normalised postcode over every postcode column."""
    sizes: Counter = Counter()
    for counts in postcode_counts.values():
        for raw, n in counts.items():
            if raw.strip() and is_postcode(raw):
                sizes[normalise_postcode(raw)] += n
    return sizes


def _mosaic(qi_columns, postcode_small, threshold, today, generalisation=None):
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
    chosen = generalisation or {}
    fixed = {i: int(chosen[q.name]) for i, q in enumerate(qi_columns) if q.name in chosen}
    outputs, tables, after = (
        protect(qi_columns, threshold, today, fixed) if qi_columns else ([], [], {})
    )
    options = after.pop("options", [])  # the best few, the chosen one first
    report = {
        "quasi_identifiers": [q.name for q in qi_columns],
        **summary,
        "after_remedies": after,
        "options": options,
    }
    return report, outputs, tables


def _decide_action(c: ColumnState, text_counts, has_table: bool, qi_columns) -> None:
    kind = c.profile.kind
    if text_counts is not None:
        c.type_counts = Counter({k: v for k, v in text_counts.items() if v})
        if kind == "mixed":
            c.profile.pii_types = sorted(c.type_counts, key=PII_TYPES.index) or c.profile.pii_types
        c.action = "scrub_text" if c.matches else "keep"
        return
    if len(c.profile.pii_types) > 1 and strictest_action(c.profile.pii_types) == "drop":
        c.action = "drop"  # e.g. phone numbers and emails in one contact column
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
            # hmac.digest is the one-shot C path; the first 10 bytes are the first 20 hex digits.
            found = (
                "px" + hmac.digest(key, stripped.encode("utf-8"), "sha256")[:10].hex()
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
        "'" + v if v and RISKY_START.match(v) and not PLAIN_NUMBER.fullmatch(v) else v
        for v in values
    ]


def redact(result: ScanResult, out, key: bytes) -> dict:
    """Pass 2: write the redacted CSV (UTF-8). Returns counts of what was changed.

    After a scan with ``prepare_redact`` the columns come from the scan's scratch file (the
    free text already scrubbed) and chunks are rendered on up to two processes, written in
    order; otherwise the input is read and scrubbed again. The bytes written are the same.
    ``out`` is a path, or a text file open for writing (``newline=""``), left open.
    """
    if not isinstance(out, (str, os.PathLike)):
        return _redact_to(result, out, key)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        return _redact_to(result, fh, key)


def _redact_to(result: ScanResult, fh, key: bytes) -> dict:
    job = _RedactJob(result, key)
    rows = 0
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(excel_safe([c.name for c in job.kept]))
    progress = result.options.progress or (lambda rows: None)
    if result.spill is not None:
        numbers = range(len(result.chunk_sizes))
        with _parallel(job, result.options.workers, len(numbers)) as run_all:
            for number, text in zip(numbers, run_all(numbers), strict=True):
                fh.write(text)
                rows += result.chunk_sizes[number]
                progress(rows)
    else:
        scrubbers: dict[int, TextScrubber] = {}
        for c in job.kept:
            if c.profile.kind in ("free_text", "mixed"):
                find = c.profile.kind == "free_text"
                scrubbers[c.index] = TextScrubber(
                    result.names,
                    find_names=find,
                    today=result.options.today,
                    postcode=result.postcode_rule,
                )
        for chunk in result.table.chunks(result.options.chunk_rows):
            cols = list(zip(*chunk, strict=True))

            def values_of(c: ColumnState, cols=cols):
                if c.index in scrubbers:
                    return scrubbers[c.index].scrub(list(cols[c.index]))
                return cols[c.index]

            fh.write(job.render(rows, len(chunk), values_of))
            rows += len(chunk)
            progress(rows)
    return {"rows": rows, "columns": [c.name for c in job.kept]}


class _RedactJob:
    """Renders one chunk of the redacted CSV; runs in-process or in forked workers."""

    def __init__(self, result: ScanResult, key: bytes) -> None:
        self.result = result
        self.today = result.options.today or dt.date.today()
        self.pseudonym = pseudonymiser(key)
        self.kept = [c for c in result.columns if c.action != "drop"]
        self.qi_by_index = {q.index: i for i, q in enumerate(result.qi_columns)}
        self.value_maps: dict[int, dict[str, str]] = {}
        self.offsets = [0]
        for n in result.chunk_sizes:
            self.offsets.append(self.offsets[-1] + n)

    def run(self, number: int) -> str:
        """CSV text of chunk ``number`` from the scratch file."""
        spill = self.result.spill

        def values_of(c: ColumnState):
            if c.index in self.result.spilled:
                return spill.get(("col", c.index, number))
            return spill.get(("text", c.index, number))

        return self.render(self.offsets[number], self.result.chunk_sizes[number], values_of)

    def render(self, offset: int, n: int, values_of) -> str:
        result = self.result
        out_cols = []
        for c in self.kept:
            if c.index in self.qi_by_index:
                i = self.qi_by_index[c.index]
                table = result.qi_tables[i]
                codes = result.qi_outputs[i][offset : offset + n]
                values = list(map(table.__getitem__, codes.tolist()))
            else:
                values = values_of(c)
                if c.profile.kind in ("free_text", "mixed"):
                    pass  # already scrubbed
                elif c.action == "pseudonymise":
                    values = list(map(self.pseudonym, values))
                elif c.profile.kind in ("POSTCODE", "DATE_OF_BIRTH"):
                    mapping = self.value_maps.setdefault(c.index, {})
                    today = self.today
                    values = [
                        mapping[v] if v in mapping else _map_value(result, c, v, mapping, today)
                        for v in values
                    ]
            out_cols.append(excel_safe(list(values)))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(zip(*out_cols, strict=True))
        return buffer.getvalue()


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
