"""``python -m benchmarks.compare [--rows N]``: our engine and Microsoft Presidio side by side
on the same synthetic file, with the same measures, and the ratio of each.

Presidio is an optional extra (`make bench-compare` installs it in its own virtualenv). Its
cell-by-cell NLP is slow, so the default file is small; rows per second extrapolate.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

from . import __main__ as bench
from .data import generate


def _run(command: list[str]) -> dict:
    stdout, stderr, returncode, tree_peak_mb = bench._run_sampled(command)
    if returncode:
        print(stderr)
        sys.exit(1)
    figures = json.loads(stdout)
    # A run shorter than the sampling interval is seen only by its own peak RSS.
    figures["tree_peak_mb"] = max(tree_peak_mb, figures["peak_rss_mb"])
    return figures


def _ratio(ours: float, theirs: float) -> str:
    if not ours:
        return "–"
    return f"{theirs / ours:.3g}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    if importlib.util.find_spec("presidio_analyzer") is None:
        print(
            "Presidio is not installed in this environment. Run `make bench-compare`, which "
            "installs the optional [compare] extra in .venv-compare and runs this there."
        )
        sys.exit(2)
    workdir = Path(tempfile.mkdtemp(prefix="ci-compare-"))
    src, households = workdir / "in.csv", workdir / "households.csv"
    truth = generate(str(src), args.rows)
    with open(households, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["postcode", "households"])
        writer.writerows(truth["households"].items())
    print(f"{args.rows:,} synthetic rows x 17 columns, the file `make bench` uses")

    ours_out, theirs_out = workdir / "ours.csv", workdir / "presidio.csv"
    t = time.perf_counter()
    ours = _run(
        [sys.executable, "-m", "benchmarks.engine_run", str(src), str(ours_out), str(households)]
    )
    theirs = _run([sys.executable, "-m", "benchmarks.presidio_run", str(src), str(theirs_out)])
    print(f"Presidio: {theirs['model']}; both runs took {time.perf_counter() - t:.0f} s")

    report = ours["report"]  # the same quasi-identifiers judge both outputs
    ours_q = bench._quality(str(src), str(ours_out), truth, report)
    theirs_q = bench._quality(str(src), str(theirs_out), truth, report)
    leaks = {"ours": ours_q.pop("_leaks"), "presidio": theirs_q.pop("_leaks")}
    rows = [
        ("seconds", ours["total_s"], theirs["total_s"]),
        ("rows per second", args.rows / ours["total_s"], args.rows / theirs["total_s"]),
        ("peak memory, MB (process tree)", ours["tree_peak_mb"], theirs["tree_peak_mb"]),
        *((name, ours_q[name], theirs_q[name]) for name in ours_q),
    ]
    print(f"\n{'measure':<46} {'ours':>12} {'presidio':>12} {'presidio/ours':>14}")
    for name, a, b in rows:
        print(f"{name:<46} {a:>12,.2f} {b:>12,.2f} {_ratio(a, b):>14}")
    for who, counts in leaks.items():
        bench.print_leaks(counts, f"free-text identifiers left, {who}")
    hours = 1_000_000 / (args.rows / theirs["total_s"]) / 3600
    print(f"\nAt this rate Presidio would take {hours:.1f} hours for 1,000,000 rows.")


if __name__ == "__main__":
    main()
