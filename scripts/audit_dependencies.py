"""pip-audit over the pinned dependencies installed in .venv (run by .ci/run).

Fails (exit 1) when pip-audit reports a known vulnerability. When the
vulnerability service cannot be reached (this CI machine has no internet, only
package registries), pip-audit skips each package: that is reported as a warning
with the count, never as a pass that pretends to have checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def main() -> int:
    try:
        result = subprocess.run(  # noqa: S603 - our own venv's pip-audit
            [str(VENV_BIN / "pip-audit"), "--local", "--format", "json", "--progress-spinner", "off",
             "--timeout", "20"],
            capture_output=True, text=True, timeout=300,
        )
    except subprocess.TimeoutExpired:
        print("WARNING: pip-audit timed out: the vulnerability service did not answer.", file=sys.stderr)
        return 0
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print(f"pip-audit failed to run:\n{result.stderr}", file=sys.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            name, version = dependency["name"], dependency.get("version")
            print(f"VULNERABLE {name} {version}: {vuln['id']} (fixed in {fixes})")
    print(f"pip-audit: {audited} packages audited, {len(vulnerable)} vulnerable, "
          f"{len(skipped)} not auditable")
    if skipped and not audited:
        print("WARNING: the vulnerability service was unreachable; no package could be audited here.",
              file=sys.stderr)
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
