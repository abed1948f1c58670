#!/usr/bin/env bash
# Installs s3s-fs, a small S3-compatible server over a folder, for the tests and CI of
# documents on a real S3 store (SPEC §15). Cached in $S3S_ROOT (default
# ~/.cache/sluss-tools): nothing is built when that version is already there.
# Prints the binary's path on stdout; the build's output goes to stderr.
#
#   bash tests/s3/install.sh
#
# 0.14.1 is the latest release that builds with the project's Rust (1.95): 0.15 and later
# need 1.96.
set -euo pipefail
VERSION="${S3S_VERSION:-0.14.1}"
ROOT="${S3S_ROOT:-$HOME/.cache/sluss-tools}"
BIN="$ROOT/bin/s3s-fs"
if [ ! -x "$BIN" ] || ! "$BIN" --version 2>/dev/null | grep -q " $VERSION\$"; then
  started=$SECONDS
  # In a temporary target folder (not the project's build cache), removed afterwards.
  # A test server: built without link-time optimisation and at opt-level 1, which halves
  # its build on two cores.
  env -u CARGO_TARGET_DIR CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install s3s-fs --version "$VERSION" --features binary --locked \
    --root "$ROOT" >&2
  echo "s3s-fs $VERSION installed in $((SECONDS - started)) s" >&2
else
  echo "s3s-fs $VERSION already installed" >&2
fi
echo "$BIN"
