#!/usr/bin/env bash
# Measures what the gateway adds per request, side by side in one run: wrk GET /api/v1/health
# (or, with BENCH_WORKLOAD=create, creates that each book a night no other request asks for)
#   (a) direct     straight to one replica
#   (b) gateway-on the gateway (Release publish) with client identification, rate limiting and
#                  metrics on, under a limit nothing reaches (1,000,000/s, burst 10,000,000)
#   (c) gateway-off the same gateway with rate limiting off and no metrics port
#   (d) nginx      nginx round robin over the replicas, upstream keepalive, limit_req at (b)'s rate
#   (e) yarp-floor YARP with nothing of ours (tools/YarpFloor: Kestrel, routing, the proxy), the
#                  floor under the gateway's cost
#   (f) gateway-baseline  (b) as of the commit BENCH_BASELINE, to price a change side by side
# each warmed up first with the same shape, then measured; BENCH_ROUNDS rounds run every
# configuration in turn (a, b, c…, a, b, c…) so the machine's drift falls on all of them, and the
# table gives each column's median over the rounds, with the ratios. Needs the replicas of
# `./platform up` (found as ./platform finds them: PLATFORM_STATE_DIR, <state> below, default
# .platform; PLATFORM_API_BASE_PORT; PLATFORM_REPLICAS, else <state>/replicas); direct goes to
# replica 1, the proxies to all of them. Starts and stops the gateway and nginx itself. All
# traffic stays on 127.0.0.1.
#
# Usage: tools/Bench/bench-gateway.sh
# Environment (defaults in brackets):
#   BENCH_DURATION [15]      seconds per measured run (at most 20)
#   BENCH_WARMUP [20]        seconds of warm-up before each measured run (0: none); a fresh gateway
#                            is still compiling (tiered JIT, PGO) for its first ~15 s
#   BENCH_CONNECTIONS [32]   wrk connections       BENCH_THREADS [1]  wrk threads
#   BENCH_CONFIGS ["direct gateway-on gateway-off nginx"]   which of (a)-(f) to run, in this order
#   BENCH_ROUNDS [1]         rounds (at most 9); the table holds each column's median
#   BENCH_BASELINE [""]      the commit (f) is published from (through a temporary git worktree)
#   BENCH_WORKLOAD [health]  health: GET /api/v1/health; create: POST /api/v1/reservations (create.lua,
#                            each wrk run on its own range of days after every night already booked)
#   BENCH_GATEWAY_ENV [""]   extra NAME=VALUE settings for both gateway runs, space separated
#                            (for tuning: e.g. "DOTNET_gcServer=0 Logging__LogLevel__Default=Warning")
#   BENCH_PUBLISH_ARGS [""]  extra arguments to `dotnet publish` of the gateway (e.g. -p:PublishReadyToRun=true)
#   BENCH_PUBLISH [1]        0: reuse the last publish in <state>/bench/gateway-app (for a series of tuning runs)
#   BENCH_GATEWAY_PORT [18080]  BENCH_METRICS_PORT [19100]  BENCH_NGINX_PORT [18090]
#   BENCH_RESULTS [<state>/bench/<UTC time>-gateway]   raw outputs, logs and the table
#   BENCH_ALLOCATIONS [0]    1: also count the bytes the .NET proxies (gateway, floor) allocate per
#                            request during each measured run (dotnet-counters, installed into
#                            <state>/tools from NuGet on first use; the runtime's allocation counter
#                            read every second)
#   BENCH_PROFILE [0]        1: record the proxy's CPU with perf (cpu-clock, 999 Hz, call stacks)
#                            during each measured run, the gateway with DOTNET_PerfMapEnabled=1,
#                            DOTNET_ReadyToRun=0 and DOTNET_EnableWriteXorExecute=0 so all its code
#                            has names; writes NAME.svg (flame graph) and
#                            NAME-breakdown.md (where the time goes) with tools/Bench/flamegraph.py.
#                            The profiled run's req/s and CPU are perf's too: compare unprofiled runs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
read_platform
readonly APP="$STATE/bench/gateway-app"
readonly FLOOR_APP="$STATE/bench/yarp-floor-app"
readonly BASELINE_APP="$STATE/bench/gateway-baseline-app"
readonly BASELINE="${BENCH_BASELINE:-}"
readonly NGINX_PREFIX="$STATE/bench/nginx"
readonly REPLICA_URL="${REPLICA_URLS[0]}"
readonly HEALTH_PATH="/api/v1/health"

