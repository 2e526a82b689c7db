#!/usr/bin/env bash
# Compares two running platforms side by side in one run: the same wrk workloads through each one's
# gateway as its `load` bench client, alternating A, B, B, A… so the machine's drift falls on both,
# and prints one Markdown table of medians with the B/A ratios: req/s, p50, p99, and CPU per
# request of the platform's own processes (gateway, replicas and MariaDB, from /proc/PID/stat).
# Made to price a change to the product (e.g. identity: A = the commit before it, B = after), with
# both platforms up at once on different ports (PLATFORM_STATE_DIR and the PLATFORM_*_PORT
# variables of `./platform up`). All traffic stays on 127.0.0.1.
#
# Usage: tools/Bench/bench-paired.sh STATE-DIR-A STATE-DIR-B
# Environment (defaults in brackets):
#   BENCH_ROUNDS [4]          rounds; each runs every workload on both, A first in odd rounds, B first in even
#   BENCH_DURATION [10]       seconds per measured wrk run (after BENCH_WARMUP [5] seconds of the same)
#   BENCH_CONNECTIONS [16]    wrk connections (one wrk thread)
#   BENCH_WORKLOADS ["read create"]  read: GET one reservation of the load client by its code;
#                             create: POST /api/v1/reservations (create.lua, nights nobody else asks for);
#                             health: GET /api/v1/health (the proxy path without the database)
#   BENCH_LABELS ["A B"]      the two columns' names
set -euo pipefail

# The helpers only: the platforms measured are the two named on the command line, not the environment's.
# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
readonly ROUNDS="${BENCH_ROUNDS:-4}"
readonly DURATION="${BENCH_DURATION:-10}"
readonly WARMUP="${BENCH_WARMUP:-5}"
readonly CONNECTIONS="${BENCH_CONNECTIONS:-16}"
read -r -a WORKLOADS <<<"${BENCH_WORKLOADS:-read create}"
read -r -a LABELS <<<"${BENCH_LABELS:-A B}"
# create.lua books night (offset + block * 16 + thread): a run may use this many days.
readonly SPAN_DAYS=$((16 * (5 * 20 + 1)))
CLOCK_TICKS="$(getconf CLK_TCK)"
readonly CLOCK_TICKS

