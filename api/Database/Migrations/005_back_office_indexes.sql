-- The back office's search (docs/api.md, Back office): every filter it accepts leads with one of these,
-- in the order the page is read (newest first, or by check-in), so a page is a range of one index read in
-- order and stopped at its limit: no full scan, no sort of the table. InnoDB appends the primary key to
-- each, which makes (column, id) the keyset the cursor continues from. (accommodation_id, check_in) also
-- serves the foreign key, whose own index it replaces. Added in place: reads and writes go on meanwhile.
ALTER TABLE reservations
    ADD INDEX ix_reservations_created (created_at),
    ADD INDEX ix_reservations_check_in (check_in),
    ADD INDEX ix_reservations_accommodation_created (accommodation_id, created_at),
    ADD INDEX ix_reservations_accommodation_check_in (accommodation_id, check_in),
    ADD INDEX ix_reservations_owner_created (owner_client, created_at),
    ADD INDEX ix_reservations_owner_check_in (owner_client, check_in),
    ADD INDEX ix_reservations_status_created (status, created_at),
    ADD INDEX ix_reservations_status_check_in (status, check_in),
    ADD INDEX ix_reservations_guest_email_created (guest_email, created_at),
    DROP INDEX fk_reservations_accommodation,
    ALGORITHM = INPLACE, LOCK = NONE;
