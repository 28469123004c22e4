"""The personal-data engine: plain Python (no Django), so it can be benchmarked, fuzzed and run
from the command line. ``scan()`` reads a CSV/XLSX and reports; ``redact()`` writes a safe copy."""

from .engine import ScanOptions, ScanResult, excel_safe, pseudonymiser, redact, scan
from .errors import DatasetError
from .reader import Limits, open_table

__all__ = [
    "DatasetError",
    "Limits",
    "ScanOptions",
    "ScanResult",
    "excel_safe",
    "open_table",
    "pseudonymiser",
    "redact",
    "scan",
]
