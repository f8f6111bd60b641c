"""Container health check of a Daphne worker: GET /healthz on this host, exit 0 on 200.

No Django import (it runs every few seconds). In production the request must look
like one nginx forwards: a served host name (the first of TAWASUL_ALLOWED_HOSTS)
and X-Forwarded-Proto: https, or Django answers 400 or a redirect to https.
Usage: python healthcheck.py [PORT]   (default 8000)
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = sys.argv[1] if len(sys.argv) > 1 else "8000"
    hosts = [h.strip() for h in os.environ.get("TAWASUL_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if not h.startswith(".") and "*" not in h), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - this host
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
