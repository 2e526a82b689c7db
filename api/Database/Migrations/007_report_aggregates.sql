-- The back office's reports (docs/api.md, Back office; docs/reports.md) read running totals kept here
-- rather than the raw tables: a month of every place is 31 rows, whatever the number of reservations.
-- They are folded in from the outbox events by the replica that relays them (api/Reports/ReportFolder.cs),
-- in the same transaction that marks each event folded, so an event is counted exactly once however
-- often the fold is retried; nothing is added to the create's batch.

-- Per night stayed, across every accommodation: nights held by confirmed reservations (sold) and by
-- pre-reservations (held), and their revenue, each night at the price a create charged for it.
CREATE TABLE IF NOT EXISTS report_nights (
    night             DATE           NOT NULL PRIMARY KEY,
    nights_confirmed  INT            NOT NULL,
    nights_held       INT            NOT NULL,
    revenue_confirmed DECIMAL(14, 2) NOT NULL,
    revenue_held      DECIMAL(14, 2) NOT NULL
) ENGINE = InnoDB;

-- Per UTC day of creation, owner client (the channel) and status: how many reservations, their nights
-- and their value.
CREATE TABLE IF NOT EXISTS report_created (
    created_day  DATE           NOT NULL,
    owner_client VARCHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status       ENUM('pre_reserved', 'confirmed', 'cancelled', 'expired') NOT NULL,
    reservations INT            NOT NULL,
    nights       INT            NOT NULL,
    value        DECIMAL(16, 2) NOT NULL,
    PRIMARY KEY (created_day, owner_client, status)
) ENGINE = InnoDB;

-- One row: whether the totals above have been built from the raw tables (NULL: a rebuild is owed, as
-- after this migration or a seed that wrote the tables directly), and a version that every fold and
-- rebuild raises (the replicas' report caches compare it).
CREATE TABLE IF NOT EXISTS report_state (
    id       TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    built_at DATETIME(6)      NULL,
    version  BIGINT UNSIGNED  NOT NULL
) ENGINE = InnoDB;
INSERT IGNORE INTO report_state (id, built_at, version) VALUES (1, NULL, 0);

-- When an event was folded into the totals; retention keeps an event until it is both published and folded.
ALTER TABLE outbox
    ADD COLUMN folded_at DATETIME(6) NULL AFTER published_at,
    ADD INDEX ix_outbox_folded (folded_at, id);
