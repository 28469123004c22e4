"""``python -m benchmarks.worker [--rows N]``: one large export through the product, as users wait.

``python -m benchmarks`` times the engine on the command line. This times what a user waits for:
the same generated export (``benchmarks.data``) uploaded with the upload service (hash, check,
encrypt, store), scanned by a real Celery worker started as docker-compose.yml starts the one that
takes dataset tasks, then redacted once the suggested remedies are confirmed. It runs on a new
PostgreSQL database (made beside the one ``BENCH_DATABASE_URL`` names, dropped at the end) and
Redis (``BENCH_BROKER_URL``, default database 14, on a queue of its own), with ``DEBUG`` off.

It prints the three times, the load average before the run (the machine may be shared), and each
process's peak memory per phase: this process during the upload (it does what the web process
does), the worker's main process and its largest child (the engine's forked processes, or the
prefork pool's). Peaks are the kernel's high-water marks (``VmHWM`` in /proc, reset at the start
of each phase), sampled every 0.1 s, so a child living less than that may be missed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from .web import ROOT, _create_database, _drop_database

COMPOSE = ROOT / "docker-compose.yml"
TARGET_SECONDS = 30
TARGET_MB = 1024
GENERATE = (
    "import csv, sys\n"
    "from benchmarks.data import generate\n"
    "truth = generate(sys.argv[1], int(sys.argv[2]))\n"
    "with open(sys.argv[3], 'w', newline='') as fh:\n"
    "    csv.writer(fh).writerows(truth['households'].items())\n"
)


def compose_worker_command(queue: str) -> tuple[str, list[str]]:
    """The docker-compose.yml service that takes dataset tasks, and its command on ``queue``."""
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    chosen = "worker"
    for name, service in services.items():
        command = service.get("command") or []
        if "worker" in command and any(re.match(r"--queues=.*\bdatasets\b", a) for a in command):
            chosen = name
    command = []
    for part in services[chosen]["command"]:
        part = re.sub(  # ${NAME:-default}, as Compose reads it
            r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1], m[2]), part
        )
        if part.startswith("--queues="):
            part = f"--queues={queue}"
        command.append(part)
    if not any(p.startswith("--queues=") for p in command):
        command.append(f"--queues={queue}")
    if "celery" in command:  # perhaps after `nice -n 10`
        at = command.index("celery")
        command[at : at + 1] = [sys.executable, "-m", "celery"]
    command.append(f"--hostname={queue}@{socket.gethostname()}")
    command += ["--without-gossip", "--without-mingle"]
    return chosen, command


def shown_command(command: list[str]) -> str:
    """The command as docker-compose.yml writes it (`celery`, not this interpreter)."""
    return shlex.join(command).replace(f"{shlex.quote(sys.executable)} -m celery", "celery")


def _environment(database_url: str, broker_url: str, queue: str, tmp: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet  # noqa: PLC0415

    return os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATASETS_QUEUE": queue,
        "PRIVATE_STORAGE_ROOT": str(tmp / "private"),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


# --- Memory -----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children it has waited for (user and system)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Peaks(threading.Thread):
    """Samples the peak memory of this process and the worker's process tree, phase by phase."""

    def __init__(self, worker_pid: int) -> None:
        super().__init__(daemon=True)
        self.worker_pid = worker_pid
        self.phase = "idle"
        self.peaks: dict[str, dict[str, int]] = {}
        self.children_seen: dict[str, set[int]] = {}
        self.stopping = threading.Event()

    def start_phase(self, phase: str) -> None:
        for pid in [os.getpid(), self.worker_pid, *_children(self.worker_pid)]:
            # "5" resets the high-water mark (Linux 4.0+); our own processes only.
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        self.peaks[phase] = {"this process": 0, "worker": 0, "worker child": 0}
        self.children_seen[phase] = set()
        self.phase = phase

    def run(self) -> None:
        while not self.stopping.wait(0.1):
            phase = self.peaks.get(self.phase)
            if phase is None:
                continue
            children, stack = [], _children(self.worker_pid)
            while stack:
                pid = stack.pop()
                children.append(pid)
                stack += _children(pid)
            self.children_seen[self.phase].update(children)
            for role, pids in (
                ("this process", [os.getpid()]),
                ("worker", [self.worker_pid]),
                ("worker child", children),
            ):
                for pid in pids:
                    phase[role] = max(phase[role], _status_kb(pid, "VmHWM"))


# --- The run ----------------------------------------------------------------------------------


