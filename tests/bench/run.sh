#!/usr/bin/env bash
# The sluss benchmark: seeds a database (cached between runs), starts a release build on a
# copy of it, drives it over HTTP with wrk from a separate process, and writes
# docs/benchmarks.md. Not part of the test suite: run it by hand.
#
#   bash tests/bench/run.sh                       # SQLite, 100,000 challenges, 1,000,000 ideas
#   CHALLENGES=10000 IDEAS=100000 bash tests/bench/run.sh
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test bash tests/bench/run.sh
#
# Settings (environment): CHALLENGES, IDEAS, DURATION (wrk, default 10s), CONNECTIONS
# (default 32), THREADS (wrk, default 2), FUNNEL_RUNS (default 10), BENCH_DIR (seeded databases, default
# ~/.cache/sluss-bench), BENCH_POSTGRES_URL (run on PostgreSQL instead of SQLite, with a
# second server process that the mixed scenarios also read from), ONLY_MIXED=1 (only the
# two lists idle and the scenarios while people write, printed rather than written to OUT),
# ONLY_WRITES=1 (only submitting ideas and scorecards, printed), ONLY_SEARCH=1 (one
# challenge read while one-letter searches flood the server, printed), ONLY_FIGURES=1 (the
# funder's figures idle, whole history and one arena over a period, and FIGURES_RUNS
# (default 5) single requests each after the kept answer has expired, printed),
# WRK_TIMEOUT (wrk's per-request timeout, default its own 2s: an answer slower than that is
# counted as a socket error, not in the latencies),
# OUT (the report, default docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

CHALLENGES="${CHALLENGES:-100000}"
IDEAS="${IDEAS:-1000000}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-$HOME/.cache/sluss-bench}"
OUT="${OUT:-docs/benchmarks.md}"
FUNNEL_RUNS="${FUNNEL_RUNS:-10}"
PORT="${PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
API="$BASE/api/v1"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
SLUSS="$CARGO_TARGET_DIR/release/sluss"
LUA_DIR="$(cd "$(dirname "$0")" && pwd)"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is needed: apt-get install jq" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
cargo build --release -p sluss-api >&2

# --- the database -----------------------------------------------------------------------
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  BACKEND=postgresql
  NAME="sluss_bench_${CHALLENGES}_${IDEAS}"
  SERVER_URL="${BENCH_POSTGRES_URL%/*}"
  if ! psql "$BENCH_POSTGRES_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1; then
    psql "$BENCH_POSTGRES_URL" -c "CREATE DATABASE $NAME" >&2
    /usr/bin/time -f "%e" -o "$BENCH_DIR/seed-$NAME.seconds" \
      "$SLUSS" seed --database-url "$SERVER_URL/$NAME" --challenges "$CHALLENGES" --ideas "$IDEAS" >&2
  fi
  psql "$BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS ${NAME}_run WITH (FORCE)" >&2
  psql "$BENCH_POSTGRES_URL" -c "CREATE DATABASE ${NAME}_run TEMPLATE $NAME" >&2
  DATABASE_URL="$SERVER_URL/${NAME}_run"
  SEED_SECONDS="$(cat "$BENCH_DIR/seed-$NAME.seconds" 2>/dev/null || echo "?")"
else
  BACKEND=sqlite
  TEMPLATE="$BENCH_DIR/sluss-$CHALLENGES-$IDEAS.db"
  if [ ! -f "$TEMPLATE" ]; then
    /usr/bin/time -f "%e" -o "$TEMPLATE.seconds" \
      "$SLUSS" seed --database-url "sqlite://$TEMPLATE.tmp?mode=rwc" --challenges "$CHALLENGES" --ideas "$IDEAS" >&2
    sqlite3 "$TEMPLATE.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
    rm -f "$TEMPLATE.tmp-wal" "$TEMPLATE.tmp-shm"
    mv "$TEMPLATE.tmp" "$TEMPLATE"
  fi
  cp "$TEMPLATE" "$BENCH_DIR/run.db"
  rm -f "$BENCH_DIR/run.db-wal" "$BENCH_DIR/run.db-shm"
  # The copy is written back before the clock starts: cold start times the server, not that.
  sync
  DATABASE_URL="sqlite://$BENCH_DIR/run.db?mode=rwc"
  SEED_SECONDS="$(cat "$TEMPLATE.seconds" 2>/dev/null || echo "?")"
fi

# --- cold start: exec to the first answered /healthz -------------------------------------
start_ns=$(date +%s%N)
SLUSS_ADMIN_PASSWORD="benchmark admin password" RUST_LOG=warn \
  "$SLUSS" serve --bind "127.0.0.1:$PORT" --database-url "$DATABASE_URL" >"$BENCH_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.002; done
