#!/usr/bin/env bash
# The web interface in Chromium (SPEC §10.7): installs what is missing (the pinned Python
# packages; Debian's chromium only when /usr/bin/chromium is absent), then runs the suite.
#
#   bash tests/browser/run.sh                 # the binary from SLUSS_BIN, else
#                                             # $CARGO_TARGET_DIR/release/sluss, else
#                                             # ~/.cache/sluss-target/release/sluss
#   bash tests/browser/run.sh -k english      # extra arguments go to pytest
#
# Screenshots and the axe-core report go to $BROWSER_SCREENSHOTS (default /tmp/sluss-screens).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON="${PYTHON:-python3}"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the work tree
PACKAGES=("pytest==9.2.0" "playwright==1.65.2" "axe-playwright-python==0.1.8")

missing=()
for spec in "${PACKAGES[@]}"; do
  name="${spec%%==*}"
  version="${spec##*==}"
  if ! "$PYTHON" - "$name" "$version" <<'EOF'
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    sys.exit(0 if version(sys.argv[1]) == sys.argv[2] else 1)
except PackageNotFoundError:
    sys.exit(1)
EOF
  then
    missing+=("$spec")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  "$PYTHON" -m pip install --quiet "${missing[@]}"
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

set +e
"$PYTHON" -m pytest tests/browser -p no:cacheprovider -q -rfE "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "the browser suite ran no test" >&2
  exit 1
fi
exit "$status"
