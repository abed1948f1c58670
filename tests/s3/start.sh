#!/usr/bin/env bash
# Starts s3s-fs (installing it first if needed) on a free loopback port with a fresh root
# folder holding one bucket, sluss-test, waits until it answers, and prints the settings
# to export. Stop it with tests/s3/stop.sh.
#
#   eval "$(bash tests/s3/start.sh)"
#   cargo test -p sluss-tests --test api attachments      # uses SLUSS_TEST_STORAGE_URL
#   bash tests/s3/stop.sh
#
# Prints: SLUSS_TEST_STORAGE_URL (s3://sluss-test?endpoint=http://127.0.0.1:PORT),
# S3_ENDPOINT, S3_BUCKET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (fixed test keys, which
# s3s-fs checks, so requests are really signed), S3S_PID and S3S_DATA (the root folder:
# each subfolder is a bucket; unfinished multipart uploads are kept at its top level).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(bash "$HERE/install.sh")"
BUCKET="${S3_BUCKET:-sluss-test}"
KEY="sluss-test-key"
SECRET="sluss-test-secret-0123456789"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/sluss-s3.XXXXXX")"
mkdir -p "$DATA/$BUCKET"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
RUST_LOG="${S3S_LOG:-warn}" nohup "$BIN" --host 127.0.0.1 --port "$PORT" --access-key "$KEY" --secret-key "$SECRET" \
  "$DATA" >"$DATA.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)"
  if [ "$code" != "000" ]; then
    break
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "s3s-fs exited; see $DATA.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ "$code" = "000" ]; then
  echo "s3s-fs did not answer on port $PORT; see $DATA.log" >&2
  kill "$PID"
  exit 1
fi
echo "s3s-fs (pid $PID) on http://127.0.0.1:$PORT, bucket $BUCKET in $DATA" >&2
cat <<OUT
export S3_ENDPOINT=http://127.0.0.1:$PORT
export S3_BUCKET=$BUCKET
export SLUSS_TEST_STORAGE_URL='s3://$BUCKET?endpoint=http://127.0.0.1:$PORT'
export AWS_ACCESS_KEY_ID=$KEY
export AWS_SECRET_ACCESS_KEY=$SECRET
export S3S_PID=$PID
export S3S_DATA=$DATA
OUT
