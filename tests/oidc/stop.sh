#!/usr/bin/env bash
# Stops the provider that tests/oidc/start.sh started (OIDC_PROVIDER_PID) and removes its
# log (OIDC_PROVIDER_LOG) unless KEEP_OIDC_LOG=1.
set -euo pipefail
if [ -n "${OIDC_PROVIDER_PID:-}" ] && kill -0 "$OIDC_PROVIDER_PID" 2>/dev/null; then
  kill "$OIDC_PROVIDER_PID"
  for _ in $(seq 1 50); do
    kill -0 "$OIDC_PROVIDER_PID" 2>/dev/null || break
    sleep 0.1
  done
fi
if [ -n "${OIDC_PROVIDER_LOG:-}" ] && [ "${KEEP_OIDC_LOG:-0}" != 1 ]; then
  rm -f "$OIDC_PROVIDER_LOG"
fi
