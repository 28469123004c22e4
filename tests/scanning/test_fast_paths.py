"""The speed work must not change results: parallel = serial, scratch file = re-reading the input,
and each vectorised shortcut agrees with the plain per-cell (or whole-text) version."""

import csv
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.data import generate
from safety.scanning import ScanOptions, redact, scan
from safety.scanning.detectors import VALIDATORS, count_matches
from safety.scanning.engine import fork_safe, worker_count
from safety.scanning.errors import RaggedRowError, UnbalancedQuoteError
from safety.scanning.freetext import TextScrubber
from safety.scanning.mosaic import QIColumn, group_sizes
from safety.scanning.names import HARD_STOP, TITLES, NameIndex
from safety.scanning.patterns import EMAIL, EMAIL_IN, INWARD, OUTWARD
from safety.scanning.spill import Spill

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The benchmark's own generator, small: several chunks of 400 rows with every kind of data."""
    folder = tmp_path_factory.mktemp("synthetic")
    src = folder / "in.csv"
    truth = generate(str(src), 2_300)
    households = folder / "households.csv"
    with open(households, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["postcode", "households"])
        writer.writerows(truth["households"].items())
    return src, households


def _run(src, households, out, **options):
    result = scan(
        str(src),
        ScanOptions(households_path=str(households), chunk_rows=400, today=TODAY, **options),
    )
    try:
        redact(result, str(out), b"test-key")
    finally:
        result.close()
    return result.report, out.read_bytes()


def test_parallel_scratch_file_and_rereading_give_identical_output(synthetic, tmp_path):
    src, households = synthetic
    serial = _run(src, households, tmp_path / "serial.csv", workers=1)
    parallel = _run(src, households, tmp_path / "parallel.csv", workers=2)
    reread = _run(src, households, tmp_path / "reread.csv", workers=1, prepare_redact=False)
    assert serial[0] == parallel[0] == reread[0]
    assert serial[1] == parallel[1] == reread[1]
    by_name = {c["name"]: c for c in serial[0]["columns"]}
    assert by_name["notes"]["action"] == "scrub_text" and by_name["notes"]["matches"] > 0
    assert b"[NAME]" in serial[1] and serial[0]["rows"] == 2_300


@pytest.mark.parametrize(
    ("bad_line", "error", "message"),
    [
        ("1500,b\n", RaggedRowError, "Row 1501 has 2 values"),
        ('1500,"b,c,d\n', UnbalancedQuoteError, "line 1501"),
    ],
)
def test_a_bad_row_after_the_first_chunks_is_reported_alike_by_the_parsing_process(
    tmp_path, bad_line, error, message
):
    # The parsing process stops at the bad chunk; the scan reads on from there and raises.
    src = tmp_path / "bad.csv"
    lines = ["id,name,notes\n"] + [f"{i},Ann Lee,fine\n" for i in range(3_000)]
    lines[1500] = bad_line
    src.write_text("".join(lines), encoding="utf-8")
    for workers in (1, 2):
        with pytest.raises(error, match=message):
            scan(str(src), ScanOptions(chunk_rows=400, workers=workers))


def test_the_parallel_path_is_really_taken_here():
    # Otherwise the test above would compare two serial runs.
    assert worker_count(2, tasks=6) == 2
    assert worker_count(None, tasks=1) == 1
    assert worker_count(1, tasks=6) == 1


@pytest.mark.parametrize(("marked", "expected"), [(False, 1), (True, 2)])
def test_another_thread_keeps_the_engine_serial_unless_marked_fork_safe(marked, expected):
    # A lease's keeper thread is marked: the dataset worker's scan still uses both cores.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    if marked:
        fork_safe(thread)
    thread.start()
    try:
        assert worker_count(2, tasks=6) == expected
    finally:
        stop.set()
        thread.join()


IGNORING_SIGTERM = """
import signal, sys
from safety.scanning.engine import _parallel

class Job:
    def run(self, n):
        return n * n

signal.signal(signal.SIGTERM, lambda *_: None)  # as a Celery worker does (warm shutdown)
with _parallel(Job(), 2, 4) as run_all:
    print(list(run_all(range(4))))
"""


def test_forked_processes_end_when_the_parent_handles_sigterm_itself():
    # The pool stops its processes with SIGTERM; inheriting a handler that ignores it, they
    # never ended and the scan waited for ever inside a Celery worker.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", IGNORING_SIGTERM],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[0, 1, 4, 9]"


SLOW_JOBS = """
import multiprocessing as mp, os, sys, time
from safety.scanning.engine import _parallel

class Job:
    def run(self, n):
        # One write each: print() writes the number and the newline separately when stdout is
        # unbuffered (PYTHONUNBUFFERED), and the two processes' writes could interleave.
        os.write(1, f"{os.getpid()}\\n".encode())
        time.sleep(600)

with _parallel(Job(), 2, 2) as run_all:
    list(run_all(range(2)))
"""


def test_forked_processes_end_when_the_parent_is_killed():
    # A dataset worker killed outright (out of memory, say) must not leave its processes behind,
    # holding memory and its database connections for ever.
    parent = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SLOW_JOBS], stdout=subprocess.PIPE, text=True
    )
    children = [int(parent.stdout.readline()) for _ in range(2)]
    parent.kill()
    parent.wait()
    for pid in children:
        for _ in range(100):
            if not _running(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"process {pid} outlived its parent")


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_a_scan_without_redaction_keeps_no_scratch_file(synthetic):
    src, households = synthetic
    result = scan(str(src), ScanOptions(households_path=str(households), prepare_redact=False))
    assert result.spill is None


