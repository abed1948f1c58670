#!/usr/bin/env bash
# Fuzzes the domain rules and the HTTP layer with cargo-fuzz for a bounded time per
# target, failing on any crash (a panic, a failed invariant, a 5xx answer).
#
#   bash tests/fuzz/run.sh                      # every target, 45 s each
#   FUZZ_SECONDS=3600 bash tests/fuzz/run.sh    # an hour each
#   FUZZ_TARGETS="http_requests" bash tests/fuzz/run.sh
#
# Crashes are written to fuzz/artifacts/<target>/ (replay one with
# `cargo fuzz run <target> fuzz/artifacts/<target>/crash-…`). The corpus grown by earlier
# runs is kept in the target directory, outside the clone; the committed seeds are
# fuzz/corpus/<target>/seed-*.
set -euo pipefail
cd "$(dirname "$0")/../.."

FUZZ_SECONDS="${FUZZ_SECONDS:-45}"
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/sluss-fuzz-target}"
# No sanitizer by default: the code base has no `unsafe`, and cargo-fuzz hands
# AddressSanitizer to rustc only (SQLite's C is built without it), so ASan finds little
# here while it makes the cold build and every run slower. FUZZ_SANITIZER=address turns
# it on for a long run.
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
read -r -a TARGETS <<<"${FUZZ_TARGETS:-domain_commands domain_values http_requests}"
CARGO_FUZZ_VERSION="0.13.2"

export PATH="$HOME/.cargo/bin:$PATH"
# cargo-fuzz hands rustc nightly-only flags (-Zsanitizer, -Cpasses=sancov…); this lets the
# stable toolchain accept them.
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION into $HOME/.cargo/bin"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

echo "== building fuzz targets (${TARGETS[*]}) with sanitizer $FUZZ_SANITIZER"
if [ -z "${FUZZ_TARGETS:-}" ]; then
  # Every target in one cargo invocation: the shared dependencies are built once, in parallel.
  cargo fuzz build --sanitizer "$FUZZ_SANITIZER" --target-dir "$FUZZ_TARGET_DIR"
else
  for target in "${TARGETS[@]}"; do
    cargo fuzz build --sanitizer "$FUZZ_SANITIZER" --target-dir "$FUZZ_TARGET_DIR" "$target"
  done
fi

failed=()
for target in "${TARGETS[@]}"; do
  grown="$FUZZ_TARGET_DIR/corpus/$target"
  mkdir -p "$grown" "fuzz/artifacts/$target"
  echo "== fuzzing $target for ${FUZZ_SECONDS}s"
  # New inputs go to the first corpus directory only, so the seeds stay as committed.
  if ! cargo fuzz run --sanitizer "$FUZZ_SANITIZER" --target-dir "$FUZZ_TARGET_DIR" "$target" \
    "$grown" "fuzz/corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1; then
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  ls -l fuzz/artifacts/*/ >&2 || true
  exit 1
fi
echo "== fuzzing: ${#TARGETS[@]} targets ran ${FUZZ_SECONDS}s each without a crash"
