#!/bin/bash
# The MariaDB exporter's own user in the compose MariaDB, created once, when the container initialises
# its data directory (the image sources /docker-entrypoint-initdb.d/*.sh, with docker_process_sql).
# The same grants as `./platform up` gives it: every session (PROCESS), the server's status, and
# nothing of the platform's data; a few connections at most. tests/Deployment.Tests holds them to
# MariaDbService.ExporterSql in tools/Topology.
docker_process_sql <<SQL
CREATE USER IF NOT EXISTS 'exporter'@'%' IDENTIFIED BY '${MARIADB_EXPORTER_PASSWORD:?}' WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'exporter'@'%';
GRANT SELECT ON performance_schema.* TO 'exporter'@'%';
SQL
