"""`manage.py backup DIRECTORY`: the database and the encrypted files, together (cip/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cip.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the encrypted files into a new folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="Where to put the backup's folder.")

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            folder = create_backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {folder}")
