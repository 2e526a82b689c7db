/* The API's create transaction (api/Reservations/ReservationWriter.cs) for mariadb-slap, which
   ./platform bench writes runs once statement by statement and once as one multi-statement batch. Every
   transaction is unique without client state: the code is 40 random bits in base 32, the night is
   5000-01-01 plus the new reservation id (so it never meets the API's nights, which start in 2100),
   and the outbox row reuses the code through a session variable. Keep one statement per line, no
   semicolon inside a statement and only comments of this kind: the batch is this file on one line. */
START TRANSACTION;
INSERT INTO reservations (code, status, accommodation_id, guest_name, guest_email, guest_phone, check_in, check_out, nights, guests, total_price, idempotency_key, request_hash, expires_at, created_at, updated_at) VALUES (@code := LPAD(CONV(LEFT(MD5(UUID()), 10), 16, 32), 8, '0'), 'pre_reserved', 1 + CONNECTION_ID() MOD 1000, 'Load Test Db', 'load.test@example.com', '+5491100000000', DATE '5000-01-01', DATE '5000-01-02', 1, 1, 100.00, NULL, NULL, NOW(6) + INTERVAL 15 MINUTE, NOW(6), NOW(6));
SELECT 1;
INSERT INTO reservation_nights (accommodation_id, night, reservation_id) VALUES (1 + LAST_INSERT_ID() MOD 1000, DATE '5000-01-01' + INTERVAL LAST_INSERT_ID() DAY, LAST_INSERT_ID());
INSERT INTO outbox (event_type, reservation_code, payload, occurred_at) VALUES ('reservation.created', @code, CONCAT('{"code":"', @code, '","status":"pre_reserved","accommodationId":1,"guestName":"Load Test Db","guestEmail":"load.test@example.com","guestPhone":"+5491100000000","checkIn":"5000-01-01","checkOut":"5000-01-02","nights":1,"guests":1,"totalPrice":100.00,"expiresAt":"5000-01-01T00:15:00Z","createdAt":"5000-01-01T00:00:00Z"}'), NOW(6));
COMMIT;
