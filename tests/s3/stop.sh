#!/usr/bin/env bash
# Stops the s3s-fs that tests/s3/start.sh started (S3S_PID) and removes its folder
# (S3S_DATA) unless KEEP_S3_DATA=1.
set -euo pipefail
if [ -n "${S3S_PID:-}" ] && kill -0 "$S3S_PID" 2>/dev/null; then
  kill "$S3S_PID"
  for _ in $(seq 1 50); do
    kill -0 "$S3S_PID" 2>/dev/null || break
    sleep 0.1
  done
fi
if [ -n "${S3S_DATA:-}" ] && [ "${KEEP_S3_DATA:-0}" != 1 ]; then
  rm -rf "$S3S_DATA" "$S3S_DATA.log"
fi
