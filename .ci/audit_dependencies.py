"""pip-audit over the installed Python packages, and a plain answer when it could not check.

pip-audit looks each package up in PyPI's advisory data. Where that data cannot be reached (no
network, or a mirror without it), pip-audit skips the package and still says "No known
vulnerabilities found" with exit code 0. This script does not let that pass for a clean audit.

Exit codes: 0 every package checked, none vulnerable; 1 known vulnerabilities; 2 not (fully)
audited: the advisory data could not be reached for some or all packages.
"""

from __future__ import annotations

import json
import subprocess
import sys

CLEAN, VULNERABLE, NOT_AUDITED = 0, 1, 2


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable"]
    command += ["--format", "json", "--progress-spinner", "off"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        print(result.stderr[-3000:], file=sys.stderr)
        print("NOT AUDITED: pip-audit could not run (see above); it needs PyPI's advisory data.")
        return NOT_AUDITED
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"pip-audit: known vulnerabilities in {len(vulnerable)} package(s).")
        return VULNERABLE
    if skipped:
        print(f"NOT AUDITED: {len(skipped)} of {len(dependencies)} packages could not be checked.")
        print(f"  For example: {skipped[0]['skip_reason']}")
        print("  PyPI's advisory data (https://pypi.org/pypi/<name>/<version>/json) is not")
        print("  reachable from here, so nothing is known either way about those packages.")
        return NOT_AUDITED
    print(f"pip-audit: no known vulnerabilities in {len(dependencies)} packages.")
    return CLEAN


if __name__ == "__main__":
    sys.exit(main())
