"""``python -m benchmarks [--rows N]``: generate synthetic data, scan + redact it, print figures."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from safety.scanning.patterns import normalise_postcode

from . import independent
from .data import generate

THRESHOLD = 10
PERSONAL = ["full_name", "email", "phone", "nhs_number", "ni_number", "date_of_birth"]
ANALYTIC = ["service", "amount", "referral_date", "status"]
WORD = re.compile(r"[\w'’-]+")
NOT_ALNUM = re.compile(r"[\W_]")
NOT_DIGIT = re.compile(r"\D")


def compact(text: str) -> str:
    return NOT_ALNUM.sub("", text).upper()


def free_text_leaks(truth_values, note: str, small: set[str], counts: Counter) -> None:
    """Count each identifier typed into a note, and those still there in any spacing."""
    digits = compact_note = None
    for kind, value in truth_values:
        if kind == "POSTCODE":
            kind = "POSTCODE (small cell)" if value in small else "POSTCODE (full)"
        counts[kind, "total"] += 1
        if kind in ("PHONE", "NHS_NUMBER"):
            digits = NOT_DIGIT.sub("", note) if digits is None else digits
            left = value in digits
        elif kind == "EMAIL":
            left = value in note
        elif kind == "DATE_OF_BIRTH":
            left = independent.has_tokens(note, value)
        else:
            compact_note = compact(note) if compact_note is None else compact_note
            left = compact(value) in compact_note
        counts[kind, "left"] += left


def print_leaks(counts: Counter, label: str) -> None:
    kinds = sorted({kind for kind, _ in counts})
    cells = [
        f"{kind} {counts[kind, 'left']:,}/{counts[kind, 'total']:,}"
        f" ({100 * counts[kind, 'left'] / max(counts[kind, 'total'], 1):.3f}%)"
        for kind in kinds
    ]
    print(f"{label}: " + "; ".join(cells))


def _quality(src: str, out: str, truth: dict, report: dict) -> dict:
    small = {pc for pc, h in truth["households"].items() if h < THRESHOLD}
    qi = report["k_anonymity"]["quasi_identifiers"]
    structured_left = names_total = names_left = small_left = 0
    analytic_total = analytic_same = 0
    groups: Counter = Counter()
    leaks: Counter = Counter()
    with open(src, encoding="utf-8", newline="") as a, open(out, encoding="utf-8", newline="") as b:
        ra, rb = csv.DictReader(a), csv.DictReader(b)
        qi_out = [c for c in qi if c in rb.fieldnames]
        for i, (row_in, row_out) in enumerate(zip(ra, rb, strict=True)):
            joined = "\x00".join(row_out.values())
            for col in PERSONAL:
                if row_in[col] and row_in[col] in joined:
                    structured_left += 1
            free_text_leaks(truth["note_values"][i], row_out["notes"], small, leaks)
            note_words = set(WORD.findall(row_out["notes"]))
            for name in truth["note_names"][i]:
                names_total += 1
                names_left += name in note_words
            pc = row_out.get("postcode", "")
            if pc and len(pc) > 4 and normalise_postcode(pc) in small:
                small_left += 1
            for col in ANALYTIC:
                analytic_total += 1
                analytic_same += row_in[col] == row_out[col]
            groups[tuple(row_out[c] for c in qi_out)] += 1
    below = sum(n for key, n in groups.items() if n < THRESHOLD and any(key))
    return {
        "structured_personal_values_left": structured_left,
        "identifiers_in_free_text_left": sum(n for (k, w), n in leaks.items() if w == "left"),
        "names_in_free_text_left_pct": round(100 * names_left / max(names_total, 1), 2),
        "postcodes_under_threshold_left": small_left,
        "records_in_qi_groups_below_n_not_suppressed": below,
        "analytic_cells_unchanged_pct": round(100 * analytic_same / max(analytic_total, 1), 3),
        "_leaks": leaks,
    }


def _tree_memory_kb(root: int) -> int:
    """Memory of ``root`` and its descendants: summed PSS (shared pages split between the
    processes sharing them; Linux /proc), so forked workers are not counted twice."""
    total, pids = 0, [root]
    while pids:
        pid = pids.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    pids.extend(int(p) for p in fh.read().split())
        except OSError:
            continue
    return total


def _run_sampled(command: list[str]) -> tuple[str, str, int, float]:
    """Run the engine in a child process, sampling its process tree's memory every 0.2 s."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)  # noqa: S603
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_memory_kb(child.pid))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), child.returncode, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", default=None)
    parser.add_argument(
        "--workers", type=int, default=None, help="Engine worker processes (default: automatic)."
    )
    parser.add_argument(
        "--independent-rows",
        type=int,
        default=100_000,
        help="Rows of the independent generator's file measured afterwards (0: skip).",
    )
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ci-bench-"))
    src, out, households = workdir / "in.csv", workdir / "out.csv", workdir / "households.csv"
    t = time.perf_counter()
    truth = generate(str(src), args.rows)
    with open(households, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["postcode", "households"])
        writer.writerows(truth["households"].items())
    print(
        f"generated {args.rows:,} rows x 17 columns ({src.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - t:.1f} s"
    )
    command = [sys.executable, "-m", "benchmarks.engine_run", str(src), str(out), str(households)]
    if args.workers is not None:
        command.append(str(args.workers))
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    stdout, stderr, returncode, tree_peak_mb = _run_sampled(command)
    if returncode:
        print(stderr)
        sys.exit(1)
    figures = json.loads(stdout)
    print(
        f"scan {figures['scan_s']:.1f} s + redact {figures['redact_s']:.1f} s = "
        f"{figures['total_s']:.1f} s (target <= 60 s)"
    )
    print(
        f"throughput {args.rows / figures['total_s']:,.0f} rows/s; "
        f"peak RSS {figures['peak_rss_mb']:.0f} MB (target <= 1024 MB); "
        f"with its worker processes {tree_peak_mb:.0f} MB (peak summed PSS of the process tree)"
    )
    print(
        f"CPU {figures['cpu_s']:.1f} s; load average before the run "
        + (" ".join(f"{x:.2f}" for x in load) if load else "unknown")
    )
    quality = _quality(str(src), str(out), truth, figures["report"])
    leaks = quality.pop("_leaks")
    for key, value in quality.items():
        print(f"{key}: {value}")
    print_leaks(leaks, "free-text identifiers left, per type (left/typed into notes)")
    k = figures["report"]["k_anonymity"]
    after = k["after_remedies"]
    print(
        f"quasi-identifiers {k['quasi_identifiers']}: input k={k['k']}, "
        f"{k['records_below_threshold']:,} records below {THRESHOLD}; after remedies "
        f"k={after['k']}, information loss {after['information_loss']:.1%} "
        f"({after['lattice_nodes_evaluated']} lattice nodes evaluated)"
    )
    for number, option in enumerate(k["options"], start=1):
        print(
            f"  option {number}: {json.dumps(option['levels'])}; k={option['k']}, "
            f"information loss {option['information_loss']:.1%}, "
            f"{option['suppressed_cells']:,} cells suppressed"
        )
    if args.independent_rows:
        print()
        independent.run(args.independent_rows)


if __name__ == "__main__":
    main()
