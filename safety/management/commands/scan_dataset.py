"""``manage.py scan_dataset PATH --json``: report personal data, small cells and k-anonymity."""

import json

from django.core.management.base import BaseCommand

from ._options import add_common_arguments, run_scan


class Command(BaseCommand):
    help = "Scan a CSV or XLSX file for personal data (no database needed)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        add_common_arguments(parser)

    def handle(self, *args, **options) -> None:
        result = run_scan(options["path"], options, prepare_redact=False)
        report = result.report
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"{report['rows']} rows")
        for column in report["columns"]:
            types = ", ".join(column["pii_types"]) or "-"
            self.stdout.write(
                f"{column['name']}: {types}; {column['matches']} cells; {column['action']}"
            )
        k = report["k_anonymity"]
        self.stdout.write(
            f"k-anonymity over {', '.join(k['quasi_identifiers']) or 'nothing'}: k={k['k']}, "
            f"{k['records_below_threshold']} records in groups below {report['min_cell_count']}"
        )
        for number, option in enumerate(k.get("options", []), start=1):
            levels = ", ".join(f"{name} {level}" for name, level in option["levels"].items())
            self.stdout.write(
                f"option {number}{' (suggested)' if number == 1 else ''}: {levels}; "
                f"k={option['k']}, information loss {option['information_loss']:.1%}, "
                f"{option['suppressed_cells']} cells suppressed"
            )
        parts = report.get("other_parts") or {}
        for sheet in parts.get("sheets", []):
            self.stdout.write(f"Sheet {sheet['name']} ({sheet['state']}): {_types(sheet)}")
        if parts.get("comments", {}).get("count"):
            self.stdout.write(
                f"Comments ({parts['comments']['count']}): {_types(parts['comments'])}"
            )
        for warning in report["source"].get("warnings", []):
            self.stdout.write(f"Warning: {warning['message']}")


def _types(found: dict) -> str:
    return ", ".join(f"{t} {n}" for t, n in found["types"].items()) or "no personal data found"
