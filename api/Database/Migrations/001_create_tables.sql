-- Reference data: the places that can be reserved.
CREATE TABLE IF NOT EXISTS accommodations (
    id             INT UNSIGNED   NOT NULL PRIMARY KEY,
    name           VARCHAR(200)   NOT NULL,
    capacity       TINYINT UNSIGNED NOT NULL,
    nightly_price  DECIMAL(10, 2) NOT NULL,
    weekend_price  DECIMAL(10, 2) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reservations (
    id               BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code             CHAR(8)          CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status           ENUM('pre_reserved', 'confirmed', 'cancelled', 'expired') NOT NULL,
    accommodation_id INT UNSIGNED     NOT NULL,
    guest_name       VARCHAR(200)     NOT NULL,
    guest_email      VARCHAR(254)     NOT NULL,
    guest_phone      VARCHAR(16)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    check_in         DATE             NOT NULL,
    check_out        DATE             NOT NULL,
    nights           TINYINT UNSIGNED NOT NULL,
    guests           TINYINT UNSIGNED NOT NULL,
    total_price      DECIMAL(12, 2)   NOT NULL,
    -- The client's Idempotency-Key and a hash of the request it came with; NULL when none was sent
    -- (UNIQUE allows any number of NULLs).
    idempotency_key  VARCHAR(64)      CHARACTER SET ascii COLLATE ascii_bin NULL,
    request_hash     BINARY(32)       NULL,
    expires_at       DATETIME(6)      NOT NULL,
    created_at       DATETIME(6)      NOT NULL,
    updated_at       DATETIME(6)      NOT NULL,
    CONSTRAINT uq_reservations_code UNIQUE (code),
    CONSTRAINT uq_reservations_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT fk_reservations_accommodation FOREIGN KEY (accommodation_id) REFERENCES accommodations (id),
    INDEX ix_reservations_guest_phone_created (guest_phone, created_at),
    -- The expiry sweep reads pre-reservations by how soon they expire.
    INDEX ix_reservations_status_expires (status, expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per night held. The primary key is what refuses an overlapping reservation: a second
-- insert of the same (accommodation, night) fails with 1062 inside the writer's single batch.
CREATE TABLE IF NOT EXISTS reservation_nights (
    accommodation_id INT UNSIGNED    NOT NULL,
    night            DATE            NOT NULL,
    reservation_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (accommodation_id, night),
    INDEX ix_reservation_nights_reservation (reservation_id),
    CONSTRAINT fk_reservation_nights_reservation FOREIGN KEY (reservation_id) REFERENCES reservations (id)
) ENGINE = InnoDB;

-- Events written in the same transaction as the change they describe; the relay publishes them.
CREATE TABLE IF NOT EXISTS outbox (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_type       VARCHAR(64)     CHARACTER SET ascii NOT NULL,
    reservation_code CHAR(8)         CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payload          TEXT            NOT NULL,
    occurred_at      DATETIME(6)     NOT NULL,
    published_at     DATETIME(6)     NULL,
    -- Unpublished events are found through (published_at IS NULL, id); retention deletes by published_at.
    INDEX ix_outbox_published (published_at, id),
    INDEX ix_outbox_reservation (reservation_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
