"""``manage.py redact_dataset IN OUT``: write a redacted UTF-8 CSV with the suggested remedies."""

import os
import secrets

from django.core.management.base import BaseCommand, CommandError

from safety.scanning import DatasetError, redact

from ._options import add_common_arguments, run_scan


class Command(BaseCommand):
    help = "Redact a CSV or XLSX file into a safe CSV (no database needed)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("input")
        parser.add_argument("output")
        parser.add_argument(
            "--pseudonym-key",
            default=None,
            dest="pseudonym_key",
            help="Secret for keyed pseudonyms; default: $PSEUDONYM_KEY, else a random key.",
        )
        add_common_arguments(parser)

    def handle(self, *args, **options) -> None:
        key = options["pseudonym_key"] or os.environ.get("PSEUDONYM_KEY")
        if not key:
            key = secrets.token_hex(32)
            self.stderr.write(
                "No --pseudonym-key given: pseudonyms are random for this run and will not match "
                "other files."
            )
        result = run_scan(options["input"], options)
        try:
            summary = redact(result, options["output"], key.encode("utf-8"))
        except DatasetError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"The output file could not be written: {exc.strerror}.") from exc
        finally:
            result.close()
        self.stdout.write(f"Wrote {summary['rows']} rows to {options['output']}")
