"""``python -m benchmarks.web`` (``make bench-web``): the web service under load, as in production.

It creates a fresh PostgreSQL database, seeds a busy programme (benchmarks/web_seed.py: 2,000 ideas
of which 200 have moved on, 5,000 office-hours bookings, 500 news posts), starts gunicorn with
gunicorn.conf.py and DEBUG off on PostgreSQL and Redis, then drives it from a second process with
`wrk` for a fixed time per scenario: a trivial view, each public page, and a signed-in mix
(dashboard, idea queue, project page, selection, dataset report); last, the signed-in mix again
while ten large scans run (benchmarks/web_scans.py). It prints requests per second, p50/p95/p99
latency and errors, each scenario's throughput as a share of the trivial view's, the scans'
times, and the targets; writes the results to docs/benchmarks.md with the machine they came from;
then stops gunicorn and drops the database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .web_scans import Outcome

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-web:start -->", "<!-- bench-web:end -->"
SLUG = "bench"
SESSIONS = 20  # signed-in visitors: the same analyst in several browsers
# Targets from issue 13, printed beside the figures (not enforced: the machine may be shared).
PUBLIC_SHARE = 0.5  # of the trivial view's requests per second
PUBLIC_P95_MS = 100
SIGNED_IN_P95_MS = 250

LUA = r"""
-- Each request goes to the next path; signed-in scenarios also take the next session cookie.
local paths, cookies, counter = {PATHS}, {COOKIES}, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function request()
  counter = counter + 1
  local headers = {["X-Forwarded-Proto"] = "https", ["Accept"] = "text/html"}
  if #cookies > 0 then headers["Cookie"] = cookies[(counter % #cookies) + 1] end
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50": %.2f, "p95": %.2f, "p99": %.2f, '
    .. '"not_ok": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, bad,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Scenario:
    name: str
    paths: list[str]
    signed_in: bool = False
    kind: str = "public"  # "trivial", "public" or "signed-in"


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50: float
    p95: float
    p99: float
    not_ok: int  # answers other than 200
    socket_errors: int  # timeouts (10 s) and broken connections
    requests: int

    @property
    def errors(self) -> int:
        return self.not_ok + self.socket_errors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(args, database_url: str, port: int, tmp: Path) -> dict[str, str]:
    """Production settings (DEBUG off, fresh secrets, TLS ended by a proxy) on the new database
    and the shared cache. No Celery broker: the pages measured queue nothing, and /healthz, the
    trivial view, would otherwise open a connection to the broker on every request."""
    from cryptography.fernet import Fernet  # noqa: PLC0415 (only once the venv is known good)

    environment = dict(os.environ)
    environment.pop("CELERY_BROKER_URL", None)
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"https://127.0.0.1:{port}",
        EMAIL_FILE_PATH=str(tmp / "mail"),
        DATABASE_URL=database_url,
        CACHE_URL=args.cache_url,
        # TLS ends at the load balancer in production: wrk sends X-Forwarded-Proto as one would.
        BEHIND_TLS_PROXY="true",
        PRIVATE_STORAGE_ROOT=str(tmp / "private"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.workers:
        environment["WEB_CONCURRENCY"] = str(args.workers)
    return environment


def _create_database(server_url: str) -> str:
    import environ  # noqa: PLC0415
    import psycopg2  # noqa: PLC0415

    name = f"cip_bench_web_{os.getpid()}"
    config = environ.Env.db_url_config(server_url)
    connection = psycopg2.connect(
        dbname=config["NAME"] or "postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    base = server_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def _drop_database(server_url: str, database_url: str) -> None:
    import environ  # noqa: PLC0415
    import psycopg2  # noqa: PLC0415

    config = environ.Env.db_url_config(server_url)
    name = database_url.rsplit("/", 1)[1]
    connection = psycopg2.connect(
        dbname=config["NAME"] or "postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def _prepare(environment: dict[str, str]) -> dict:
    """Migrate and seed the new database, in this process; return the paths and cookies."""
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cip.settings"
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: PLC0415
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    from benchmarks.web_seed import seed_programme  # noqa: PLC0415
    from cip.sessions import SIGNED_IN_AT  # noqa: PLC0415

    print("Migrating the benchmark database…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    print("Seeding a busy programme (bulk)…", flush=True)
    started = time.perf_counter()
    seeded = seed_programme(slug=SLUG)
    print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)
    cookies = []
    for _ in range(SESSIONS):
        session = SessionStore()
        session[SESSION_KEY] = str(seeded.analyst.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = seeded.analyst.get_session_auth_hash()
        session[SIGNED_IN_AT] = int(time.time())  # else past its absolute lifetime (cip.sessions)
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    post = seeded.programme.news.order_by("-published_at").first()
    programme = f"/programmes/{SLUG}/"
    connections.close_all()  # gunicorn has its own; this process only waits from here on
    return {
        "public": {
            "home page": "/",
            "programme page": programme,
            "news": f"{programme}news/",
            "news post": f"{programme}news/{post.slug}/",
            "accessibility statement": "/accessibility/",
        },
        "signed_in": {
            "dashboard": "/dashboard/",
            "idea queue": f"{programme}ideas/",
            "project page": f"/projects/{seeded.busy_project.pk}/",
            "selection": f"{programme}selection/",
            "dataset report": f"/datasets/{seeded.busy_dataset.pk}/",
        },
        "cookies": cookies,
        "seeded": seeded,
    }


def _get(base: str, path: str, cookie: str = "") -> tuple[int, bytes]:
    headers = {"X-Forwarded-Proto": "https"} | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (our own server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _wait_for(base: str, process: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting: see its output above")
        try:
            if _get(base, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz within {seconds} s")


def _check(base: str, scenario: Scenario, cookie: str) -> None:
    """Each page answers 200 (signed in where it should be) before it is measured."""
    for path in scenario.paths:
        status, body = _get(base, path, cookie if scenario.signed_in else "")
        signed_in = b"Sign out" in body
        if status != 200 or (scenario.kind != "trivial" and signed_in != scenario.signed_in):
            raise SystemExit(f"{path} answered {status} (signed in: {signed_in}): not measured")
        if scenario.kind != "trivial":
            print(f"  {path}: {len(body) / 1024:.0f} KB", flush=True)


def _run(base: str, scenario: Scenario, cookies: list[str], args, tmp: Path) -> Result:
    lua = LUA.replace("{PATHS}", "{" + ", ".join(json.dumps(p) for p in scenario.paths) + "}")
    shown = cookies if scenario.signed_in else []
    lua = lua.replace("{COOKIES}", "{" + ", ".join(json.dumps(c) for c in shown) + "}")
    script = tmp / "scenario.lua"
    script.write_text(lua)
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(script), base + scenario.paths[0],
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    return Result(
        scenario=scenario,
        rps=figures["requests"] / figures["seconds"],
        p50=figures["p50"],
        p95=figures["p95"],
        p99=figures["p99"],
        not_ok=figures["not_ok"],
        socket_errors=figures["socket_errors"],
        requests=figures["requests"],
    )


def _verdicts(results: list[Result], trivial: Result) -> list[str]:
    lines = []
    for result in results:
        share = result.rps / trivial.rps
        if result.scenario.kind == "public":
            ok = share >= PUBLIC_SHARE and result.p95 < PUBLIC_P95_MS and not result.errors
            lines.append(
                f"{'met' if ok else 'MISSED'}: {result.scenario.name}: {share:.0%} of the trivial "
                f"view (target {PUBLIC_SHARE:.0%}), p95 {result.p95:.0f} ms "
                f"(target under {PUBLIC_P95_MS} ms), {result.errors} errors"
            )
        elif result.scenario.kind == "signed-in" and result.scenario.name == "signed-in mix":
            ok = result.p95 < SIGNED_IN_P95_MS and not result.errors
            lines.append(
                f"{'met' if ok else 'MISSED'}: signed-in mix: p95 {result.p95:.0f} ms "
                f"(target under {SIGNED_IN_P95_MS} ms), {result.errors} errors (target none)"
            )
    return lines


def _table(results: list[Result], trivial: Result) -> str:
    rows = [
        "| scenario | requests/s | p50 ms | p95 ms | p99 ms | not 200 | timeouts | of trivial |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r.scenario.name} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.not_ok} | {r.socket_errors} | {r.rps / trivial.rps:.0%} |"
        )
    return "\n".join(rows)


def _machine(args, environment: dict[str, str]) -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    if Path("/proc/meminfo").exists():
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GB memory"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    versions = []
    for command in (["psql", "--version"], ["redis-server", "--version"], ["wrk", "--version"]):
        if shutil.which(command[0]):
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            words = (done.stdout or done.stderr).split()
            versions.append(" ".join(words[:3]).replace("v=", ""))
    workers = environment.get("WEB_CONCURRENCY") or "two per CPU plus one"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {'; '.join(versions)}. Load average before the "
        f"run: {load}. gunicorn workers: {workers}; wrk: {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per scenario, on the same machine."
    )


def _scans_heading(scans: Outcome) -> str:
    load = ", ".join(f"{x:.1f}" for x in scans.load_during)
    return textwrap.fill(
        f"{len(scans.scans)} exports of {scans.rows:,} rows ({scans.size_mb:.0f} MB each) queued "
        f"at once, scanned one after another by one datasets worker at niceness "
        f"{scans.niceness}; times from the worker's start (load average while the pages were "
        f"measured: {load}):",
        100,
    )


def _write_doc(text: str) -> None:
    DOC.parent.mkdir(exist_ok=True)
    current = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in current:
        current += f"\n{START}\n{END}\n"
    before, rest = current.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(f"{before}{START}\n{text}\n{END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: from the CPUs)")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL; a new database is made beside the one it names",
    )
    parser.add_argument(
        "--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument(
        "--scans", type=int, default=10, help="scans queued at once in the last phase (0: none)"
    )
    parser.add_argument("--scan-rows", type=int, default=1_000_000, help="rows in each export")
    parser.add_argument(
        "--broker",
        default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        help="Redis for the scans' queue (gunicorn runs without a broker)",
    )
    parser.add_argument("--note", default="", help="a line to keep with the results")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args()
    from . import web_scans  # noqa: PLC0415 (it imports benchmarks.worker, which imports this)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench-web` installs it (Debian package)")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    database_url = _create_database(args.database)
    process = None
    scans = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            environment = _environment(args, database_url, port, tmp)
            # This process (the uploads) and the datasets worker queue scans; gunicorn does not.
            queue = f"bench-web-datasets-{os.getpid()}"
            with_broker = environment | web_scans.broker_environment(args.broker, queue)
            load_before = os.getloadavg()
            pages = _prepare(with_broker if args.scans else environment)
            process = subprocess.Popen(  # noqa: S603
                [str(Path(sys.executable).with_name("gunicorn")), "--config",
                 str(ROOT / "gunicorn.conf.py"), "cip.wsgi:application"],
                cwd=ROOT, env=environment, start_new_session=True,
            )  # fmt: skip
            _wait_for(base, process)
            scenarios = [Scenario("trivial view (/healthz)", ["/healthz"], kind="trivial")]
            scenarios += [Scenario(name, [path]) for name, path in pages["public"].items()]
            scenarios.append(Scenario("public mix", list(pages["public"].values())))
            scenarios += [
                Scenario(name, [path], signed_in=True, kind="signed-in")
                for name, path in pages["signed_in"].items()
            ]
            scenarios.append(
                Scenario("signed-in mix", list(pages["signed_in"].values()), True, "signed-in")
            )
            results = []
            for scenario in scenarios:
                print(f"{scenario.name}:", flush=True)
                _check(base, scenario, pages["cookies"][0])
                results.append(_run(base, scenario, pages["cookies"], args, tmp))
                r = results[-1]
                print(f"  {r.rps:,.0f} requests/s, p95 {r.p95:.0f} ms, {r.errors} errors")
            if args.scans:

                def measure(name: str) -> Result:
                    print(f"{name}:", flush=True)
                    paths = list(pages["signed_in"].values())
                    scenario = Scenario(name, paths, signed_in=True, kind="signed-in")
                    results.append(_run(base, scenario, pages["cookies"], args, tmp))
                    r = results[-1]
                    print(f"  {r.rps:,.0f} requests/s, p95 {r.p95:.0f} ms, {r.errors} errors")
                    return r

                scans = web_scans.run(args, pages["seeded"], with_broker, tmp, measure)
            machine = _machine(args, environment)
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        _drop_database(args.database, database_url)

    trivial = results[0]
    table = _table(results, trivial)
    verdicts = _verdicts(results, trivial)
    if scans is not None:
        verdicts += scans.verdicts()
        table += "\n\n" + _scans_heading(scans) + "\n\n" + scans.table()
    print("\n" + table + "\n")
    print("\n".join(verdicts))
    print(f"\nMachine: {machine}")
    busy = load_before[0] > (os.cpu_count() or 1) * 0.5
    if busy:
        print("The machine was busy before the run: treat these figures as provisional.")
    if not args.no_write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        notes = [args.note] if args.note else []
        if busy and not args.note:
            notes.append("The machine was busy before the run (see the load average): provisional.")
        _write_doc(
            f"Last run: {stamp}.\n\n{table}\n\n"
            + "\n".join(f"- {line}" for line in verdicts)
            + "\n\n"
            + textwrap.fill(f"Machine: {machine}", 100)
            + ("\n\n" + "\n".join(notes) if notes else "")
        )
        print(f"Results written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
