#!/usr/bin/env bash
# Orgspace's load benchmark: builds release, seeds a dataset, starts the server,
# runs every workload with wrk on loopback next to /healthz (the ceiling, in the
# same run), measures memory, the activity export and start-up, and writes
# bench/results/<date>.json and .md.
#
#   ./bench/run.sh            full: 1,000,000 users, 10 s per workload, 32 connections
#   ./bench/run.sh --smoke    a few seconds on a tiny dataset (CI runs this)
#   ./bench/run.sh --soak     the full dataset, a mixed read/write load at half its
#                             maximum for SOAK_SECONDS (600): errors and RSS growth
#
# Environment: BENCH_DB (sqlite: URL or postgres:, default a file under BENCH_CACHE),
# BENCH_CACHE (where seeded databases are kept between runs, default
# $XDG_CACHE_HOME/orgspace-bench or ~/.cache/orgspace-bench: outside the repository), BENCH_USERS, BENCH_BIG_ORG, BENCH_ACTIVITY, BENCH_SECONDS, BENCH_CONNECTIONS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

MODE=full
[ "${1:-}" = "--smoke" ] && MODE=smoke
[ "${1:-}" = "--soak" ] && MODE=soak
if [ "$MODE" = smoke ]; then
  USERS=${BENCH_USERS:-2000} BIG=${BENCH_BIG_ORG:-1000} ACTIVITY=${BENCH_ACTIVITY:-5000}
  SECONDS_EACH=${BENCH_SECONDS:-1} CONNECTIONS=${BENCH_CONNECTIONS:-4} THREADS=1 INVITEES=3000
else
  USERS=${BENCH_USERS:-1000000} BIG=${BENCH_BIG_ORG:-100000} ACTIVITY=${BENCH_ACTIVITY:-1000000}
  SECONDS_EACH=${BENCH_SECONDS:-10} CONNECTIONS=${BENCH_CONNECTIONS:-32} THREADS=2 INVITEES=60000
fi

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v wrk >/dev/null; then
  say "Installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

if [ "$MODE" = smoke ] && [ -n "${ORGSPACE_BIN:-}" ]; then
  # `./x.sh test` hands over the debug server its tests ran.
  BIN=$ORGSPACE_BIN
elif [ "$MODE" = smoke ]; then
  # The smoke run checks that the benchmark works, not figures: the debug build will do.
  say "Building the server (debug, for the smoke run)"
  cargo build -p orgspace-server
  BIN="$ROOT/target/debug/orgspace"
else
  say "Building the server (release)"
  cargo build --release -p orgspace-server
  BIN="$ROOT/target/release/orgspace"
fi

DATASET=$MODE; [ "$MODE" = soak ] && DATASET=full
# Seeded databases are kept outside the repository, made here when missing.
DATA="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orgspace-bench}/$DATASET"
# v2: varied names and addresses (issue 18); an older seeded copy is not reused.
KEY="v2-u${USERS}-b${BIG}-a${ACTIVITY}-i${INVITEES}"
DB_URL=${BENCH_DB:-"sqlite://$DATA/$KEY.db?mode=rwc"}
mkdir -p "$DATA"
if [ -z "${BENCH_DB:-}" ] && [ -f "$DATA/$KEY.db.seeded" ]; then
  # Accepted invitations are spent: start every run from the seeded copy.
  cp "$DATA/$KEY.db.seeded" "$DATA/$KEY.db"; rm -f "$DATA/$KEY.db-wal" "$DATA/$KEY.db-shm"
else
  say "Seeding $USERS users, Big Org of $BIG, $ACTIVITY activity entries"
  rm -f "$DATA/$KEY.db" "$DATA/$KEY.db-wal" "$DATA/$KEY.db-shm"
  start=$(date +%s)
  DATABASE_URL="$DB_URL" "$BIN" seed --users "$USERS" --big-org-members "$BIG" \
    --activity "$ACTIVITY" --invitees "$INVITEES"
  echo "seeded in $(( $(date +%s) - start )) s"
  if [ -z "${BENCH_DB:-}" ]; then
    sqlite3 "$DATA/$KEY.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
    cp "$DATA/$KEY.db" "$DATA/$KEY.db.seeded"
  fi
fi

PORT=${BENCH_PORT:-18080}
URL="http://127.0.0.1:$PORT"
SERVER_PID=
start_server() {
  local t0 t1
  t0=$(date +%s%N)
  DATABASE_URL="$DB_URL" ORGSPACE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
    ORGSPACE_LOGIN_ATTEMPTS_PER_MINUTE=100000 "$BIN" >/dev/null 2>&1 &
  SERVER_PID=$!
  until curl -fs "$URL/readyz" >/dev/null 2>&1; do sleep 0.005; done
  t1=$(date +%s%N)
  START_MS=$(( (t1 - t0) / 1000000 ))
}
stop_server() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
trap stop_server EXIT

