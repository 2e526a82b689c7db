#!/bin/bash
# The user mariabackup logs in as on a donor to copy its data to a joining node (compose's Galera
# cluster, docker-compose.galera.yml), created once, when the founder initialises its data directory;
# the cluster replicates it. ./platform up needs none: there the donor's root logs in through its socket.
docker_process_sql <<SQL
CREATE USER IF NOT EXISTS 'sst'@'localhost' IDENTIFIED BY '${MARIADB_SST_PASSWORD:?}';
GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sst'@'localhost';
SQL
