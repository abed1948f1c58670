#!/usr/bin/env bash
# Starts a real OpenID Connect provider (oidc-provider under Node; installing it first if
# needed) on a free loopback port, waits until its discovery document answers, and prints
# the settings to export. Stop it with tests/oidc/stop.sh.
#
#   eval "$(bash tests/oidc/start.sh)"
#   cargo test -p sluss-tests --test api oidc      # uses SLUSS_TEST_OIDC_ISSUER
#   bash tests/oidc/stop.sh
#
# Prints: SLUSS_TEST_OIDC_ISSUER (http://127.0.0.1:PORT), OIDC_PROVIDER_PID and
# OIDC_PROVIDER_LOG. The clients, their secret and the accounts are described in
# tests/oidc/provider.mjs.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(bash "$HERE/install.sh")"
# Run from the folder holding node_modules, so that the script finds the package.
cp "$HERE/provider.mjs" "$ROOT/provider.mjs"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$(mktemp "${TMPDIR:-/tmp}/sluss-oidc.XXXXXX.log")"
nohup node "$ROOT/provider.mjs" "$PORT" >"$LOG" 2>&1 &
PID=$!
ISSUER="http://127.0.0.1:$PORT"
code=000
for _ in $(seq 1 100); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$ISSUER/.well-known/openid-configuration" || true)"
  if [ "$code" = "200" ]; then
    break
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "oidc-provider exited; see $LOG" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
if [ "$code" != "200" ]; then
  echo "oidc-provider did not answer on port $PORT; see $LOG" >&2
  kill "$PID"
  exit 1
fi
echo "oidc-provider (pid $PID) at $ISSUER" >&2
cat <<OUT
export SLUSS_TEST_OIDC_ISSUER=$ISSUER
export OIDC_PROVIDER_PID=$PID
export OIDC_PROVIDER_LOG=$LOG
OUT
