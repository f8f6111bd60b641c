# Sourced by scripts/serve and scripts/test: a Python 3.11 virtual environment in .venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Tawasul needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  return 1
}
if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
fi
# pip's output goes to a log, shown only when the install fails.
pip_install() {
  mkdir -p var
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" >var/pip.log 2>&1; then
    cat var/pip.log >&2
    return 1
  fi
}
pip_install --upgrade pip
