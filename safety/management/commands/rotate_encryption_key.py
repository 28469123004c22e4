"""``manage.py rotate_encryption_key``: re-encrypt every stored file and secret under the newest
key in DATA_ENCRYPTION_KEYS. Safe to interrupt and run again (see safety.rotation)."""

from django.core.management.base import BaseCommand, CommandError

from safety.rotation import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored file and database secret under the first key in "
        "DATA_ENCRYPTION_KEYS; what is already under it is skipped."
    )

    def handle(self, *args, **options) -> None:
        run = encryption_keys_rotate()
        self.stdout.write(
            f"Files: {run.files_rotated} re-encrypted, {run.files_current} already under the "
            f"newest key, {run.files_unreadable} unreadable. Secrets: {run.secrets_rotated} "
            f"re-encrypted, {run.secrets_current} already under the newest key, "
            f"{run.secrets_unreadable} unreadable. Key {run.key_fingerprint}."
        )
        if run.files_unreadable or run.secrets_unreadable:
            raise CommandError(
                "Some files or secrets open under none of the keys (their names are in the log):"
                " keep every old key listed until they are dealt with."
            )
