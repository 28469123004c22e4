"""Options shared by scan_dataset and redact_dataset (no database access)."""

from django.core.management.base import CommandError

from safety.scanning import DatasetError, ScanOptions, scan


def add_common_arguments(parser) -> None:
    parser.add_argument("--min-cell-count", type=int, default=10, dest="min_cell_count")
    parser.add_argument(
        "--quasi-identifiers",
        default=None,
        dest="quasi_identifiers",
        help="Comma-separated column names; default: suggested from the content.",
    )
    parser.add_argument("--postcode-households", default=None, dest="postcode_households")
    parser.add_argument("--sheet", default=None, help="XLSX sheet name or 0-based index.")


def run_scan(path: str, options: dict, *, prepare_redact: bool = True):
    if options["min_cell_count"] < 1:
        raise CommandError("--min-cell-count must be at least 1.")
    qi = options["quasi_identifiers"]
    scan_options = ScanOptions(
        min_cell_count=options["min_cell_count"],
        quasi_identifiers=None if qi is None else [c for c in qi.split(",") if c.strip()],
        households_path=options["postcode_households"],
        sheet=options["sheet"],
        prepare_redact=prepare_redact,
        # Only a report describes a workbook's other sheets and comments; a redaction skips them.
        other_parts=not prepare_redact,
    )
    try:
        return scan(path, scan_options)
    except DatasetError as exc:
        raise CommandError(exc.message) from exc
