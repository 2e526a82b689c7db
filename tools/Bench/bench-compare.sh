#!/usr/bin/env bash
# `./platform bench compare`: the same create-heavy load (wrk, create.lua: every request books a
# night nobody else asks for) side by side in one run, against the replicas `./platform up` started:
#   direct      straight to one replica
#   gateway-on  our gateway in front of the replicas, limiter and metrics on, under a limit
#               nothing reaches (1,000,000/s per client)
#   nginx       nginx-light in front of the same replicas: round robin, upstream keepalive,
#               limit_req at the same rate
# and prints req/s, p50 and p99 with the gateway/nginx ratios. This is tools/Bench/bench-gateway.sh
# with BENCH_WORKLOAD=create; every BENCH_* setting documented there applies (e.g. BENCH_DURATION,
# BENCH_CONNECTIONS).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
read_platform
[[ $# -eq 0 ]] || {
  printf 'usage: ./platform bench compare (settings by BENCH_* environment variables, see %s)\n' \
    "tools/Bench/bench-gateway.sh" >&2
  exit 64
}
export BENCH_WORKLOAD=create
# 16: below a replica's writers' share (20 of its 30 connections), so creates sent straight to one
# replica are measured, not shed at once with 503 temporary-reduced-capacity.
export BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-16}"
export BENCH_CONFIGS="${BENCH_CONFIGS:-direct gateway-on nginx}"
export BENCH_RESULTS="${BENCH_RESULTS:-$STATE/reports/compare-$(date -u +%Y%m%d-%H%M%S)}"
exec "$SCRIPTS/bench-gateway.sh"
