"""``python -m benchmarks.page_cost``: the CPU time one request costs the web process, per page.

Throughput on a shared machine says little; this does not depend on the load. It sets up what
`make bench-web` does (a fresh PostgreSQL database seeded by benchmarks/web_seed.py, DEBUG off,
the shared cache in Redis) and sends each page's request in this process through Django's whole
stack, as the analyst `make bench-web` signs in as. For each page it prints the least of ten
requests' `process_time` (the database's own work is not included) and the queries one request
makes: the table in docs/benchmarks.md, "What one request costs".

`--profile "idea queue"` runs that page under cProfile instead and prints where its time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from benchmarks import web


def _client(cookie: str | None):
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    # As wrk asks: over TLS ended by a proxy, for an allowed host.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT="text/html")
    if cookie:
        name, value = cookie.split("=", 1)
        assert name == settings.SESSION_COOKIE_NAME  # noqa: S101 (our own cookie)
        client.cookies[name] = value
    return client


def _cost(client, path: str, repeat: int) -> tuple[float, int, int]:
    """The least CPU time of `repeat` requests, in ms; the queries and bytes of one."""
    from django.db import connection  # noqa: PLC0415

    response = client.get(path)  # warm: templates compiled, connection open
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}: not measured")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    least = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        client.get(path)
        least = min(least, time.process_time() - started)
    return least * 1000, len(queries), len(response.content)


def _pages(prepared: dict) -> list[tuple[str, str, bool]]:
    """(name, path, signed in) for the trivial view, a cached public page and the signed-in mix."""
    public = prepared["public"]
    return [
        ("`/healthz`", "/healthz", False),
        ("programme page, served from the cache", public["programme page"], False),
        *[(name, path, True) for name, path in prepared["signed_in"].items()],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="requests per page (the least)")
    parser.add_argument("--profile", metavar="PAGE", help='profile one page, e.g. "idea queue"')
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL; a new database is made beside the one it names",
    )
    parser.add_argument(
        "--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()

    database_url = web._create_database(args.database)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = SimpleNamespace(cache_url=args.cache_url, workers=None)
            environment = web._environment(settings, database_url, 8000, Path(folder))
            environment["ALLOWED_HOSTS"] += ",testserver"
            prepared = web._prepare(environment)
            cookie = prepared["cookies"][0]
            if args.profile:
                _profile(prepared, args.profile, cookie, args.repeat)
            else:
                _table(prepared, cookie, args.repeat)
            from django.db import connections  # noqa: PLC0415

            connections.close_all()
    finally:
        web._drop_database(args.database, database_url)


def _table(prepared: dict, cookie: str, repeat: int) -> None:
    print(f"\nLoad average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| page | CPU per request | queries | HTML |")
    print("| --- | ---: | ---: | ---: |")
    for name, path, signed_in in _pages(prepared):
        milliseconds, queries, size = _cost(_client(cookie if signed_in else None), path, repeat)
        print(f"| {name} | {milliseconds:.1f} ms | {queries} | {size / 1024:.0f} KB |", flush=True)


def _profile(prepared: dict, name: str, cookie: str, repeat: int) -> None:
    pages = {page: (path, signed_in) for page, path, signed_in in _pages(prepared)}
    if name not in pages:
        raise SystemExit(f"No page {name!r}: choose from {', '.join(pages)}")
    path, signed_in = pages[name]
    client = _client(cookie if signed_in else None)
    client.get(path)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