COLD_START_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
# On PostgreSQL a second server process serves the same database (SPEC §13): the mixed
# scenarios read from it while the writes go to the first.
SECOND=""
if [ "$BACKEND" = postgresql ]; then
  SECOND_BASE="http://127.0.0.1:$((PORT + 1))"
  RUST_LOG=warn "$SLUSS" serve --bind "127.0.0.1:$((PORT + 1))" --database-url "$DATABASE_URL" \
    >"$BENCH_DIR/server2.log" 2>&1 &
  SECOND=$!
  trap 'kill $SERVER $SECOND 2>/dev/null || true' EXIT
  until curl -fs "$SECOND_BASE/healthz" >/dev/null 2>&1; do sleep 0.01; done
fi

login() {
  curl -fs -X POST "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"seeded accounts share this password\"}" | jq -r .token
}
FACILITATOR=$(login facilitator@seed.example)
INNOVATOR=$(login innovator0@seed.example)
ASSESSOR=$(login assessor@seed.example)
CHALLENGE=$(curl -fs "$API/challenges?state=published&limit=1" | jq -r '.items[0].id')
IDEA=$(curl -fs "$API/ideas?limit=1&state=submitted" -H "authorization: Bearer $FACILITATOR" | jq -r '.items[0].id')
curl -fs "$API/assignments?limit=200" -H "authorization: Bearer $ASSESSOR" | jq -r '.items[].idea_id' >"$BENCH_DIR/assigned.txt"

RESULTS=()
# One request before a read scenario, so that what a page computes once after start (the
# funnel over a million ideas takes ~0.45 s) is not counted as 32 slow answers: wrk corrects
# for coordinated omission, and each answer slower than its connection's pace is counted
# again for every request it held up, which makes one cold read the scenario's p99.
warm_up() { # wrk arguments: -H headers, then the URL; scenarios with a script are not warmed
  case " $* " in *" -s "*) return 0 ;; esac
  local args=("$@")
  curl -fs -o /dev/null "${args[@]}" || true
}
run_wrk() { # name, then wrk arguments after the common ones
  local name=$1; shift
  local out
  warm_up "$@"
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" ${WRK_TIMEOUT:+--timeout "$WRK_TIMEOUT"} --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  grep -F 'Socket errors' <<<"$out" >&2 || true
  local rss
  rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER/status")
  RESULTS+=("| $name | $rps | $p50 | $p99 | ${errors:-0} | $rss |")
  echo "$name: $rps req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}, peak RSS so far $rss MiB" >&2
}

if [ -n "${ONLY_SEARCH:-}" ]; then
  # A flood of one-letter searches (16 connections) while another client reads one
  # challenge (4 connections): the reader's latency is what the flood must not take.
  CONNECTIONS=4 run_wrk "read one challenge, idle (anonymous)" "$API/challenges/$CHALLENGE"
  wrk -t1 -c16 -d"$(( ${DURATION%s} + 3 ))s" -s "$LUA_DIR/search_flood.lua" "$BASE" >"$BENCH_DIR/flood.txt" &
  FLOOD=$!
  sleep 1
  CONNECTIONS=4 run_wrk "read one challenge, during a flood of one-letter searches" "$API/challenges/$CHALLENGE"
  wait $FLOOD
  echo "the flood: $(awk '/Requests\/sec/ {print $2}' "$BENCH_DIR/flood.txt") searches/s" >&2
  printf '%s\n' "${RESULTS[@]}"
  exit 0
fi
if [ -n "${ONLY_FIGURES:-}" ]; then
  # The funder's figures (SPEC §12): the whole history, and one arena over a period whose
  # ends fall inside days (the usual case of a period picked in local time).
  ARENA=$(curl -fs "$API/arenas?limit=1" -H "authorization: Bearer $FACILITATOR" | jq -r '.items[0].id')
  SINCE=$(date -u -d '400 days ago 10:15' +%Y-%m-%dT%H:%M:%SZ)
  UNTIL=$(date -u -d '35 days ago 16:40' +%Y-%m-%dT%H:%M:%SZ)
  FIGURES="$API/reports/figures"
  PERIOD="$FIGURES?arena_id=$ARENA&since=$SINCE&until=$UNTIL"
  # Each single request comes after the kept answer (at most a second old) has expired, so
  # it is counted again: what a request costs the first time after a write.
  for url in "$FIGURES" "$PERIOD"; do
    times=$(for _ in $(seq 1 "${FIGURES_RUNS:-5}"); do
      sleep 1.1
      curl -fs -o /dev/null -w '%{time_total}\n' "$url" -H "authorization: Bearer $FACILITATOR"
    done | sort -n)
    median=$(awk '{a[NR]=$1*1000} END {m=int((NR+1)/2); printf "%.0f", (NR%2 ? a[m] : (a[m]+a[m+1])/2)}' <<<"$times")
    max=$(awk 'END {printf "%.0f", $1*1000}' <<<"$times")
    echo "$url: counted afresh, median ${median} ms (max ${max} ms) of ${FIGURES_RUNS:-5}" >&2
  done
  run_wrk "the funder's figures, whole history (facilitator)" -H "authorization: Bearer $FACILITATOR" "$FIGURES"
  run_wrk "the funder's figures, one arena, $SINCE to $UNTIL (facilitator)" \
    -H "authorization: Bearer $FACILITATOR" "$PERIOD"
  printf '%s\n' "${RESULTS[@]}"
  exit 0