def test_spill_round_trip():
    spill = Spill()
    spill.put(("a", 1), ("x", "", "é\x00z"))
    spill.put("b", ["y"] * 3)
    assert spill.get(("a", 1)) == ("x", "", "é\x00z") and spill.get("b") == ["y"] * 3
    assert ("a", 1) in spill and "c" not in spill
    spill.close()


# -- shortcuts against their plain versions ----------------------------------------------------

email_text = st.text(alphabet="ab.+'-@ \x00é_1x\n", max_size=200)


@settings(max_examples=300, deadline=None)
@given(email_text)
def test_email_search_around_at_signs_equals_the_whole_text_regex(text):
    scrubber = TextScrubber(NameIndex())
    expected = EMAIL_IN.sub("[EMAIL]", text)
    assert scrubber._emails(text) == expected
    assert scrubber.counts["EMAIL"] == len(EMAIL_IN.findall(text))


def test_email_search_with_a_long_run_before_the_at_sign():
    text = "x " + "a" * 5_000 + "@example.com y"
    assert TextScrubber(NameIndex())._emails(text) == "x [EMAIL] y"


OLD_COUNT_RE = {  # the first versions, with a leading \s* that may cross blank lines
    "EMAIL": re.compile(rf"(?m)^\s*{EMAIL}\s*$"),
    "POSTCODE": re.compile(rf"(?mi)^\s*{OUTWARD}\s*{INWARD}\s*$"),
    "NHS_NUMBER": re.compile(r"(?m)^\s*(\d{3})[ -]?(\d{3})[ -]?(\d{4})\s*$"),
}
cells = {
    "EMAIL": st.sampled_from(["a@b.com", " a@b.co.uk ", "", "  ", "\t", "x", "a@b", "\xa0"]),
    "POSTCODE": st.sampled_from(["NW5 1TL", "nw51tl", " EC1A 1BB ", "", " ", "NW5", "1TL"]),
    "NHS_NUMBER": st.sampled_from(
        ["943 476 5919", "9434765919", "943-476-5919", "943 476 5918", "", " ", "\u2003"]
    ),
}


def _old_count(kind, values):
    found = OLD_COUNT_RE[kind].findall("\n".join(values))
    if kind == "NHS_NUMBER":
        return sum(VALIDATORS["NHS_NUMBER"]("".join(g)) for g in found)
    return len(found)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(cells)).flatmap(lambda k: st.tuples(st.just(k), st.lists(cells[k]))))
def test_counting_regexes_agree_with_the_first_versions(case):
    kind, values = case
    assert count_matches(kind, values) == _old_count(kind, values)


ni_cells = ["JG 12 34 56 A", "JG123456", "", " ", "JG", "123456A", "QQ", "jg.12.34.56.a"]
ni_cells += [
    "JG-123456-A",
    "SR-100000",
    "sr-100000-b",
    "JG 12-34.56",
    "JG..123456",
    "J G123456",
    "\xa0",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ni_cells)))
def test_counting_ni_numbers_agrees_with_checking_every_cell(values):
    # The first version's \s* ran across cells ("JG" above "123456A"); this one never does.
    assert count_matches("NI_NUMBER", values) == sum(map(VALIDATORS["NI_NUMBER"], values))


@given(st.lists(st.sampled_from(["01/02/1980", "31/02/1980", "", " ", "1980-02-01", "x"])))
def test_counting_with_a_verdict_cache_equals_checking_every_cell(values):
    cache: dict[str, bool] = {}
    expected = sum(1 for v in values if v and VALIDATORS["DATE_OF_BIRTH"](v))
    assert count_matches("DATE_OF_BIRTH", values, cache) == expected
    assert count_matches("DATE_OF_BIRTH", values, cache) == expected  # cached answers
    blanks = sum(1 for v in values if v and not v.isspace())
    assert count_matches("SYSTEM_ID", values) == blanks


@given(st.lists(st.text(alphabet="Ab ,.'’\t", max_size=12), max_size=30))
def test_learning_names_from_joined_values_equals_value_by_value(values):
    expected = set()
    for value in values:
        for token in value.replace(",", " ").split():
            low = token.strip(".'’").lower()
            if len(low) > 1 and low not in HARD_STOP and low not in TITLES:
                expected.add(low)
    names = NameIndex()
    names.add_file_names(values)
    assert names.file_names == expected


@given(st.lists(st.lists(st.sampled_from("abcde"), max_size=20), max_size=4))
def test_quasi_identifier_codes_follow_first_appearance(chunks):
    column = QIColumn(0, "q", None)
    for chunk in chunks:
        column.add(tuple(chunk))
    column.finish()
    seen: dict[str, int] = {}
    expected = [seen.setdefault(v, len(seen)) for chunk in chunks for v in chunk]
    assert column.codes.tolist() == expected and column.values == list(seen)


@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.integers(1, 3))
def test_group_sizes_by_counting_equals_by_sorting(codes, columns):
    rng = np.random.default_rng(len(codes))
    arrays = [np.array(codes, dtype=np.int32)] + [
        rng.integers(0, 4, size=len(codes)).astype(np.int32) for _ in range(columns - 1)
    ]
    stacked = np.stack(arrays, axis=1)
    _, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    assert group_sizes(arrays).tolist() == counts[inverse.ravel()].tolist()