say "Starting the server on $URL"
start_server
echo "start to first 200 from /readyz: $START_MS ms"

login() {
  curl -fs -c - -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"seed password 1234\"}" "$URL/api/auth/login" \
    | awk '$6 == "orgspace_session" { print $7 }'
}
OWNER=$(login user0@seed.test)
ACCOUNTS=$(curl -fs -b "orgspace_session=$OWNER" "$URL/api/accounts")
BIG_ORG=$(echo "$ACCOUNTS" | grep -o '"id":"[^"]*","kind":"organization","name":"Big Org"' | head -1 | cut -d'"' -f4)
SMALL_ORG=$(echo "$ACCOUNTS" | grep -o '"id":"[^"]*","kind":"organization","name":"Org [^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$BIG_ORG" ] && [ -n "$SMALL_ORG" ] || { echo "could not find the seeded organizations" >&2; exit 1; }

# A cursor about 90 % of the way through Big Org's members.
DEEP=$(( BIG * 9 / 10 ))
CURSOR=
fetched=0
while [ "$fetched" -lt "$DEEP" ]; do
  page=$(curl -fs -b "orgspace_session=$OWNER" "$URL/api/accounts/$BIG_ORG/members?limit=200${CURSOR:+&cursor=$CURSOR}")
  CURSOR=$(echo "$page" | grep -o '"next_cursor":"[^"]*"' | cut -d'"' -f4 || true)
  # The search workload looks up a member about 90 % of the way in.
  BIG_EMAIL=$(echo "$page" | grep -o '"email":"[^"]*"' | tail -1 | cut -d'"' -f4)
  fetched=$(( fetched + 200 ))
  [ -n "$CURSOR" ] || break
done
# Members whose role the change-role workload flips (not the owner).
IDS="$DATA/member-ids.txt"
curl -fs -b "orgspace_session=$OWNER" "$URL/api/accounts/$BIG_ORG/members?limit=200" \
  | grep -o '"user_id":"[^"]*"' | cut -d'"' -f4 | tail -n +2 > "$IDS"
SMALL_EMAIL=$(curl -fs -b "orgspace_session=$OWNER" "$URL/api/accounts/$SMALL_ORG/members?limit=50" \
  | grep -o '"email":"[^"]*"' | tail -1 | cut -d'"' -f4)
[ -n "$BIG_EMAIL" ] || { echo "could not read a Big Org member's address" >&2; exit 1; }
# Children for the roll-up workloads (SPEC §17): as many under Big Org as under
# a small organization, billed to their parent.
for parent in "$BIG_ORG" "$SMALL_ORG"; do
  for n in $(seq 1 10); do
    curl -fs -o /dev/null -b "orgspace_session=$OWNER" -H 'content-type: application/json' \
      -d "{\"name\":\"Division $n\",\"region\":\"eu-central\",\"billing\":\"parent\"}" \
      "$URL/api/accounts/$parent/children"
  done
done

rss_of() { awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }

if [ "$MODE" = soak ]; then
  SOAK=${SOAK_SECONDS:-600}
  say "Soak: the mixed workload's maximum (32 connections, 10 s)"
  out=$(wrk -t2 -c32 -d10s --latency -s "$ROOT/bench/wrk.lua" "$URL" -- mix "$BIG_ORG" "$OWNER" "$IDS" | grep '^RESULT')
  read -r _ MAX MAX_P50 _ _ _ <<<"$out"
  # Half of it from 16 connections, each waiting between its requests (the
  # answers take a few ms more, so the rate lands a little under half).
  DELAY=$(awk -v m="$MAX" 'BEGIN { printf "%d", 16 * 1000 / (m / 2) }')
  echo "maximum $MAX req/s (p50 $MAX_P50 ms); soak with 16 connections, $DELAY ms between requests"
  say "Soak: $SOAK s"
  WRK_DELAY_MS=$DELAY wrk -t2 -c16 -d"${SOAK}s" --latency -s "$ROOT/bench/wrk.lua" "$URL" -- mix "$BIG_ORG" "$OWNER" "$IDS" \
    > "$DATA/soak.out" 2>&1 &
  WRK=$!
  # RSS every 30 s; growth is measured from the 2-minute mark, once SQLite's page
  # caches (2 MB per pooled connection) and the allocator have warmed up.
  SERIES="" RSS_WARM=0 t=0
  echo 0 > "$DATA/rss"
  while kill -0 "$WRK" 2>/dev/null; do
    sleep 1; t=$((t + 1)); r=$(rss_of)
    [ "$t" -ge 120 ] && [ "$r" -gt "$(cat "$DATA/rss")" ] && echo "$r" > "$DATA/rss"
    [ "$t" -eq 120 ] && RSS_WARM=$r
    [ $((t % 30)) -eq 0 ] && SERIES="$SERIES $((r / 1024))"
  done
  RSS_END=$(rss_of); RSS_PEAK=$(cat "$DATA/rss")
  read -r _ RATE P50 P99 ERRORS REQUESTS <<<"$(grep '^RESULT' "$DATA/soak.out")"
  GROWTH=$(awk -v a="$RSS_WARM" -v b="$RSS_PEAK" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
  OUT="$ROOT/bench/results/$(date -u +%Y-%m-%d)-soak.md"
  {
    echo "# Orgspace soak, $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr). Dataset: $USERS users, Big Org $BIG members; database \`${DB_URL%%:*}\`."
    echo "Mixed workload (who am I, members, billing, activity, role change) on Big Org: maximum $MAX req/s at 32 connections;"
    echo "soak at half of it: 16 connections, $DELAY ms between requests, $SOAK s."
    echo
    echo "| requests/s | requests | errors | p50 ms | p99 ms | RSS at 2 min | RSS peak after | RSS at end | growth |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $RATE | $REQUESTS | $ERRORS | $P50 | $P99 | $((RSS_WARM / 1024)) MB | $((RSS_PEAK / 1024)) MB | $((RSS_END / 1024)) MB | $GROWTH % |"
    echo
    echo "RSS every 30 s (MB):$SERIES"
  } > "$OUT"
  cat "$OUT"
  exit 0
fi

RESULTS=()
RSS_MAX=0
sample_rss() { while sleep 0.2; do r=$(rss_of); [ "$r" -gt "$(cat "$DATA/rss")" ] && echo "$r" > "$DATA/rss"; done; }

# run NAME KIND(read|write) LUA-ARGS...
run() {
  local name=$1 kind=$2; shift 2
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$ROOT/bench/wrk.lua" "$URL" -- "$@" 2>&1 | grep '^RESULT' || true)
  [ -n "$out" ] || { echo "wrk failed for $name" >&2; exit 1; }
  read -r _ rps p50 p99 errors requests <<<"$out"
  printf '%-34s %10s req/s  p50 %7s ms  p99 %7s ms  errors %s\n' "$name" "$rps" "$p50" "$p99" "$errors"
  RESULTS+=("$name|$kind|$rps|$p50|$p99|$errors|$requests")
}

say "Reads ($CONNECTIONS connections, ${SECONDS_EACH} s each)"
echo 0 > "$DATA/rss"
sample_rss & SAMPLER=$!
C=$OWNER
run "healthz (ceiling)" ceiling get /healthz "$C"
run "who am I (GET /api/me)" read get /api/me "$C"
run "list my accounts" read get /api/accounts "$C"
run "switch context (GET account)" read get "/api/accounts/$SMALL_ORG" "$C"
run "members, first page, 50-member org" read get "/api/accounts/$SMALL_ORG/members" "$C"
run "members, first page, Big Org" read get "/api/accounts/$BIG_ORG/members" "$C"
run "members, page at ~90 %, Big Org" read get "/api/accounts/$BIG_ORG/members?cursor=$CURSOR" "$C"
run "members, search, 50-member org" read get "/api/accounts/$SMALL_ORG/members?q=$SMALL_EMAIL" "$C"
run "members, search, Big Org" read get "/api/accounts/$BIG_ORG/members?q=$BIG_EMAIL" "$C"
run "list activity (Big Org)" read get "/api/accounts/$BIG_ORG/activity" "$C"
run "permission check (GET billing)" read get "/api/accounts/$BIG_ORG/billing" "$C"
run "roll-up report, Big Org (10 children)" read get "/api/accounts/$BIG_ORG/report" "$C"
run "roll-up report, 50-member org (10 children)" read get "/api/accounts/$SMALL_ORG/report" "$C"
run "activity with descendants, Big Org (10 children)" read get "/api/accounts/$BIG_ORG/activity?include_descendants=true" "$C"
run "activity with descendants, 50-member org (10 children)" read get "/api/accounts/$SMALL_ORG/activity?include_descendants=true" "$C"
kill "$SAMPLER" 2>/dev/null || true
RSS_READ_KB=$(cat "$DATA/rss")

say "Writes"
run "healthz (ceiling, again)" ceiling get /healthz "$C"
run "create invitation" write invite "$BIG_ORG" "$C"
run "accept invitation" write accept "$THREADS"
run "change role" write role "$BIG_ORG" "$C" "$IDS"
run "create instance" write instance "$BIG_ORG" "$C"

say "Exporting the activity log as CSV"
before=$(rss_of)
echo "$before" > "$DATA/rss"
sample_rss & SAMPLER=$!
t0=$(date +%s%N)
lines=$(curl -fs -b "orgspace_session=$OWNER" "$URL/api/accounts/$BIG_ORG/activity/export?format=csv" | wc -l)
t1=$(date +%s%N)
kill "$SAMPLER" 2>/dev/null || true
peak=$(cat "$DATA/rss")
EXPORT_MS=$(( (t1 - t0) / 1000000 ))
EXPORT_GROWTH_KB=$(( peak - before ))
echo "$lines lines in $EXPORT_MS ms; RSS $before kB before, peak $peak kB (growth $EXPORT_GROWTH_KB kB)"

say "Start-up on the existing database"
stop_server
start_server
echo "start to first 200 from /readyz: $START_MS ms"
stop_server

# The report.
DATE=$(date -u +%Y-%m-%d)
# Smoke results are not figures: they stay with the smoke data.
BACKEND=${DB_URL%%:*}
SUFFIX=""; [ "$BACKEND" = sqlite ] || SUFFIX="-$BACKEND"
if [ "$MODE" = smoke ]; then OUT="$DATA/$DATE-smoke$SUFFIX"; else OUT="$ROOT/bench/results/$DATE-$MODE$SUFFIX"; fi
MACHINE="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2/1048576 }' /proc/meminfo), $(uname -sr)"
HEALTHZ=$(printf '%s\n' "${RESULTS[@]}" | awk -F'|' '$2 == "ceiling" { print $3; exit }')
{
  echo "# Orgspace load benchmark, $DATE ($MODE)"
  echo
  echo "Machine: $MACHINE. Dataset: $USERS users, Big Org $BIG members, 50-member organizations, $ACTIVITY activity entries; database \`${DB_URL%%:*}\`."
  echo "wrk, $THREADS threads, $CONNECTIONS connections, ${SECONDS_EACH} s per workload, loopback."
  echo
  echo "| workload | kind | requests/s | % of /healthz | p50 ms | p99 ms | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for row in "${RESULTS[@]}"; do
    IFS='|' read -r name kind rps p50 p99 errors requests <<<"$row"
    pct=$(awk -v r="$rps" -v h="$HEALTHZ" 'BEGIN { printf "%.0f", 100 * r / h }')
    echo "| $name | $kind | $rps | $pct % | $p50 | $p99 | $errors |"
  done
  echo
  echo "- Server RSS, peak under the read load: $(( RSS_READ_KB / 1024 )) MB"
  echo "- CSV export of the activity log: $lines lines in $EXPORT_MS ms, RSS growth $(( EXPORT_GROWTH_KB / 1024 )) MB"
  echo "- Start to first 200 from /readyz on the existing database: $START_MS ms"
} > "$OUT.md"
{
  echo "{"
  echo "  \"date\": \"$DATE\", \"mode\": \"$MODE\", \"machine\": \"$MACHINE\","
  echo "  \"dataset\": {\"users\": $USERS, \"big_org_members\": $BIG, \"activity\": $ACTIVITY},"
  echo "  \"threads\": $THREADS, \"connections\": $CONNECTIONS, \"seconds_per_workload\": $SECONDS_EACH,"
  echo "  \"workloads\": ["
  n=0
  for row in "${RESULTS[@]}"; do
    IFS='|' read -r name kind rps p50 p99 errors requests <<<"$row"
    n=$((n + 1)); sep=","; [ "$n" -eq "${#RESULTS[@]}" ] && sep=""
    echo "    {\"name\": \"$name\", \"kind\": \"$kind\", \"requests_per_second\": $rps, \"p50_ms\": $p50, \"p99_ms\": $p99, \"errors\": $errors, \"requests\": $requests}$sep"
  done
  echo "  ],"
  echo "  \"rss_read_peak_kb\": $RSS_READ_KB, \"export\": {\"lines\": $lines, \"ms\": $EXPORT_MS, \"rss_growth_kb\": $EXPORT_GROWTH_KB},"
  echo "  \"start_to_ready_ms\": $START_MS"
  echo "}"
} > "$OUT.json"
cat "$OUT.md"
echo
echo "Wrote $OUT.md and $OUT.json"
