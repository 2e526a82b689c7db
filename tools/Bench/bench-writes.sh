#!/usr/bin/env bash
# Measures the reservations write path against a running platform (`./platform up`):
#   (a) wrk against one replica, (b) one wrk process per replica, all in parallel, and
#   (c) mariadb-slap running the API's own transaction straight against MariaDB (the ceiling),
# each at every concurrency in BENCH_CONCURRENCIES, and prints one Markdown table with the ratios.
# Every create books a night no other request asks for (see create.lua), so any non-2xx is a failure.
#
# Usage: tools/Bench/bench-writes.sh
# Environment (defaults in brackets):
#   BENCH_DURATION [20]          seconds per measured wrk run
#   BENCH_WARMUP [5]             seconds of warm-up before each measured wrk run (0: none)
#   BENCH_CONCURRENCIES ["50 100"]
#   BENCH_DB_TRANSACTIONS [20000] transactions per measured mariadb-slap run (rounded to a
#                                multiple of the concurrency); warm-up runs a tenth of it
#   BENCH_URLS [every replica of the platform: http://127.0.0.1:<PLATFORM_API_BASE_PORT + N>]
#   BENCH_RESULTS [<state>/bench/<UTC time>]   where raw outputs and the table are kept
# The platform is found as ./platform finds it: PLATFORM_STATE_DIR (<state>, default .platform),
# PLATFORM_API_BASE_PORT and PLATFORM_REPLICAS (else the count in <state>/replicas).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
read_platform

readonly DURATION="${BENCH_DURATION:-20}"
readonly WARMUP="${BENCH_WARMUP:-5}"
readonly CONCURRENCIES="${BENCH_CONCURRENCIES:-50 100}"
readonly DB_TRANSACTIONS="${BENCH_DB_TRANSACTIONS:-20000}"
if [[ -n "${BENCH_URLS:-}" ]]; then
  read -r -a URLS <<<"$BENCH_URLS"
else
  URLS=("${REPLICA_URLS[@]}")
fi
readonly URLS
RESULTS="${BENCH_RESULTS:-$STATE/bench/$(date -u +%Y%m%d-%H%M%S)}"
readonly RESULTS

# create.lua books night (offset + block * 16 + thread); a wrk process may use this many days,
# enough for 5,000 requests per second per thread for the whole run.
readonly SPAN_DAYS=$((16 * (5 * (DURATION > WARMUP ? DURATION : WARMUP) + 1)))
# The API's batch as separate statements; `SELECT 1` is the API's stage marker.
readonly STATEMENTS_PER_TX=6

