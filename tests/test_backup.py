"""Backups (cip/backup.py): the database and the encrypted files together, restored into a fresh
database and checked row by row count and file by file hash. Needs PostgreSQL (`services`)."""

from __future__ import annotations

import json
import tarfile
from io import BytesIO
from pathlib import Path
from uuid import uuid4

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cip.backup import BackupError, restore_backup
from tests.dataset_helpers import data_source, stored_dataset
from tests.test_services import _require_postgresql

pytestmark = pytest.mark.services


def _contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def restored_name():
    """A name for the restored database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid4().hex[:8]}"
    yield name
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def backup(transactional_db, programme_a, facilitator, tmp_path):
    """A small site (people, a programme, a scanned and redacted dataset), backed up."""
    _require_postgresql()
    stored_dataset(data_source(programme_a), tmp_path)
    call_command("backup", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(
    backup, restored_name, tmp_path, capsys
) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["row_counts"]["safety_dataset"] == 1
    assert manifest["database"]["row_counts"]["teams_user"] >= 2
    assert len(manifest["files"]) >= 2  # the upload and its redacted copy, both encrypted
    assert {p.name: p.stat().st_mode & 0o777 for p in backup.iterdir()} == dict.fromkeys(
        ["database.dump", "files.tar", "manifest.json"], 0o600
    )

    call_command(
        "restore_backup", str(backup), database=restored_name, files=str(tmp_path / "restored")
    )

    assert "all match" in capsys.readouterr().out
    restored = tmp_path / "restored"
    original = Path(settings.PRIVATE_STORAGE_ROOT)
    files = _contents(original)
    assert len(files) >= 2 and _contents(restored) == files


def test_a_damaged_file_or_a_lost_row_is_reported(backup, restored_name, tmp_path) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    name = sorted(manifest["files"])[0]
    with tarfile.open(backup / "files.tar") as archive:
        members = [(m, archive.extractfile(m).read()) for m in archive.getmembers()]
    with tarfile.open(backup / "files.tar", "w") as archive:
        for member, data in members:
            if member.name == name:
                data = bytes([data[0] ^ 1]) + data[1:]  # one bit flipped
            archive.addfile(member, BytesIO(data))
    manifest["database"]["row_counts"]["safety_dataset"] = 2
    (backup / "manifest.json").write_text(json.dumps(manifest))

    report = restore_backup(backup, database_name=restored_name, files_dir=tmp_path / "restored")

    assert not report.ok
    assert report.problems == [
        "table safety_dataset: 1 rows restored, 2 backed up",
        f"file {name}: contents differ from the backup",
    ]


def test_a_restore_never_overwrites(backup, restored_name, tmp_path) -> None:
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "restore_backup",
            str(backup),
            database=connection.settings_dict["NAME"],
            files=str(tmp_path / "restored"),
        )
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(backup, database_name=restored_name, files_dir=busy)