readonly DURATION="${BENCH_DURATION:-15}"
readonly WARMUP="${BENCH_WARMUP:-20}"
readonly CONNECTIONS="${BENCH_CONNECTIONS:-32}"
readonly THREADS="${BENCH_THREADS:-1}"
readonly ROUNDS="${BENCH_ROUNDS:-1}"
read -r -a CONFIGS <<<"${BENCH_CONFIGS:-direct gateway-on gateway-off nginx}"
readonly CONFIGS
read -r -a GATEWAY_ENV <<<"${BENCH_GATEWAY_ENV:-}"
readonly GATEWAY_ENV
read -r -a PUBLISH_ARGS <<<"${BENCH_PUBLISH_ARGS:-}"
readonly PUBLISH_ARGS
readonly PUBLISH="${BENCH_PUBLISH:-1}"
readonly GATEWAY_PORT="${BENCH_GATEWAY_PORT:-18080}"
readonly METRICS_PORT="${BENCH_METRICS_PORT:-19100}"
readonly NGINX_PORT="${BENCH_NGINX_PORT:-18090}"
readonly WORKLOAD="${BENCH_WORKLOAD:-health}"
readonly PROFILE="${BENCH_PROFILE:-0}"
readonly ALLOCATIONS="${BENCH_ALLOCATIONS:-0}"
readonly COUNTERS="$STATE/tools/dotnet-counters"
# create.lua books night (offset + block * 16 + thread); one wrk run may use this many days, enough
# for 5,000 requests per second per thread for the longest run allowed (20 s).
readonly SPAN_DAYS=$((16 * (5 * 20 + 1)))
RESULTS="${BENCH_RESULTS:-$STATE/bench/$(date -u +%Y%m%d-%H%M%S)-gateway}"
readonly RESULTS

# Seconds a started proxy may take to answer, and to exit after SIGTERM before it is killed.
readonly READY_TIMEOUT=30
readonly STOP_TIMEOUT=20
CLOCK_TICKS="$(getconf CLK_TCK)"
readonly CLOCK_TICKS

