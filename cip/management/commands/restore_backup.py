"""`manage.py restore_backup BACKUP --database NAME --files DIR`: restore into a new database and
an empty folder, then compare row counts and file hashes with the backup's manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cip.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into a new database and folder, and check it against its manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="A cip-backup-... folder.")
        parser.add_argument("--database", required=True, help="Name of a database to create.")
        parser.add_argument("--files", required=True, type=Path, help="An empty folder.")

    def handle(self, *args, backup: Path, database: str, files: Path, **options) -> None:
        try:
            report = restore_backup(backup, database_name=database, files_dir=files)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for problem in report.problems:
            self.stderr.write(problem)
        summary = f"{report.tables} tables, {report.rows} rows, {report.files} files"
        if not report.ok:
            raise CommandError(f"Restored {summary}, with {len(report.problems)} problems.")
        self.stdout.write(f"Restored into database {database} and {files}: {summary}, all match.")