fi
if [ -n "${ONLY_WRITES:-}" ]; then
  TOKEN="$INNOVATOR" run_wrk "submit an idea (write + event)" -s "$LUA_DIR/create_idea.lua" "$API/challenges/$CHALLENGE/ideas"
  TOKEN="$ASSESSOR" IDEAS_FILE="$BENCH_DIR/assigned.txt" \
    run_wrk "submit a scorecard" -s "$LUA_DIR/scorecard.lua" "$API/ideas"
  printf '%s\n' "${RESULTS[@]}"
  exit 0
fi
run_wrk "list a page of 50 published challenges (anonymous)" "$API/challenges?state=published&limit=50"
run_wrk "the challenges page, HTML (anonymous)" "$BASE/challenges"
if [ -z "${ONLY_MIXED:-}" ]; then
run_wrk "the challenges page, HTML, open ones (anonymous)" "$BASE/challenges?state=published"
run_wrk "a challenge's page, HTML (anonymous)" "$BASE/challenges/$CHALLENGE"
run_wrk "the start page, HTML (anonymous)" "$BASE/"
# The pages of the people who run the process, signed in by the session cookie.
idea_in() { curl -fs "$API/ideas?limit=1&state=$1" -H "authorization: Bearer $FACILITATOR" | jq -r '.items[0].id'; }
ASSESSED=$(idea_in in_assessment)
INCUBATING=$(idea_in in_incubation)
TESTING=$(idea_in in_testing)
AS_FACILITATOR="cookie: sluss_session=$FACILITATOR"
AS_ASSESSOR="cookie: sluss_session=$ASSESSOR"
run_wrk "my pages with the team's work queues, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/me"
run_wrk "the inbox, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/notifications"
run_wrk "an idea's page, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/ideas/$IDEA"
run_wrk "an idea's page in assessment with its panel, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/ideas/$ASSESSED"
run_wrk "a challenge's page, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/challenges/$CHALLENGE"
run_wrk "an idea's assessment, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/ideas/$ASSESSED/assessment"
run_wrk "a challenge's ranking, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/challenges/$CHALLENGE/ranking"
run_wrk "an idea's incubation, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/ideas/$INCUBATING/incubation"
run_wrk "an idea's test, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/ideas/$TESTING/test"
run_wrk "the obstacle diary, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/obstacles"
run_wrk "the reports, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/reports"
run_wrk "the users' registry, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/admin/users"
run_wrk "the rubrics' registry, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/admin/rubrics"
run_wrk "the support organisations' registry, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/admin/support-organisations"
run_wrk "the arenas' registry, HTML (facilitator)" -H "$AS_FACILITATOR" "$BASE/admin/arenas"
run_wrk "the assessor's queue, HTML (the first 50 of 200)" -H "$AS_ASSESSOR" "$BASE/assignments"
run_wrk "a scorecard page, HTML (assessor)" -H "$AS_ASSESSOR" "$BASE/ideas/$(head -n 1 "$BENCH_DIR/assigned.txt")/scorecard"
run_wrk "filtered list: published, SDG 11" "$API/challenges?state=published&sdg=11&limit=50"
run_wrk "text search: q=recycling" "$API/challenges?q=recycling&limit=50"
run_wrk "read one idea (facilitator)" -H "authorization: Bearer $FACILITATOR" "$API/ideas/$IDEA"
fi
# Reads while people write (SPEC §13): 4 connections write new ideas and questions on a
# published challenge, as fast as they are answered, beside CONNECTIONS - 4 reading.
MIXED=()
run_mixed() { # name, then the readers' wrk arguments after the common ones
  local name=$1; shift
  local ideas questions reads
  ideas=$(mktemp) questions=$(mktemp)
  TOKEN="$INNOVATOR" wrk -t1 -c2 -d"$DURATION" -s "$LUA_DIR/create_idea.lua" "$API/challenges/$CHALLENGE/ideas" >"$ideas" &
  local ideas_pid=$!
  TOKEN="$INNOVATOR" wrk -t1 -c2 -d"$DURATION" -s "$LUA_DIR/create_question.lua" "$API/challenges/$CHALLENGE/questions" >"$questions" &
  local questions_pid=$!
  reads=$(wrk -t"$THREADS" -c"$((CONNECTIONS - 4))" -d"$DURATION" --latency "$@")
  wait "$ideas_pid" "$questions_pid"
  local rps p50 p99 errors writes write_errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$reads")
  p50=$(awk '$1=="50%" {print $2}' <<<"$reads")
  p99=$(awk '$1=="99%" {print $2}' <<<"$reads")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$reads")
  writes=$(awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}' "$ideas" "$questions")
  write_errors=$(awk '/Non-2xx or 3xx responses/ {s += $5} END {print s + 0}' "$ideas" "$questions")
  rm -f "$ideas" "$questions"
  MIXED+=("| $name | $rps | $p50 | $p99 | ${errors:-0} | $writes | $write_errors |")
  echo "$name, while writing: $rps req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}; $writes writes/s, non-2xx $write_errors" >&2
}
run_mixed "list a page of 50 published challenges (anonymous)" "$API/challenges?state=published&limit=50"
run_mixed "the challenges page, HTML (anonymous)" "$BASE/challenges"
if [ -n "$SECOND" ]; then
  run_mixed "list a page of 50 published challenges, read from the second process" \
    "$SECOND_BASE/api/v1/challenges?state=published&limit=50"
  run_mixed "the challenges page, HTML, read from the second process" "$SECOND_BASE/challenges"
