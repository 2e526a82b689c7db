-- Ownership (docs/identity.md): every reservation records the client that created it, and an
-- anonymous guest's reservation the SHA-256 of its guest secret. Rows from before this have the
-- owner '' that no client has: only an admin sees them.
ALTER TABLE reservations
    ADD COLUMN owner_client      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' AFTER total_price,
    ADD COLUMN guest_secret_hash BINARY(32)  NULL AFTER owner_client,
    -- Idempotency keys are per client: two clients using the same key get two reservations.
    DROP INDEX uq_reservations_idempotency_key,
    ADD CONSTRAINT uq_reservations_owner_idempotency_key UNIQUE (owner_client, idempotency_key),
    -- Listing by phone reads only the caller's own; (guest_phone, created_at) stays for admins.
    ADD INDEX ix_reservations_owner_phone_created (owner_client, guest_phone, created_at);