def _wait(condition, what: str, worker: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.poll() is not None or time.monotonic() > deadline:
            print(log.read_text(errors="replace")[-3000:])
            raise SystemExit(f"Gave up waiting for {what}")
        time.sleep(0.05)


def _owner():
    """A programme, an idea with a data source and the organisation's uploader."""
    from scoping.models import DataSource, Idea  # noqa: PLC0415
    from teams.models import Organisation, Programme, User  # noqa: PLC0415

    council = Organisation.objects.create(name="Bench Council", verified=True)
    programme = Programme.objects.create(name="Bench", slug="bench", place="Bench")
    idea = Idea.objects.create(programme=programme, title="Who stops visiting?")
    source = DataSource.objects.create(
        idea=idea, name="Case records", kind=DataSource.Kind.INFORMAL_TOOL, owner=council
    )
    user = User.objects.create_user(
        email="uploader@bench.example", display_name="Uploader", organisation=council
    )
    return source, user


def _households(path: Path) -> int:
    import csv  # noqa: PLC0415

    from safety.models import PostcodeHouseholds  # noqa: PLC0415

    with path.open(newline="") as fh:
        rows = [PostcodeHouseholds(postcode=p, households=int(h)) for p, h in csv.reader(fh)]
    PostcodeHouseholds.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def run(args, tmp: Path, environment: dict[str, str], log: Path) -> None:
    src, households = tmp / "in.csv", tmp / "households.csv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", GENERATE, src, str(args.rows), households], check=True)  # noqa: S603
    size_mb = src.stat().st_size / 1e6
    seconds = time.perf_counter() - started
    print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {seconds:.1f} s")

    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cip.settings"
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from safety import services  # noqa: PLC0415
    from safety.models import Dataset  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    source, user = _owner()
    print(f"households table: {_households(households):,} postcodes")

    name, command = compose_worker_command(environment["DATASETS_QUEUE"])
    print(f"worker (docker-compose.yml service {name!r}): {shown_command(command)}")
    with log.open("wb") as out:
        worker = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    peaks = Peaks(worker.pid)
    try:
        _wait(lambda: b" ready." in log.read_bytes(), "the worker to start", worker, log, 120)
        peaks.start()
        load = os.getloadavg()

        def status() -> str:
            return Dataset.objects.values_list("status", flat=True).get(pk=dataset.pk)

        peaks.start_phase("upload")
        t0, cpu0 = time.perf_counter(), time.process_time()
        dataset = services.dataset_upload(
            data_source=source, user=user, path=str(src), filename="export.csv"
        )
        t1, cpu1 = time.perf_counter(), time.process_time()
        worker_cpu = [_cpu_seconds(worker.pid)]
        peaks.start_phase("scan")
        done = (Dataset.Status.SCANNED, Dataset.Status.FAILED)
        _wait(lambda: status() in done, "the scan", worker, log, 3600)
        t2 = time.perf_counter()
        worker_cpu.append(_cpu_seconds(worker.pid))
        dataset.refresh_from_db()
        if dataset.status == Dataset.Status.FAILED:
            raise SystemExit(f"The scan failed: {dataset.error_message}")
        peaks.start_phase("redaction")
        t3 = time.perf_counter()
        services.dataset_remedies_confirm(
            dataset=dataset, user=user, remedies={}, quasi_identifiers=dataset.quasi_identifiers
        )
        done = (Dataset.Status.REDACTED, Dataset.Status.FAILED)
        _wait(lambda: status() in done, "the redaction", worker, log, 3600)
        t4 = time.perf_counter()
        worker_cpu.append(_cpu_seconds(worker.pid))
        dataset.refresh_from_db()
        if dataset.status == Dataset.Status.FAILED:
            raise SystemExit(f"The redaction failed: {dataset.error_message}")
        peaks.stopping.set()
        peaks.join()
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    copy = dataset.redacted_copies.get()
    print(
        f"upload (hash, check, encrypt, store) {t1 - t0:.1f} s; scan {t2 - t1:.1f} s; "
        f"upload to scanned {t2 - t0:.1f} s (target <= {TARGET_SECONDS} s)"
    )
    print(
        f"confirmation to redacted {t4 - t3:.1f} s (target <= {TARGET_SECONDS} s); "
        f"{copy.rows:,} rows, {copy.size / 1e6:.0f} MB redacted"
    )
    scan_cpu, redaction_cpu = (b - a for a, b in itertools.pairwise(worker_cpu))
    print(
        f"CPU time (less affected by a busy machine): upload {cpu1 - cpu0:.1f} s (this "
        f"process); scan {scan_cpu:.1f} s and redaction {redaction_cpu:.1f} s (the worker and "
        "its forked processes)"
    )
    for phase, roles in peaks.peaks.items():
        if phase != "upload":
            roles.pop("this process")  # it only waits
        shown = ", ".join(f"{role} {kb / 1024:.0f} MB" for role, kb in roles.items())
        print(
            f"peak memory, {phase}: {shown} (worker processes seen: "
            f"{len(peaks.children_seen[phase])} children; target <= {TARGET_MB} MB each)"
        )
    busy = load[0] > (os.cpu_count() or 1) * 0.5
    print(
        f"load average before the run: {' '.join(f'{x:.2f}' for x in load)} on "
        f"{os.cpu_count()} CPUs" + ("; the machine was busy: figures provisional" if busy else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL; a new database is made beside the one it names",
    )
    parser.add_argument(
        "--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args()
    queue = f"bench-datasets-{os.getpid()}"
    database_url = _create_database(args.database)
    try:
        with tempfile.TemporaryDirectory(prefix="ci-bench-worker-") as folder:
            tmp = Path(folder)
            environment = _environment(database_url, args.broker, queue, tmp)
            run(args, tmp, environment, tmp / "worker.log")
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        _drop_database(args.database, database_url)
        _forget_queue(args.broker, queue)


def _forget_queue(broker_url: str, queue: str) -> None:
    """Remove what kombu left in Redis for this run's queue (Redis may be shared)."""
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(broker_url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


if __name__ == "__main__":
    main()