# Installs Debian packages for missing commands (command:package pairs), as ./platform does.
ensure_commands() {
  local pair
  local -a missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ "$(id -u)" -eq 0 ]] || die "missing Debian packages: ${missing[*]} (install them as root)"
  info "installing Debian packages: ${missing[*]}"
  # RUNLEVEL=1: the nginx package must not start a system-wide nginx on port 80.
  env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get update -qq
  env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_prerequisites() {
  local port
  ensure_commands wrk:wrk nginx:nginx-light curl:curl
  [[ "$PROFILE" == 0 || "$PROFILE" == 1 ]] || die "BENCH_PROFILE must be 0 or 1"
  [[ "$PROFILE" == 0 ]] || ensure_commands perf:linux-perf python3:python3
  [[ "$ALLOCATIONS" == 0 || "$ALLOCATIONS" == 1 ]] || die "BENCH_ALLOCATIONS must be 0 or 1"
  if [[ "$ALLOCATIONS" == 1 && ! -x "$COUNTERS" ]]; then
    info "installing dotnet-counters into ${COUNTERS%/*}"
    dotnet tool install dotnet-counters --tool-path "${COUNTERS%/*}" >/dev/null || die "could not install dotnet-counters"
  fi
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK ('dotnet') is not on PATH"
  if ! [[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || ((DURATION > 20)); then
    die "BENCH_DURATION must be 1 to 20 seconds"
  fi
  if ! [[ "$WARMUP" =~ ^[0-9]+$ ]] || ((WARMUP > 20)); then
    die "BENCH_WARMUP must be 0 to 20 seconds"
  fi
  [[ "$CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive number"
  [[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive number"
  [[ "$ROUNDS" =~ ^[1-9]$ ]] || die "BENCH_ROUNDS must be 1 to 9"
  case "$WORKLOAD" in
    health) ;;
    create)
      ((THREADS <= 16)) || die "BENCH_WORKLOAD=create supports at most 16 wrk threads"
      [[ -S "$SOCKET" ]] || die "no MariaDB socket at ${SOCKET#"$ROOT"/}; run './platform up' first"
      next_day="$(first_free_day)" || die "MariaDB does not answer on ${SOCKET#"$ROOT"/}"
      ;;
    *) die "BENCH_WORKLOAD must be health or create (got '$WORKLOAD')" ;;
  esac
  for port in "${REPLICA_PORTS[@]}"; do
    curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port$HEALTH_PATH" ||
      die "http://127.0.0.1:$port$HEALTH_PATH does not answer 200; run './platform up' first"
  done
  for port in "$GATEWAY_PORT" "$METRICS_PORT" "$NGINX_PORT"; do
    port_in_use "$port" && die "port $port is taken; choose others with BENCH_GATEWAY_PORT, BENCH_METRICS_PORT, BENCH_NGINX_PORT"
  done
  return 0
}

next_day=0

# workload_args BASE-URL ARRAY: wrk's script and its arguments for one run, into the named array; for
# creates, a fresh range of SPAN_DAYS days. It must run in this shell, not in a $( ) or < <( ) subshell,
# or next_day would not advance and every run after the first would book nights already booked.
# shellcheck disable=SC2034 # args is a nameref: its assignments fill the caller's array
workload_args() {
  local -n args="$2"
  if [[ "$WORKLOAD" == create ]]; then
    args=(-s "$SCRIPTS/create.lua" "$1/api/v1/reservations" -- "$next_day" "$SPAN_DAYS")
    next_day=$((next_day + SPAN_DAYS))
  else
    args=(-s "$SCRIPTS/health.lua" "$1$HEALTH_PATH")
  fi
}

publish_gateway() {
  if [[ "$PUBLISH" == 0 && -f "$APP/Platform.Gateway.dll" ]]; then
    info "reusing the gateway published in ${APP#"$ROOT"/}"
    return 0
  fi
  info "publishing the gateway (dotnet publish -c Release ${PUBLISH_ARGS[*]})"
  rm -rf "$APP"
  dotnet publish "$ROOT/gateway/Gateway.csproj" -c Release -o "$APP" --nologo -v quiet -clp:NoSummary \
    "${PUBLISH_ARGS[@]}" >"$RESULTS/publish.txt" 2>&1 || die "dotnet publish failed; see $RESULTS/publish.txt"
}

publish_floor() {
  [[ "$PUBLISH" == 0 && -f "$FLOOR_APP/Platform.YarpFloor.dll" ]] && return 0
  info "publishing the YARP floor (dotnet publish -c Release ${PUBLISH_ARGS[*]})"
  rm -rf "$FLOOR_APP"
  dotnet publish "$ROOT/tools/YarpFloor/YarpFloor.csproj" -c Release -o "$FLOOR_APP" --nologo -v quiet -clp:NoSummary \
    "${PUBLISH_ARGS[@]}" >"$RESULTS/publish-floor.txt" 2>&1 || die "dotnet publish failed; see $RESULTS/publish-floor.txt"
}

publish_baseline() {
  [[ -n "$BASELINE" ]] || die "gateway-baseline needs BENCH_BASELINE=<commit>"
  local commit tree="$STATE/bench/baseline-tree"
  commit="$(git -C "$ROOT" rev-parse --verify --quiet "$BASELINE^{commit}")" || die "BENCH_BASELINE '$BASELINE' is not a commit"
  if [[ -f "$BASELINE_APP/commit" && "$(cat "$BASELINE_APP/commit")" == "$commit" ]]; then
    info "reusing the baseline gateway of ${commit:0:7} in ${BASELINE_APP#"$ROOT"/}"
    return 0
  fi
  info "publishing the gateway as of ${commit:0:7} (dotnet publish -c Release ${PUBLISH_ARGS[*]})"
  git -C "$ROOT" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"
  git -C "$ROOT" worktree add --detach "$tree" "$commit" >"$RESULTS/publish-baseline.txt" 2>&1 || die "no worktree for $commit"
  rm -rf "$BASELINE_APP"
  dotnet publish "$tree/gateway/Gateway.csproj" -c Release -o "$BASELINE_APP" --nologo -v quiet -clp:NoSummary \
    "${PUBLISH_ARGS[@]}" >>"$RESULTS/publish-baseline.txt" 2>&1 || die "dotnet publish failed; see $RESULTS/publish-baseline.txt"
  git -C "$ROOT" worktree remove --force "$tree"
  printf '%s\n' "$commit" >"$BASELINE_APP/commit"
}

# ---------------------------------------------------------------------------------------------
# Processes this script starts, and only those, are stopped by it (also on exit or Ctrl-C).

proxy_pid=""

stop_proxy() {
  [[ -n "$proxy_pid" ]] || return 0
  local waited=0
  kill -TERM "$proxy_pid" 2>/dev/null || true
  while kill -0 "$proxy_pid" 2>/dev/null && ((waited < STOP_TIMEOUT * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
}
trap stop_proxy EXIT

wait_ready() {
  local name="$1" url="$2" log="$3" waited=0
  until curl -fs --max-time 1 -o /dev/null "$url"; do
    kill -0 "$proxy_pid" 2>/dev/null || die "$name exited before answering; see $log"
    ((waited < READY_TIMEOUT * 10)) || die "$name did not answer $url within ${READY_TIMEOUT}s; see $log"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# start_gateway NAME NAME=VALUE...: the published gateway (or, for yarp-floor, the floor) on
# GATEWAY_PORT with those settings.
start_gateway() {
  local name="$1" log="$RESULTS/$1.log" n destinations=() app="$APP" dll=Platform.Gateway.dll
  [[ "$1" == yarp-floor ]] && app="$FLOOR_APP" dll=Platform.YarpFloor.dll
  [[ "$1" == gateway-baseline ]] && app="$BASELINE_APP"
  shift
  for n in "${!REPLICA_URLS[@]}"; do
    destinations+=("ReverseProxy__Clusters__replicas__Destinations__replica-$((n + 1))__Address=${REPLICA_URLS[$n]}")
  done
  local -a profiling=()
  # The perf map names code compiled at run time; ReadyToRun off, so the framework's precompiled
  # code is compiled at run time too and named (tiered compilation and PGO still apply); W^X off,
  # or compiled code runs from an anonymous double mapping that perf cannot match to the map.
  [[ "$PROFILE" == 1 ]] && profiling=(DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0)
  (
    cd "$app"
    exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
      Identity__SigningKeyFile="$IDENTITY_KEY" ASPNETCORE_URLS="http://127.0.0.1:$GATEWAY_PORT" "${destinations[@]}" "$@" "${GATEWAY_ENV[@]}" "${profiling[@]}" \
      dotnet "$dll"
  ) >>"$log" 2>&1 &
  proxy_pid=$!
  wait_ready "$name" "http://127.0.0.1:$GATEWAY_PORT$HEALTH_PATH" "$log"
}

# nginx-gateway.conf with its port, and one upstream server line per replica in place of @REPLICAS@.
start_nginx() {
  local log="$RESULTS/nginx.log" line port servers=""
  mkdir -p "$NGINX_PREFIX/tmp" "$NGINX_PREFIX/logs"
  for port in "${REPLICA_PORTS[@]}"; do
    servers+="    server 127.0.0.1:$port;"$'\n'
  done
  while IFS= read -r line; do
    if [[ "$line" == *@REPLICAS@* ]]; then
      printf '%s' "$servers"
    else
      printf '%s\n' "${line//@PORT@/$NGINX_PORT}"
    fi
  done <"$SCRIPTS/nginx-gateway.conf" >"$NGINX_PREFIX/nginx.conf"
  nginx -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" -t >"$log" 2>&1 || die "nginx rejects its configuration; see $log"
  nginx -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" \
    -g "daemon off; pid $NGINX_PREFIX/nginx.pid; error_log $NGINX_PREFIX/logs/error.log warn;" >>"$log" 2>&1 &
  proxy_pid=$!
  wait_ready nginx "http://127.0.0.1:$NGINX_PORT$HEALTH_PATH" "$log"
}

# CPU seconds × CLK_TCK used so far by a process (all its threads) and its child processes that run.
cpu_ticks() {
  local pid total=0 stat
  for pid in "$1" $(pgrep -P "$1" || true); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    # Fields after the command name, which is in parentheses and may hold spaces: utime is 14, stime 15.
    read -r -a fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  printf '%s' "$total"
}

declare -A rounds=() row=()
round=1

# Each configuration's row: the median of each numeric column over its rounds (statuses: every
# round's, joined; non-2xx and errors: summed, since any is a fault of the run).
summarise() {
  local config
  for config in "${CONFIGS[@]}"; do
    [[ -n "${rounds[$config]:-}" ]] || continue
    row["$config"]="$(printf '%s' "${rounds[$config]}" | awk '
      { for (i = 1; i <= 4; i++) v[i, NR] = $i; v[8, NR] = $8; non2xx += $5; errors += $7; statuses = statuses (NR > 1 ? "," : "") $6 }
      function median(col,   n, i, j, t, a) {
        n = NR; for (i = 1; i <= n; i++) a[i] = v[col, i] + 0
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
      }
      END { printf "%s %s %s %s %d %s %d %s", median(1), median(2), median(3), median(4), non2xx, statuses, errors, (v[8, 1] == "-" ? "-" : median(8)) }')"
  done
}

# measure NAME BASE-URL PID: warm-up, then the measured run; PID's CPU is counted during the latter.
measure() {
  local name="$1" base="$2" pid="$3" out="$RESULTS/$1-round$round.txt" before after line cpu_us
  local -a run
  if ((WARMUP > 0)); then
    info "$name: warm-up ${WARMUP}s"
    workload_args "$base" run
    [[ "$WORKLOAD" == create ]] && BENCH_IDENTITY="$(identity_token)" && export BENCH_IDENTITY
    timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s --latency \
      "${run[@]}" >"$RESULTS/$name-warmup$round.txt" 2>&1 || die "wrk failed; see $RESULTS/$name-warmup$round.txt"
  fi
  info "$name: ${DURATION}s, $CONNECTIONS connections, $THREADS wrk thread(s), $WORKLOAD"
  workload_args "$base" run
  [[ "$WORKLOAD" == create ]] && BENCH_IDENTITY="$(identity_token)" && export BENCH_IDENTITY
  before="$(cpu_ticks "$pid")"
  local counting="" allocations="$RESULTS/$name-round$round.allocations.csv"
  if [[ "$ALLOCATIONS" == 1 && "$name" != direct && "$name" != nginx ]]; then
    "$COUNTERS" collect -p "$pid" --counters System.Runtime --format csv -o "$allocations" \
      --refresh-interval 1 --duration "00:00:$(printf '%02d' "$DURATION")" >"$RESULTS/$name.counters.log" 2>&1 &
    counting=$!
  fi
  local recorder=""
  if [[ "$PROFILE" == 1 && "$name" != direct ]]; then
    # nginx's workers are its master's children.
    perf record -e cpu-clock -F 999 -g -p "$(pgrep -P "$pid" | paste -sd, | sed "s/^/$pid,/;s/,\$//")" \
      -o "$RESULTS/$name.perf.data" -- sleep "$DURATION" \
      >"$RESULTS/$name.perf.log" 2>&1 &
    recorder=$!
  fi
  timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency \
    "${run[@]}" >"$out" 2>&1 || die "wrk failed; see $out"
  after="$(cpu_ticks "$pid")"
  if [[ -n "$recorder" ]]; then
    wait "$recorder" || die "perf record failed; see $RESULTS/$name.perf.log"
    perf script -i "$RESULTS/$name.perf.data" 2>>"$RESULTS/$name.perf.log" |
      python3 "$SCRIPTS/flamegraph.py" --svg "$RESULTS/$name.svg" --table "$RESULTS/$name-breakdown.md" \
        --title "$name: CPU of the proxy process, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $WORKLOAD ($(date -u +%Y-%m-%d))" ||
      die "no flame graph; see $RESULTS/$name.perf.log"
    info "$name: flame graph $RESULTS/$name.svg, breakdown $RESULTS/$name-breakdown.md"
  fi
  line="$(grep '^BENCH ' "$out" | tail -n 1)" || die "no BENCH line in $out"
  local bytes_per_request=-
  if [[ -n "$counting" ]]; then
    wait "$counting" || die "dotnet-counters failed; see $RESULTS/$name.counters.log"
    # Each row is the bytes allocated in one second: their sum over the run, per request.
    bytes_per_request="$(awk -F, -v n="$(field "$line" requests)" \
      '$3 ~ /dotnet.gc.heap.total_allocated/ { total += $NF } END { printf "%.0f", (n > 0 ? total / n : 0) }' "$allocations")"
  fi
  info "$name: $line"
  cpu_us="$(awk -v t=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$(field "$line" requests)" \
    'BEGIN { printf "%.1f", (n > 0 ? t / hz / n * 1e6 : 0) }')"
  rounds["$name"]+="$(field "$line" rps) $(field "$line" p50_ms) $(field "$line" p99_ms) $cpu_us $(field "$line" non2xx) $(field "$line" statuses) $(($(field "$line" socket_errors) + $(field "$line" timeouts))) $bytes_per_request"$'\n'
}

# has_header URL NAME: whether the response carries that header (the limiter's own, to prove it ran).
has_header() { curl -fsS --max-time 2 -D - -o /dev/null "$1" | grep -qi "^$2:"; }

run_config() {
  local config="$1" url
  case "$config" in
    direct)
      measure direct "$REPLICA_URL" "$(cat "$PIDS/api-1.pid" 2>/dev/null || echo 0)"
      ;;
    gateway-on | gateway-baseline)
      start_gateway "$config" Metrics__Port="$METRICS_PORT" RateLimiting__Enabled=true \
        RateLimiting__Policies__anonymous__PermitsPerSecond=1000000 RateLimiting__Policies__anonymous__Burst=10000000 \
        RateLimiting__AnonymousCeiling__PermitsPerSecond=1000000 RateLimiting__AnonymousCeiling__Burst=10000000
      url="http://127.0.0.1:$GATEWAY_PORT$HEALTH_PATH"
      has_header "$url" RateLimit-Policy || die "$config answers without RateLimit headers: the limiter is not running"
      measure "$config" "http://127.0.0.1:$GATEWAY_PORT" "$proxy_pid"
      stop_proxy
      ;;
    gateway-off)
      start_gateway gateway-off Metrics__Port=0 RateLimiting__Enabled=false
      url="http://127.0.0.1:$GATEWAY_PORT$HEALTH_PATH"
      has_header "$url" RateLimit-Policy && die "gateway-off answers with RateLimit headers: the limiter is still on"
      measure gateway-off "http://127.0.0.1:$GATEWAY_PORT" "$proxy_pid"
      stop_proxy
      ;;
    nginx)
      start_nginx
      measure nginx "http://127.0.0.1:$NGINX_PORT" "$proxy_pid"
      stop_proxy
      ;;
    yarp-floor)
      start_gateway yarp-floor
      measure yarp-floor "http://127.0.0.1:$GATEWAY_PORT" "$proxy_pid"
      stop_proxy
      ;;
    *) die "unknown configuration '$config' in BENCH_CONFIGS (direct, gateway-on, gateway-off, nginx, yarp-floor, gateway-baseline)" ;;
  esac
}

