"""Child process: scan + redact one file and report time and peak memory (RSS) as JSON."""

import json
import resource
import sys
import time

from safety.scanning import ScanOptions, redact, scan


def main() -> None:
    src, out, households = sys.argv[1:4]
    started = time.perf_counter()
    result = scan(src, ScanOptions(households_path=households))
    scanned = time.perf_counter()
    redact(result, out, b"benchmark-key")
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "scan_s": scanned - started,
                "redact_s": done - scanned,
                "total_s": done - started,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "report": result.report,
            }
        )
    )


if __name__ == "__main__":
    main()
