-- Business-flow limits (docs/api.md, Limits): what a caller HOLDS is counted exactly, in the same
-- transaction as the hold itself. A reservation records whom its hold counts against (holder: an
-- anonymous address's keyed hash, or a client's name; NULL when it counts against nobody, as for
-- every reservation made before this) and, for an anonymous hold, which shard of the budget of all
-- anonymous holds it took its nights from.
ALTER TABLE reservations
    ADD COLUMN holder       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER guest_secret_hash,
    ADD COLUMN budget_shard TINYINT UNSIGNED NULL AFTER holder,
    -- Only a refusal reads it: when does this holder's earliest hold expire (its Retry-After)?
    ADD INDEX ix_reservations_holder_status_expires (holder, status, expires_at);

-- One row per holder with a quota: its active holds and held nights, and the quota in force when it
-- last created (from its signed limits). The CHECK is the quota: the create's batch adds to the row
-- last, just before COMMIT, and a create that would go over fails with error 4025 and rolls back
-- whole. Concurrent creates of one holder queue on this row, so the count is exact.
CREATE TABLE IF NOT EXISTS hold_counters (
    holder     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    holds      INT NOT NULL,
    nights     INT NOT NULL,
    max_holds  INT NOT NULL,
    max_nights INT NOT NULL,
    CONSTRAINT ck_hold_counters_quota CHECK (holds <= max_holds AND nights <= max_nights)
) ENGINE = InnoDB;

-- The budget of nights all anonymous holds together may hold (Reservations:AnonymousHeldNightsBudget),
-- split into 16 shards of budget/16 chosen by the holder's hash: the total is never over the budget,
-- and concurrent creates from many addresses queue on 16 rows, not one.
CREATE TABLE IF NOT EXISTS hold_budget (
    shard      TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    nights     INT NOT NULL,
    max_nights INT NOT NULL,
    CONSTRAINT ck_hold_budget_nights CHECK (nights <= max_nights)
) ENGINE = InnoDB;
