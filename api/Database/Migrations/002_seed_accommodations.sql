-- 1,000 accommodations so a fresh platform is usable at once. Deterministic: capacity 2..8,
-- nightly price 80..170, weekend nights 25 % dearer.
INSERT IGNORE INTO accommodations (id, name, capacity, nightly_price, weekend_price)
WITH RECURSIVE n (id) AS (
    SELECT 1
    UNION ALL
    SELECT id + 1 FROM n WHERE id < 1000
)
SELECT id,
       CONCAT('Accommodation ', id),
       2 + id MOD 7,
       80 + (id MOD 10) * 10,
       (80 + (id MOD 10) * 10) * 1.25
FROM n;