fi
if [ -n "${ONLY_MIXED:-}" ]; then
  printf '%s\n' "${RESULTS[@]}" "${MIXED[@]}"
  exit 0
fi

TOKEN="$INNOVATOR" CHALLENGE="$CHALLENGE" \
  run_wrk "submit an idea (write + event)" -s "$LUA_DIR/create_idea.lua" "$API/challenges/$CHALLENGE/ideas"
TOKEN="$ASSESSOR" IDEAS_FILE="$BENCH_DIR/assigned.txt" \
  run_wrk "submit a scorecard" -s "$LUA_DIR/scorecard.lua" "$API/ideas"
run_wrk "login (argon2id)" -s "$LUA_DIR/login.lua" "$API/auth/login"

FUNNEL_TIMES=$(for _ in $(seq 1 "$FUNNEL_RUNS"); do
  curl -fs -o /dev/null -w '%{time_total}\n' "$API/reports/funnel" -H "authorization: Bearer $FACILITATOR"
done | sort -n)
FUNNEL_MEDIAN_MS=$(awk '{a[NR]=$1*1000} END {m=int((NR+1)/2); printf "%.0f", (NR%2 ? a[m] : (a[m]+a[m+1])/2)}' <<<"$FUNNEL_TIMES")
FUNNEL_MAX_MS=$(awk 'END {printf "%.0f", $1*1000}' <<<"$FUNNEL_TIMES")
PEAK_RSS_MIB=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER/status")

{
  echo "# Benchmarks"
  echo
  echo "Measured by \`tests/bench/run.sh\` ($(date -u +%Y-%m-%d))."
  echo
  echo "- Machine: $(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')), $(free -g | awk '/Mem/ {print $2}') GiB"
  echo "- Database: $BACKEND, $CHALLENGES challenges, $IDEAS ideas (seeded in ${SEED_SECONDS} s by \`sluss seed\`)"
  echo "- Load: wrk, $THREADS threads, $CONNECTIONS connections, $DURATION per scenario, from a separate process on the same machine"
  echo "- Command: \`CHALLENGES=$CHALLENGES IDEAS=$IDEAS bash tests/bench/run.sh\`"
  echo
  echo "| scenario | req/s | p50 | p99 | non-2xx | peak RSS so far (MiB) |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${RESULTS[@]}"
  echo
  echo "While people write: $((CONNECTIONS - 4)) connections read, 4 write new ideas (2) and questions (2)."
  echo
  echo "| scenario | req/s | p50 | p99 | non-2xx | writes/s | writes non-2xx |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${MIXED[@]}"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| funnel report, median of $FUNNEL_RUNS | ${FUNNEL_MEDIAN_MS} ms (max ${FUNNEL_MAX_MS} ms) |"
  echo "| peak server RSS | ${PEAK_RSS_MIB} MiB |"
  echo "| cold start on the seeded database | ${COLD_START_MS} ms |"
} >"$OUT.new"
mv "$OUT.new" "$OUT"
cat "$OUT"
