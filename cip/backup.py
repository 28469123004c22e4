"""Backups of the database and the encrypted files together, and a restore that checks itself.

A backup is a folder `cip-backup-<UTC time>` holding:

- `database.dump`: `pg_dump --format=custom` of the whole database;
- `files.tar`: every file under `PRIVATE_STORAGE_ROOT`, still encrypted;
- `manifest.json`: the row count of every table and the SHA-256 of every file.

The row counts are taken in the same snapshot as the dump (`pg_export_snapshot`), so a busy site
still gets a manifest that matches its dump exactly. Files are copied after the dump: a file
uploaded meanwhile is in the backup without its row, which is harmless. The data encryption key
is not in the backup, on purpose: keep it apart (without it the files cannot be read).

`restore_backup` restores into a database that must not exist yet and into an empty folder, then
compares the restored row counts and file hashes with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection
from psycopg2 import sql

FORMAT = 1


class BackupError(Exception):
    pass


def _postgresql() -> dict:
    if connection.vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL: DATABASE_URL points at another database.")
    return settings.DATABASES["default"]


def _client_env(database: dict, name: str) -> dict[str, str]:
    """pg_dump and pg_restore read the connection from the environment (no password in argv)."""
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": name,
    }
    return os.environ | {key: value for key, value in values.items() if value}


def _connect(database: dict, name: str):
    return psycopg2.connect(
        dbname=name,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
    )


def _row_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def create_backup(directory: Path) -> Path:
    """Write a backup into a new folder under `directory`; return the folder."""
    database = _postgresql()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(directory) / f"cip-backup-{stamp}"
    target.mkdir(mode=0o700, parents=True)
    snapshot_connection = _connect(database, database["NAME"])
    try:
        snapshot_connection.set_session(
            isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True
        )
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            counts = _row_counts(cursor)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
                + [f"--snapshot={snapshot}", f"--file={target / 'database.dump'}"],
                env=_client_env(database, database["NAME"]),
            )
    finally:
        snapshot_connection.close()
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    hashes = _file_hashes(root)
    with tarfile.open(target / "files.tar", "w") as archive:
        for name in hashes:
            archive.add(root / name, arcname=name, recursive=False)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {"name": database["NAME"], "row_counts": counts},
        "files": hashes,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    for part in target.iterdir():
        part.chmod(0o600)  # personal data: readable by this account only
    return target


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def restore_backup(backup: Path, *, database_name: str, files_dir: Path) -> RestoreReport:
    """Restore `backup` into a new database and an empty folder, then check both against the
    manifest. The database is created here, so an existing one is never overwritten."""
    database = _postgresql()
    backup = Path(backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    files_dir = Path(files_dir)
    if files_dir.exists() and any(files_dir.iterdir()):
        raise BackupError(f"{files_dir} is not empty: restore files into an empty folder.")
    env = _client_env(database, "postgres")
    _run(["createdb", database_name], env=env)
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        + [f"--dbname={database_name}", str(backup / "database.dump")],
        env=env,
    )
    files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(backup / "files.tar") as archive:
        archive.extractall(files_dir, filter="data")  # no absolute paths, links or "..": refused
    return _compare(manifest, database, database_name, files_dir)


def _compare(manifest: dict, database: dict, name: str, files_dir: Path) -> RestoreReport:
    report = RestoreReport()
    restored = _connect(database, name)
    try:
        with restored.cursor() as cursor:
            counts = _row_counts(cursor)
    finally:
        restored.close()
    for table, expected in sorted(manifest["database"]["row_counts"].items()):
        found = counts.get(table)
        if found != expected:
            report.problems.append(f"table {table}: {found} rows restored, {expected} backed up")
    report.tables, report.rows = len(counts), sum(counts.values())
    hashes = _file_hashes(files_dir)
    for name_, expected in sorted(manifest["files"].items()):
        if name_ not in hashes:
            report.problems.append(f"file {name_}: missing")
        elif hashes[name_] != expected:
            report.problems.append(f"file {name_}: contents differ from the backup")
    for name_ in sorted(set(hashes) - set(manifest["files"])):
        report.problems.append(f"file {name_}: not in the backup's manifest")
    report.files = len(hashes)
    return report


def _run(command: list[str], *, env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is missing: install PostgreSQL's client programs.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