# ratio A B [COLUMN]: A's value over B's in that column of their rows (1: req/s, 4: CPU per request).
ratio() {
  local a="${row[$1]:-}" b="${row[$2]:-}" column="${3:-1}"
  [[ -n "$a" && -n "$b" ]] || {
    printf -- '-'
    return
  }
  awk -v x="$(cut -d' ' -f"$column" <<<"$a")" -v y="$(cut -d' ' -f"$column" <<<"$b")" 'BEGIN { printf "%.2f", (y > 0 ? x / y : 0) }'
}

print_table() {
  local config rps p50 p99 cpu non2xx statuses errors allocated
  printf '\n| configuration | req/s | p50 ms | p99 ms | proxy CPU µs/req | allocated B/req | non-2xx | statuses | socket errors/timeouts |\n'
  printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n'
  for config in "${CONFIGS[@]}"; do
    [[ -n "${row[$config]:-}" ]] || continue
    read -r rps p50 p99 cpu non2xx statuses errors allocated <<<"${row[$config]}"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$config" "$rps" "$p50" "$p99" "$cpu" "$allocated" "$non2xx" "$statuses" "$errors"
  done
  printf '\n| req/s | gateway-on / gateway-off | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline | gateway-on / direct | nginx / direct |\n'
  printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
  printf '| ratio | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(ratio gateway-on gateway-off)" "$(ratio gateway-on nginx)" \
    "$(ratio gateway-off nginx)" "$(ratio yarp-floor nginx)" "$(ratio gateway-on yarp-floor)" "$(ratio gateway-on gateway-baseline)" "$(ratio gateway-on direct)" "$(ratio nginx direct)"
  printf '\n| proxy CPU per request | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline |\n'
  printf '| --- | ---: | ---: | ---: | ---: | ---: |\n'
  printf '| ratio | %s | %s | %s | %s | %s |\n' "$(ratio gateway-on nginx 4)" "$(ratio gateway-off nginx 4)" \
    "$(ratio yarp-floor nginx 4)" "$(ratio gateway-on yarp-floor 4)" "$(ratio gateway-on gateway-baseline 4)"
  printf '\n(medians of %s round(s); "proxy CPU" is the CPU time of the gateway, the floor or nginx processes, or of replica 1 for direct, per request)\n' "$ROUNDS"
}