check_prerequisites() {
  local tool url
  for tool in wrk mariadb mariadb-slap curl awk; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
  done
  [[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION must be a whole number of seconds"
  [[ "$WARMUP" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a whole number of seconds"
  [[ "$DB_TRANSACTIONS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DB_TRANSACTIONS must be a positive number"
  ((${#URLS[@]} > 0)) || die "BENCH_URLS names no replica"
  [[ -S "$SOCKET" ]] || die "no MariaDB socket at ${SOCKET#"$ROOT"/}; run './platform up' first"
  sql "SELECT 1" >/dev/null || die "MariaDB does not answer on ${SOCKET#"$ROOT"/}"
  for url in "${URLS[@]}"; do
    curl -fsS --max-time 2 -o /dev/null "$url/health/ready" ||
      die "$url/health/ready does not answer 200; run './platform up' first"
  done
}

next_day=0
# Hands out a disjoint range of SPAN_DAYS days for one wrk process.
allocate_days() {
  allocated=$next_day
  next_day=$((next_day + SPAN_DAYS))
}

# Bytes in each replica log now, so errors logged during the bench can be counted afterwards.
declare -A log_start=()
mark_logs() {
  local log
  for log in "$LOGS"/api-*.log; do
    [[ -e "$log" ]] && log_start["$log"]="$(stat -c %s "$log")"
  done
}
count_log_lines() {
  local level="$1" log total=0 n
  for log in "$LOGS"/api-*.log; do
    [[ -e "$log" ]] || continue
    n="$(tail -c +"$((${log_start["$log"]:-0} + 1))" "$log" | grep -c "\"LogLevel\":\"$level\"" || true)"
    total=$((total + n))
  done
  printf '%s' "$total"
}

# wrk_start NAME URL THREADS CONNECTIONS SECONDS: starts wrk in the background on the next free
# range of days, output in $RESULTS/NAME.txt; its pid is in $wrk_pid.
wrk_start() {
  local name="$1" url="$2" threads="$3" connections="$4" seconds="$5"
  allocate_days
  local identity
  identity="$(identity_token)"
  BENCH_IDENTITY="$identity" timeout $((seconds + 60)) wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s --latency \
    -s "$SCRIPTS/create.lua" "$url" -- "$allocated" "$SPAN_DAYS" >"$RESULTS/$name.txt" 2>&1 &
  wrk_pid=$!
}

# wrk_result NAME PID: waits for that wrk (in this shell: it is our child) and puts its BENCH
# line in $wrk_line.
wrk_result() {
  local name="$1" pid="$2" out="$RESULTS/$1.txt"
  wait "$pid" || die "wrk failed ($name); see $out"
  wrk_line="$(grep '^BENCH ' "$out" | tail -n 1)" || die "no BENCH line in $out"
  [[ "$(field "$wrk_line" overflow)" == 0 ]] || die "$name used more days than allocated; raise SPAN_DAYS"
}

# Per scenario: rps p50 p95 p99 non2xx statuses socket_errors, kept for the table.
declare -A row=()
total_201=0

count_201() {
  local statuses="$1" n
  n="$(tr ',' '\n' <<<"$statuses" | awk -F: '$1 == 201 { print $2 }')"
  total_201=$((total_201 + ${n:-0}))
}

single_replica() {
  local c="$1" line
  if ((WARMUP > 0)); then
    info "one replica, $c connections: warm-up ${WARMUP}s"
    wrk_start "single-c$c-warmup" "${URLS[0]}" 2 "$c" "$WARMUP"
    wrk_result "single-c$c-warmup" "$wrk_pid"
    count_201 "$(field "$wrk_line" statuses)"
  fi
  info "one replica, $c connections: ${DURATION}s"
  wrk_start "single-c$c" "${URLS[0]}" 2 "$c" "$DURATION"
  wrk_result "single-c$c" "$wrk_pid"
  line="$wrk_line"
  count_201 "$(field "$line" statuses)"
  info "$line"
  row["single,$c"]="$(field "$line" rps) $(field "$line" p50_ms) $(field "$line" p95_ms) $(field "$line" p99_ms) $(field "$line" non2xx) $(field "$line" statuses) $(($(field "$line" socket_errors) + $(field "$line" timeouts)))"
}

# One wrk process per replica URL at once, splitting the connections.
all_replicas() {
  local c="$1" phase seconds i share name n=${#URLS[@]}
  local -a pids names
  for phase in warmup measured; do
    if [[ "$phase" == warmup ]]; then
      ((WARMUP > 0)) || continue
      seconds=$WARMUP
    else
      seconds=$DURATION
    fi
    info "$n replicas, $c connections in all: ${phase} ${seconds}s"
    pids=()
    names=()
    for ((i = 0; i < n; i++)); do
      share=$((c / n + (i < c % n ? 1 : 0)))
      name="all-c$c-r$((i + 1))"
      [[ "$phase" == warmup ]] && name="$name-warmup"
      wrk_start "$name" "${URLS[$i]}" 1 "$share" "$seconds"
      pids+=("$wrk_pid")
      names+=("$name")
    done
    local rps=0 p50=0 p95=0 p99=0 non2xx=0 errors=0 statuses="" line
    for ((i = 0; i < n; i++)); do
      name="${names[$i]}"
      wrk_result "$name" "${pids[$i]}"
      line="$wrk_line"
      count_201 "$(field "$line" statuses)"
      [[ "$phase" == warmup ]] && continue
      info "$name: $line"
      rps="$(awk -v a="$rps" -v b="$(field "$line" rps)" 'BEGIN { printf "%.1f", a + b }')"
      # Percentiles cannot be merged from summaries: the table shows the worst of them.
      p50="$(awk -v a="$p50" -v b="$(field "$line" p50_ms)" 'BEGIN { print (b > a ? b : a) }')"
      p95="$(awk -v a="$p95" -v b="$(field "$line" p95_ms)" 'BEGIN { print (b > a ? b : a) }')"
      p99="$(awk -v a="$p99" -v b="$(field "$line" p99_ms)" 'BEGIN { print (b > a ? b : a) }')"
      non2xx=$((non2xx + $(field "$line" non2xx)))
      errors=$((errors + $(field "$line" socket_errors) + $(field "$line" timeouts)))
      statuses="$statuses,$(field "$line" statuses)"
    done
    if [[ "$phase" == measured ]]; then
      statuses="$(tr ',' '\n' <<<"${statuses#,}" | awk -F: 'NF == 2 { n[$1] += $2 } END { for (s in n) printf "%s:%d\n", s, n[s] }' | sort | paste -sd, -)"
      row["all,$c"]="$rps $p50 $p95 $p99 $non2xx ${statuses:--} $errors"
    fi
  done
}

# slap_run NAME CONCURRENCY TRANSACTIONS MODE: prints transactions per second.
# MODE statements: one round trip per statement (what --delimiter=';' does);
# MODE batch: the whole transaction in one round trip, as the API sends it (multi-statement).
slap_run() {
  local name="$1" c="$2" transactions="$3" mode="$4" per_client queries query delimiter out seconds before after
  per_client=$(((transactions + c - 1) / c))
  out="$RESULTS/$name.txt"
  if [[ "$mode" == statements ]]; then
    query="$SCRIPTS/create-transaction.sql"
    delimiter=';'
    # mariadb-slap stops each client after number-of-queries / concurrency statements: a whole
    # number of transactions per client, or a client would stop with its transaction open.
    queries=$((per_client * STATEMENTS_PER_TX * c))
  else
    query="$RESULTS/create-transaction-batch.sql"
    tr '\n' ' ' <"$SCRIPTS/create-transaction.sql" >"$query"
    delimiter='$$'
    queries=$((per_client * c))
  fi
  before="$(sql "SELECT COUNT(*) FROM reservation_nights WHERE night >= DATE '$DB_NIGHTS_FROM'")"
  timeout 600 mariadb-slap --no-defaults --protocol=socket --socket="$SOCKET" --user=root \
    --create-schema=platform --no-drop --iterations=1 --delimiter="$delimiter" --query="$query" \
    --concurrency="$c" --number-of-queries="$queries" >"$out" 2>&1 || die "mariadb-slap failed ($name); see $out"
  after="$(sql "SELECT COUNT(*) FROM reservation_nights WHERE night >= DATE '$DB_NIGHTS_FROM'")"
  # Committed transactions, counted by the database rather than trusted from the tool.
  [[ $((after - before)) -eq $((per_client * c)) ]] ||
    die "$name committed $((after - before)) transactions, expected $((per_client * c)); see $out"
  seconds="$(awk '/Average number of seconds to run all queries/ { print $(NF - 1) }' "$out")"
  [[ -n "$seconds" ]] || die "no timing in $out"
  awk -v n=$((per_client * c)) -v s="$seconds" 'BEGIN { printf "%.1f %d %.3f\n", n / s, n, s }'
}

database_ceiling() {
  local c="$1" mode result
  for mode in statements batch; do
    info "mariadb-slap, $c clients, $mode: warm-up $((DB_TRANSACTIONS / 10)) transactions"
    slap_run "db-$mode-c$c-warmup" "$c" $((DB_TRANSACTIONS / 10)) "$mode" >/dev/null
    info "mariadb-slap, $c clients, $mode: $DB_TRANSACTIONS transactions"
    result="$(slap_run "db-$mode-c$c" "$c" "$DB_TRANSACTIONS" "$mode")"
    info "db-$mode-c$c: tx/s transactions seconds = $result"
    row["db-$mode,$c"]="${result%% *} - - - 0 - 0"
  done
}

# Where the figures come from: the machine, the versions, and the replicas' own overrides of
# runtime and pool settings (read from their environment; the connection string is left out).
describe_setup() {
  local pid_file pid settings=""
  printf -- '- machine: %s cores, %s GiB RAM, kernel %s, CPU %s\n' "$(nproc)" \
    "$(free -g | awk '/^Mem:/ { print $2 }')" "$(uname -r)" \
    "$(lscpu | awk -F: '/^Model name/ { sub(/^[ \t]+/, "", $2); print $2; exit }')"
  printf -- '- MariaDB %s; .NET SDK %s, runtime %s; %s\n' "$(sql "SELECT VERSION()")" \
    "$(dotnet --version 2>/dev/null || printf '?')" \
    "$(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v ? v : "?" }')" \
    "$(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')"
  for pid_file in "$PIDS"/api-*.pid; do
    [[ -e "$pid_file" ]] || continue
    pid="$(<"$pid_file")"
    # `ps e` appends the environment to the command line; only the matching names are kept.
    settings="$(ps ewwo command= -p "$pid" | tr ' ' '\n' |
      grep -E '^(DOTNET_(gc|GC|ThreadPool|Tiered)|Database__(Maximum|Minimum|ConnectionTimeout))' | sort | paste -sd ' ' -)" || true
    break
  done
  printf -- '- replica overrides of runtime/pool settings: %s\n' "${settings:-none (defaults: Server GC, pool 30 per replica, 2 s pool timeout)}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

print_table() {
  local c key label rps p50 p95 p99 non2xx statuses errors n=${#URLS[@]}
  printf '| scenario | concurrency | req/s (tx/s) | p50 ms | p95 ms | p99 ms | non-2xx | statuses | socket errors/timeouts |\n'
  printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n'
  for c in $CONCURRENCIES; do
    for key in single all db-statements db-batch; do
      case "$key" in
        single) label="API, 1 replica (wrk -t2 -c$c)" ;;
        all) label="API, $n replicas ($n × wrk -t1, $c conns in all; worst p of $n)" ;;
        db-statements) label="MariaDB ceiling, 6 statements = 6 round trips (mariadb-slap)" ;;
        db-batch) label="MariaDB ceiling, one batch = 1 round trip, as the API sends it" ;;
      esac
      read -r rps p50 p95 p99 non2xx statuses errors <<<"${row["$key,$c"]}"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$label" "$c" "$rps" "$p50" "$p95" "$p99" "$non2xx" "$statuses" "$errors"
    done
  done
  printf '\n| concurrency | %s replicas / 1 replica | 1 replica / DB batch | %s replicas / DB batch | %s replicas / DB statements |\n' "$n" "$n" "$n"
  printf '| ---: | ---: | ---: | ---: | ---: |\n'
  for c in $CONCURRENCIES; do
    local one all batch statements
    one="${row["single,$c"]%% *}"
    all="${row["all,$c"]%% *}"
    batch="${row["db-batch,$c"]%% *}"
    statements="${row["db-statements,$c"]%% *}"
    printf '| %s | %s | %s | %s | %s |\n' "$c" "$(ratio "$all" "$one")" "$(ratio "$one" "$batch")" \
      "$(ratio "$all" "$batch")" "$(ratio "$all" "$statements")"
  done
}

audit() {
  local api_rows db_rows
  api_rows="$(sql "SELECT COUNT(*) FROM reservations WHERE check_in >= DATE '2100-01-01' AND check_in < DATE '$DB_NIGHTS_FROM'")"
  db_rows="$(sql "SELECT COUNT(*) FROM reservation_nights WHERE night >= DATE '$DB_NIGHTS_FROM'")"
  printf '\nDatabase audit (whole database, after the run):\n'
  printf -- '- reservations: %s before, %s after (+%s); through the API +%s, 201s counted by wrk %s (requests still in flight when wrk stops are created but not counted)\n' \
    "$audit_before" "$(sql "SELECT COUNT(*) FROM reservations")" \
    $(($(sql "SELECT COUNT(*) FROM reservations") - audit_before)) $((api_rows - audit_api_before)) "$total_201"
  printf -- '- through mariadb-slap: +%s\n' $((db_rows - audit_db_before))
  printf -- '- (accommodation, night) held more than once: %s (the primary key forbids it)\n' \
    "$(sql "SELECT COUNT(*) FROM (SELECT 1 FROM reservation_nights GROUP BY accommodation_id, night HAVING COUNT(*) > 1) d")"
  printf -- '- reservations %s, reservation.created events %s, reservations without their created event %s\n' \
    "$(sql "SELECT COUNT(*) FROM reservations")" \
    "$(sql "SELECT COUNT(*) FROM outbox WHERE event_type = 'reservation.created'")" \
    "$(sql "SELECT COUNT(*) FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reservation_code = r.code AND o.event_type = 'reservation.created')")"
  printf -- '- pre-reserved reservations without a night %s; outbox events not yet published %s\n' \
    "$(sql "SELECT COUNT(*) FROM reservations r WHERE r.status = 'pre_reserved' AND NOT EXISTS (SELECT 1 FROM reservation_nights n WHERE n.reservation_id = r.id)")" \
    "$(sql "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")"
  printf -- '- replica log lines during the bench: %s Error, %s Warning\n' "$(count_log_lines Error)" "$(count_log_lines Warning)"
}

main() {
  check_prerequisites
  mkdir -p "$RESULTS"
  started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  next_day="$(first_free_day)"
  audit_before="$(sql "SELECT COUNT(*) FROM reservations")"
  audit_api_before="$(sql "SELECT COUNT(*) FROM reservations WHERE check_in >= DATE '2100-01-01' AND check_in < DATE '$DB_NIGHTS_FROM'")"
  audit_db_before="$(sql "SELECT COUNT(*) FROM reservation_nights WHERE night >= DATE '$DB_NIGHTS_FROM'")"
  mark_logs
  info "results in ${RESULTS#"$ROOT"/}; API nights from day $next_day after 2100-01-01"

  local c
  for c in $CONCURRENCIES; do
    if [[ ! "$c" =~ ^[1-9][0-9]*$ ]] || ((c < ${#URLS[@]})); then
      die "each concurrency must be a whole number >= the number of replicas, ${#URLS[@]} (got '$c')"
    fi
    single_replica "$c"
    all_replicas "$c"
    database_ceiling "$c"
  done

  {
    printf 'Write path, %s to %s; %ss (+%ss warm-up) per wrk run, %s transactions per mariadb-slap run\n\n' \
      "$started" "$(date -u '+%H:%M:%S UTC')" "$DURATION" "$WARMUP" "$DB_TRANSACTIONS"
    describe_setup
    printf '\n'
    print_table
    audit
  } | tee "$RESULTS/table.md"
}

main "$@"
