#!/bin/bash
# Compose's backup service (docker-compose.scale.yml, service `backup`), in the mariadb image itself so
# mariadb-backup is the server's own version. Every PLATFORM_BACKUP_INTERVAL seconds (0: once, then
# exit) it takes a full backup and saves the binary logs closed since, in the layout `./platform backup`
# writes and `./platform restore --dir` reads (tools/Topology/Backups): a chain per backup,
#   $BACKUP_DIR/chain-STAMP/0000-full/{data/,binlogs/,backup.json}
# written under a name starting with a dot and renamed into place when complete, the oldest chains
# beyond PLATFORM_BACKUP_KEEP_CHAINS deleted, and the success time for the host exporter's textfile
# collector. Only full backups here: this runs where the .NET command line does not, and a full copy
# of a small database each day is cheaper to restore than a chain. tests/Deployment.Tests runs this
# script against a real server and restores from what it wrote, so the two writers cannot drift.
set -euo pipefail

SOCKET="${MARIADB_SOCKET:-/run/mysqld/mysqld.sock}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
METRICS_DIR="${METRICS_DIR:-/metrics}"
INTERVAL="${PLATFORM_BACKUP_INTERVAL:-86400}"
KEEP="${PLATFORM_BACKUP_KEEP_CHAINS:-2}"

[[ "$INTERVAL" =~ ^[0-9]{1,7}$ ]] || { echo "PLATFORM_BACKUP_INTERVAL must be whole seconds (got '$INTERVAL')" >&2; exit 64; }
[[ "$KEEP" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "PLATFORM_BACKUP_KEEP_CHAINS must be 1-999 (got '$KEEP')" >&2; exit 64; }
# root's password, from the file the server's own image takes it from (a compose secret). The clients get
# it as MYSQL_PWD, which mariadb and mariadb-backup both read: a command line is every user's to see in ps.
[[ -r "${MARIADB_ROOT_PASSWORD_FILE:-}" ]] || { echo "MARIADB_ROOT_PASSWORD_FILE must be a readable file holding root's password (got '${MARIADB_ROOT_PASSWORD_FILE:-}')" >&2; exit 64; }
MYSQL_PWD="$(< "$MARIADB_ROOT_PASSWORD_FILE")"
export MYSQL_PWD

sql() { mariadb --user=root --socket="$SOCKET" --batch --skip-column-names -e "$1"; }
utc() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

backup_once() {
  local started stamp scratch target data start_s info file position gtid number open saved binlogs bytes seconds finished name
  started="$(utc)"
  start_s="$(date +%s.%N)"
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$BACKUP_DIR" "$METRICS_DIR"
  rm -rf "$BACKUP_DIR"/.incomplete-*
  scratch="$(mktemp -d "$BACKUP_DIR/.incomplete-XXXXXX")"
  target="$scratch/0000-full"
  data="$target/data"
  mkdir -p "$target/binlogs"
  if ! mariadb-backup --backup --user=root --socket="$SOCKET" --target-dir="$data" >"$target/mariadb-backup.log" 2>&1; then
    tail -n 3 "$target/mariadb-backup.log" >&2
    rm -rf "$scratch"
    return 1
  fi

  info="$(cat "$data/xtrabackup_binlog_info")"
  file="$(cut -f1 <<<"$info")"
  position="$(cut -f2 <<<"$info")"
  gtid="$(cut -s -f3 <<<"$info")"
  number=$((10#${file##*.}))
  # Close the current binary log, then save every closed one from the backup's own on.
  sql "FLUSH BINARY LOGS"
  open="$(sql "SHOW MASTER STATUS" | cut -f1)"
  local basedir
  basedir="$(dirname "$(sql "SELECT @@log_bin_basename")")"
  saved=()
  while ((number < 10#${open##*.})); do
    printf -v name 'mariadb-bin.%06d' "$number"
    cp "$basedir/$name" "$target/binlogs/$name"
    saved+=("\"$name\"")
    number=$((number + 1))
  done
  binlogs="$(IFS=,; echo "${saved[*]-}")"
  bytes="$(du -sb "$target" | cut -f1)"
  seconds="$(awk -v end="$(date +%s.%N)" -v start="$start_s" 'BEGIN { printf "%.3f", end - start }')"
  finished="$(utc)"
  local from to
  from="$(sed -n 's/^from_lsn = //p' "$data/xtrabackup_checkpoints")"
  to="$(sed -n 's/^to_lsn = //p' "$data/xtrabackup_checkpoints")"
  cat >"$target/backup.json" <<JSON
{
  "kind": "full",
  "startedAt": "$started",
  "finishedAt": "$finished",
  "fromLsn": $from,
  "toLsn": $to,
  "binlogFile": "$file",
  "binlogPosition": $position,
  "gtid": "$gtid",
  "binlogs": [$binlogs],
  "bytes": $bytes,
  "seconds": $seconds
}
JSON
  mv "$scratch" "$BACKUP_DIR/chain-$stamp"

  # Retention: the newest $KEEP chains stay.
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name 'chain-*' | sort | head -n "-$KEEP" | xargs -r rm -rf

  # Written whole, then renamed: the collector never reads half a file.
  cat >"$METRICS_DIR/.platform_backup.prom.tmp" <<PROM
# HELP platform_backup_last_success_timestamp_seconds When the last backup finished (Unix time); written by the backup service.
# TYPE platform_backup_last_success_timestamp_seconds gauge
platform_backup_last_success_timestamp_seconds $(date -u -d "$finished" +%s)
# HELP platform_backup_last_size_bytes The size of the last backup, its copy of the data and the binary logs it saved.
# TYPE platform_backup_last_size_bytes gauge
platform_backup_last_size_bytes $bytes
# HELP platform_backup_last_duration_seconds How long the last backup took.
# TYPE platform_backup_last_duration_seconds gauge
platform_backup_last_duration_seconds $seconds
# HELP platform_backup_chain_backups Backups in the current chain (1 after a full backup); a restore applies all but the first as incrementals.
# TYPE platform_backup_chain_backups gauge
platform_backup_chain_backups 1
PROM
  mv "$METRICS_DIR/.platform_backup.prom.tmp" "$METRICS_DIR/platform_backup.prom"
  echo "backup chain-$stamp: $bytes bytes in ${seconds}s, consistent with $file:$position (GTID ${gtid:-none}), binary logs saved: ${binlogs:-none}"
}

# Each backup runs in a process of its own: `set -e` holds inside it, which it would not inside a
# function called as `backup_once || ...`, and a failed step must never reach the rename.
if [[ "${1:-}" == once ]]; then
  backup_once
  exit
fi
while true; do
  if ! bash "${BASH_SOURCE[0]}" once; then
    ((INTERVAL > 0)) || exit 1
    echo "backup failed; the next attempt is in ${INTERVAL}s" >&2
  fi
  ((INTERVAL > 0)) || exit 0
  sleep "$INTERVAL"
done
