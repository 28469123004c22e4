"""Child process: scan + redact one file and report time and peak memory (RSS) as JSON.

``peak_rss_mb`` is this process's own peak; the engine may fork up to two worker processes, whose
largest peak is ``peak_rss_children_mb`` (the parent also samples the whole process tree).
Optional 4th argument: the number of worker processes (default: the engine's choice).
"""

import json
import resource
import sys
import time

from safety.scanning import ScanOptions, redact, scan


def main() -> None:
    src, out, households = sys.argv[1:4]
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else None
    started = time.perf_counter()
    cpu = time.process_time()
    result = scan(src, ScanOptions(households_path=households, workers=workers))
    scanned = time.perf_counter()
    redact(result, out, b"benchmark-key")
    done = time.perf_counter()
    result.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "scan_s": scanned - started,
                "redact_s": done - scanned,
                "total_s": done - started,
                "cpu_s": time.process_time() - cpu + children.ru_utime + children.ru_stime,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "peak_rss_children_mb": children.ru_maxrss / 1024,
                "report": result.report,
            }
        )
    )


if __name__ == "__main__":
    main()