(($# == 2)) || die "usage: tools/Bench/bench-paired.sh STATE-DIR-A STATE-DIR-B"
command -v wrk >/dev/null 2>&1 || die "wrk is not installed (apt-get install wrk)"
STATES=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
readonly STATES

gateway_url() { printf 'http://127.0.0.1:%s' "$(cat "$1/pids/gateway.port")"; }
load_key() { sed -n 's/.*"load": "\([A-Za-z0-9]*\)".*/\1/p' "$1/bench/api-keys.json"; }

# CPU ticks used so far by the platform's serving processes: gateway, replicas, MariaDB.
platform_ticks() {
  local file pid stat total=0
  for file in "$1"/pids/gateway.pid "$1"/pids/api-*.pid "$1"/pids/mariadb.pid; do
    pid="$(cat "$file" 2>/dev/null)" || continue
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -r -a fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  printf '%s' "$total"
}

# One reservation per platform for the read workload, created by its load client.
declare -a READ_PATHS=()
for i in 0 1; do
  url="$(gateway_url "${STATES[$i]}")" key="$(load_key "${STATES[$i]}")"
  [[ -n "$key" ]] || die "no load key in ${STATES[$i]}/bench/api-keys.json"
  body='{"accommodationId":7,"guestName":"Paired Bench","guestEmail":"paired@example.com","guestPhone":"+5491177777777","checkIn":"2099-01-01","checkOut":"2099-01-02","guests":1}'
  code="$(curl -fsS "$url/api/v1/reservations" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: paired-bench-read" -d "$body" | sed -n 's/.*"code":"\([0-9A-Z]*\)".*/\1/p')"
  [[ -n "$code" ]] || die "could not create the read workload's reservation through $url"
  READ_PATHS[i]="/api/v1/reservations/$code"
done

# Creates book nights after every night either platform holds, so none is refused for its dates.
next_day=0
for state in "${STATES[@]}"; do
  booked="$(mariadb --no-defaults --socket="$state/mariadb.sock" -uroot -N -e \
    "SELECT COALESCE(DATEDIFF(MAX(night), '2100-01-01') + 1, 0) FROM platform.reservation_nights")" ||
    die "cannot ask $state's MariaDB for its last booked night"
  ((booked > next_day)) && next_day="$booked"
done
declare -A samples=()

# run I WORKLOAD SECONDS: one wrk run on platform I; prints its BENCH line with cpu_us added.
run() {
  local i="$1" workload="$2" seconds="$3" url key before after line
  url="$(gateway_url "${STATES[$i]}")" key="$(load_key "${STATES[$i]}")"
  local -a script
  if [[ "$workload" == read || "$workload" == health ]]; then
    script=(-s "$SCRIPTS/health.lua" "$url")
    export BENCH_PATH="${READ_PATHS[$i]}"
    [[ "$workload" == health ]] && BENCH_PATH=/api/v1/health
  else
    script=(-s "$SCRIPTS/create.lua" "$url" -- "$next_day" "$SPAN_DAYS")
    next_day=$((next_day + SPAN_DAYS))
  fi
  before="$(platform_ticks "${STATES[$i]}")"
  line="$(BENCH_API_KEY="$key" timeout $((seconds + 30)) wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency \
    "${script[@]}" | grep '^BENCH ' | tail -n 1)" || die "wrk failed against $url"
  after="$(platform_ticks "${STATES[$i]}")"
  awk -v t=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$(field "$line" requests)" -v l="$line" \
    'BEGIN { printf "%s cpu_us=%.1f\n", l, (n > 0 ? t / hz / n * 1e6 : 0) }'
}

# Odd rounds run A first, even rounds B first (A B B A A B…): the platform that runs second meets the
# first one's after-load (its outbox relay catching up, its page flushes), which cost the second side
# 4-7 % of its req/s in a create run (2026-12-06); alternating the order puts that on both sides.
for ((round = 1; round <= ROUNDS; round++)); do
  order=(0 1)
  ((round % 2 == 0)) && order=(1 0)
  for workload in "${WORKLOADS[@]}"; do
    for i in "${order[@]}"; do
      ((WARMUP > 0)) && run "$i" "$workload" "$WARMUP" >/dev/null
      line="$(run "$i" "$workload" "$DURATION")"
      info "round $round, $workload, ${LABELS[$i]}: $line"
      samples["$workload $i"]+="$line"$'\n'
    done
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
stat_of() {
  local line
  while read -r line; do
    if [[ -n "$line" ]]; then field "$line" "$2"; fi
  done <<<"${samples[$1]}" | median
}

printf '\n| workload | metric | %s | %s | %s / %s |\n| --- | --- | ---: | ---: | ---: |\n' "${LABELS[0]}" "${LABELS[1]}" "${LABELS[1]}" "${LABELS[0]}"
for workload in "${WORKLOADS[@]}"; do
  for metric in rps p50_ms p99_ms cpu_us non2xx; do
    a="$(stat_of "$workload 0" "$metric")" b="$(stat_of "$workload 1" "$metric")"
    awk -v w="$workload" -v m="$metric" -v a="$a" -v b="$b" \
      'BEGIN { printf "| %s | %s | %s | %s | %s |\n", w, m, a, b, (a > 0 ? sprintf("%.2f", b / a) : "-") }'
  done
done
printf '\nMedians of %s rounds, wrk -t1 -c%s -d%ss (after %ss of warm-up), %s; CPU = gateway + replicas + MariaDB per request.\n' \
  "$ROUNDS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$(date -u +%Y-%m-%dT%H:%MZ)"
