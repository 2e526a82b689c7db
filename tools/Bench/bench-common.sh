# shellcheck shell=bash
# Sourced by the bench script bench-gateway.sh:
# the helpers they share, and where the running platform is, derived as ./platform derives it, so a
# platform moved by PLATFORM_STATE_DIR, PLATFORM_API_BASE_PORT or PLATFORM_REPLICAS is still the one
# measured.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly SCRIPTS="$ROOT/tools/Bench"

info() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Reads one key=value from a BENCH line.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }

# The platform `./platform up` runs: STATE (PLATFORM_STATE_DIR, else .platform), its MariaDB SOCKET,
# the identity IDENTITY_KEY, the PIDS and LOGS directories, REPLICAS (PLATFORM_REPLICAS, else the
# count the last up or scale left in STATE/replicas, else 3) and REPLICA_PORTS / REPLICA_URLS, replica
# N on PLATFORM_API_BASE_PORT (else 5000) + N. The benches ported to C# (tools/Load/Wrk) read all
# of this from tools/Topology instead; `./platform bench compare` sets these variables from it before
# it runs bench-gateway.sh.
read_platform() {
  local state="${PLATFORM_STATE_DIR:-$ROOT/.platform}" base="${PLATFORM_API_BASE_PORT:-5000}" count n
  count="${PLATFORM_REPLICAS:-}"
  [[ -n "$count" || ! -s "$state/replicas" ]] || count="$(tr -d '[:space:]' <"$state/replicas")"
  count="${count:-3}"
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "PLATFORM_REPLICAS (or $state/replicas) must be a whole number from 1 to 99 (got '$count')"
  if ! [[ "$base" =~ ^[1-9][0-9]{0,4}$ ]] || ((base + 99 > 65535)); then
    die "PLATFORM_API_BASE_PORT must leave room for 99 replicas below 65536 (got '$base')"
  fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  declare -gr STATE="$state" SOCKET="$state/mariadb.sock" IDENTITY_KEY="$state/identity/signing-key"
  # shellcheck disable=SC2034 # read by the scripts that source this file
  declare -gr PIDS="$state/pids" LOGS="$state/logs" REPLICAS="$count"
  declare -ga REPLICA_PORTS=() REPLICA_URLS=()
  for ((n = 1; n <= count; n++)); do
    REPLICA_PORTS+=("$((base + n))")
    REPLICA_URLS+=("http://127.0.0.1:$((base + n))")
  done
  readonly REPLICA_PORTS REPLICA_URLS
}

# The API's nights start at 2100-01-01 (create.lua); the database ceiling's at this day
# (create-transaction.sql), so the two never book the same night.
readonly DB_NIGHTS_FROM="5000-01-01"

# SQL as root over the platform's socket (root has no other way in), on its database; after read_platform.
sql() {
  timeout 60 mariadb --no-defaults --protocol=socket --socket="$SOCKET" --user=root \
    --batch --skip-column-names platform -e "$1"
}

# The first day (counted from 2100-01-01) no earlier run has booked, so runs never collide.
first_free_day() {
  sql "SELECT COALESCE(DATEDIFF(MAX(night), DATE '2100-01-01') + 1, 0) FROM reservation_nights
       WHERE night >= DATE '2100-01-01' AND night < DATE '$DB_NIGHTS_FROM'"
}

# A fresh X-Client-Identity for creates straight to a replica (valid 30 s: one per wrk run), signed
# with the platform's key as the gateway would for the bench's load client; after read_platform.
identity_token() {
  dotnet run -c Release --project "$ROOT/tools/Load/Platform.Load.csproj" -- identity-token \
    "$IDENTITY_KEY" reservations:create POST /api/v1/reservations | tail -n 1
}
