-- The back office's occupancy and revenue report (docs/api.md, Back office) reads the nights held in a
-- range of days across every accommodation: by night first, with the reservation beside it so the join
-- to its status reads the index alone. The primary key (accommodation_id, night) serves one
-- accommodation's range. Added in place: reads and writes go on meanwhile.
ALTER TABLE reservation_nights
    ADD INDEX ix_reservation_nights_night (night, reservation_id),
    ALGORITHM = INPLACE, LOCK = NONE;
