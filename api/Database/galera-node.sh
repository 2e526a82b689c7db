#!/bin/bash
# Starts one node of the compose Galera cluster (docker-compose.galera.yml) through the image's own
# entrypoint. Only the founder (GALERA_FOUNDER=1) may found the cluster, and only when no other node
# answers on its group communication port and its data is new or it was the last to stop
# (safe_to_bootstrap: 1), Galera's rule that ./platform up follows too (tools/Topology,
# GaleraStartPlanner). After a crash of every node, recover and mark the most advanced one by hand:
# docs/operating.md, "A database cluster".
set -euo pipefail
state=/var/lib/mysql/grastate.dat
if [ "${GALERA_FOUNDER:-0}" = 1 ]; then
  peer_runs=0
  for peer in ${GALERA_PEERS:-}; do
    if (exec 3<>"/dev/tcp/${peer}/4567") 2>/dev/null; then
      peer_runs=1
    fi
  done
  if [ "$peer_runs" = 0 ] && { [ ! -s "$state" ] || grep -q '^safe_to_bootstrap: 1' "$state"; }; then
    set -- "$@" --wsrep-new-cluster
  fi
fi
exec docker-entrypoint.sh "$@"
