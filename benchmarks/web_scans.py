"""The last phase of ``make bench-web``: the signed-in pages while ten large scans run.

Issue 14: ten 1,000,000-row scans queued at once must not raise the signed-in mix's 95th
percentile by more than 20%, and every one must complete. One export is generated
(``benchmarks.data``) and uploaded ten times through the upload service, one byte changed each
time so the duplicate check takes each for a new file; every upload queues its scan in Redis. The
signed-in mix is measured (the baseline), then one datasets worker is started as
docker-compose.yml starts it (``nice -n 10``, the solo pool), finds all ten waiting and scans them
one after another; the mix is measured again while it scans, then the phase waits for all ten.

gunicorn keeps running without a broker (the pages measured queue nothing); this process and the
worker use ``--broker`` on a queue of the run's own, removed at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .worker import (
    GENERATE,
    ROOT,
    _forget_queue,
    _households,
    compose_worker_command,
    shown_command,
)

P95_RISE = 0.20  # the limit on the signed-in mix's 95th percentile while scans run
SCAN_SECONDS_EACH = 20 * 60  # gives up when the scans take longer than this each, on average


def broker_environment(broker_url: str, queue: str) -> dict[str, str]:
    """Settings for this process and the datasets worker (not for gunicorn)."""
    return {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATASETS_QUEUE": queue,
    }


@dataclass
class Scan:
    dataset_id: int
    filename: str
    started: float | None = None  # monotonic seconds, when first seen scanning
    finished: float | None = None  # when first seen scanned or failed
    status: str = "uploaded"
    error: str = ""


@dataclass
class Outcome:
    before_p95: float
    during_p95: float
    during_errors: int
    load_during: tuple[float, ...]
    rows: int
    size_mb: float
    niceness: int | None
    worker_started: float
    overlapped: bool  # still scanning when the measurement ended
    scans: list[Scan] = field(default_factory=list)

    @property
    def rise(self) -> float:
        return self.during_p95 / self.before_p95 - 1

    @property
    def all_scanned(self) -> bool:
        return all(scan.status == "scanned" for scan in self.scans)

    def verdicts(self) -> list[str]:
        met = self.rise <= P95_RISE and not self.during_errors
        scanned = sum(scan.status == "scanned" for scan in self.scans)
        return [
            f"{'met' if met else 'MISSED'}: signed-in mix while {len(self.scans)} scans of "
            f"{self.rows:,} rows ran: p95 {self.during_p95:.0f} ms against {self.before_p95:.0f} "
            f"ms before, {self.rise:+.0%} (target at most +{P95_RISE:.0%}), "
            f"{self.during_errors} errors"
            + ("" if self.overlapped else " (the scans ended first: measure with more rows)"),
            f"{'met' if self.all_scanned else 'MISSED'}: {scanned} of {len(self.scans)} scans "
            "completed",
        ]

    def table(self) -> str:
        rows = [
            "| export | status | waited s | scan s | queued to done s |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for scan in self.scans:
            waited = _seconds(self.worker_started, scan.started)
            took = _seconds(scan.started, scan.finished)
            total = _seconds(self.worker_started, scan.finished)
            rows.append(f"| {scan.filename} | {scan.status} | {waited} | {took} | {total} |")
        return "\n".join(rows)


def _seconds(start: float | None, end: float | None) -> str:
    return "" if start is None or end is None else f"{end - start:.0f}"


def _vary(path: Path, offset: int, n: int) -> None:
    """Make the n-th export: one digit of the first case id (CASE-0000000 becomes CASE-n000000)."""
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(str(n % 10).encode())


def _upload_all(seeded, src: Path, count: int) -> list[Scan]:
    from safety import services  # noqa: PLC0415
    from safety.models import Dataset  # noqa: PLC0415
    from scoping.models import DataSource, Idea  # noqa: PLC0415

    with src.open("rb") as fh:
        first_id = len(fh.readline()) + len(b"CASE-")
    idea = Idea.objects.create(programme=seeded.programme, title="Who stops visiting, by ward?")
    owner = seeded.partner.organisation
    scans = []
    for n in range(count):
        _vary(src, first_id, n)
        source = DataSource.objects.create(
            idea=idea, name=f"Case records {n + 1}", kind=DataSource.Kind.INFORMAL_TOOL, owner=owner
        )
        filename = f"export-{n + 1}.csv"
        dataset = services.dataset_upload(
            data_source=source, user=seeded.partner, path=str(src), filename=filename
        )
        if dataset.status != Dataset.Status.UPLOADED:
            raise SystemExit(f"{filename} was not queued: {dataset.status} {dataset.error_message}")
        scans.append(Scan(dataset.pk, filename))
    return scans


class Watcher(threading.Thread):
    """Notes when each dataset starts scanning and finishes, polling every 0.2 s."""

    def __init__(self, scans: list[Scan]) -> None:
        super().__init__(daemon=True)
        self.scans = {scan.dataset_id: scan for scan in scans}
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection  # noqa: PLC0415

        from safety.models import Dataset  # noqa: PLC0415

        try:
            while not self.stopping.wait(0.2):
                rows = Dataset.objects.filter(pk__in=self.scans).values_list(
                    "pk", "status", "error_message"
                )
                now = time.monotonic()
                for pk, status, error in rows:
                    scan = self.scans[pk]
                    scan.status, scan.error = status, error
                    if status != "uploaded" and scan.started is None:
                        scan.started = now
                    if status in ("scanned", "failed") and scan.finished is None:
                        scan.finished = now
        finally:
            connection.close()

    def scanning(self) -> bool:
        return any(scan.status == "scanning" for scan in self.scans.values())

    def done(self) -> bool:
        return all(scan.finished is not None for scan in self.scans.values())


def _weigh_session(pid: int) -> None:
    """Give the worker's session the weight its niceness gives it among processes.

    With autogroup (most Linux kernels), each session shares the CPU with the others as a
    container does, whatever its processes' niceness: gunicorn's session would get no more than
    the worker's. Compose weighs containers (cpu_shares); this weighs the worker's session alike.
    """
    enabled = Path("/proc/sys/kernel/sched_autogroup_enabled")
    if not enabled.exists() or enabled.read_text().strip() != "1":
        return
    niceness = None
    deadline = time.monotonic() + 10
    while niceness in (None, 0) and time.monotonic() < deadline:  # `nice` has not run yet
        time.sleep(0.05)
        niceness = _niceness(pid)
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))
        print(f"The worker's session (autogroup) runs at niceness {niceness} too", flush=True)
    except (OSError, TypeError) as error:
        print(f"The worker's session keeps its weight ({error}): the pages may lose", flush=True)


def _niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def _wait(condition: Callable[[], bool], what: str, worker, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.poll() is not None or time.monotonic() > deadline:
            print(log.read_text(errors="replace")[-3000:])
            raise SystemExit(f"Gave up waiting for {what}")
        time.sleep(0.2)


def run(
    args, seeded, environment: dict[str, str], tmp: Path, measure: Callable[[str], object]
) -> Outcome:
    """The phase. `measure(name)` runs the signed-in mix under wrk and returns its Result."""
    src, households = tmp / "export.csv", tmp / "households.csv"
    started = time.perf_counter()
    generate = [sys.executable, "-c", GENERATE, src, str(args.scan_rows), households]
    subprocess.run(generate, check=True, cwd=ROOT)  # noqa: S603
    size_mb = src.stat().st_size / 1e6
    print(
        f"Generated {args.scan_rows:,} rows ({size_mb:.0f} MB) in "
        f"{time.perf_counter() - started:.0f} s; households table: {_households(households):,} "
        "postcodes",
        flush=True,
    )
    started = time.perf_counter()
    try:
        scans = _upload_all(seeded, src, args.scans)
    finally:
        src.unlink(missing_ok=True)
        households.unlink(missing_ok=True)
    print(f"Uploaded {args.scans} exports in {time.perf_counter() - started:.0f} s", flush=True)

    before = measure("signed-in mix, before the scans")
    name, command = compose_worker_command(environment["DATASETS_QUEUE"])
    print(f"Worker (docker-compose.yml service {name!r}): {shown_command(command)}", flush=True)
    log = tmp / "datasets-worker.log"
    watcher = Watcher(scans)
    with log.open("wb") as out:
        worker = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    _weigh_session(worker.pid)
    try:
        worker_started = time.monotonic()
        watcher.start()
        _wait(watcher.scanning, "the first scan to start", worker, log, 300)
        niceness = _niceness(worker.pid)
        during = measure(f"signed-in mix, while {args.scans} scans run")
        load_during = os.getloadavg()
        overlapped = not watcher.done()
        _wait(watcher.done, "the scans", worker, log, SCAN_SECONDS_EACH * args.scans)
    finally:
        watcher.stopping.set()
        _stop(worker)
        _forget_queue(environment["CELERY_BROKER_URL"], environment["DATASETS_QUEUE"])
    watcher.join()
    return Outcome(
        before_p95=before.p95,
        during_p95=during.p95,
        during_errors=during.errors,
        load_during=load_during,
        rows=args.scan_rows,
        size_mb=size_mb,
        niceness=niceness,
        worker_started=worker_started,
        overlapped=overlapped,
        scans=scans,
    )


def _stop(worker: subprocess.Popen) -> None:
    """A warm shutdown (it finishes a running scan first, so kill it after a while)."""
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