main() {
  mkdir -p "$RESULTS"
  check_prerequisites
  local config
  [[ " ${CONFIGS[*]} " == *" gateway-"* ]] && publish_gateway
  [[ " ${CONFIGS[*]} " == *" yarp-floor "* ]] && publish_floor
  [[ " ${CONFIGS[*]} " == *" gateway-baseline "* ]] && publish_baseline
  {
    printf 'date: %s\nwrk: -t%s -c%s -d%ss (warm-up %ss), workload %s, %s round(s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$WORKLOAD" "$ROUNDS"
    printf 'gateway extra settings: %s\npublish arguments: %s\n' "${GATEWAY_ENV[*]:-none}" "${PUBLISH_ARGS[*]:-none}"
  } >"$RESULTS/settings.txt"
  for ((round = 1; round <= ROUNDS; round++)); do
    ((ROUNDS == 1)) || info "round $round of $ROUNDS"
    for config in "${CONFIGS[@]}"; do
      run_config "$config"
    done
  done
  summarise
  print_table | tee "$RESULTS/table.md"
  info "raw outputs in ${RESULTS#"$ROOT"/}"
  # Every create books a night no other request asks for, so anything but 201 is a fault of the run.
  if [[ "$WORKLOAD" == create ]]; then
    local non2xx bad=""
    for config in "${CONFIGS[@]}"; do
      non2xx="$(cut -d' ' -f5 <<<"${row[$config]:-0 0 0 0 0}")"
      ((non2xx == 0)) || bad+=" $config:$non2xx"
    done
    [[ -z "$bad" ]] || die "creates answered other than 201 (configuration:count):$bad; see the statuses column"
  fi
}

main "$@"
