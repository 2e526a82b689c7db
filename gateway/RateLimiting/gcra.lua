-- One token bucket as GCRA, atomically, on Redis's own clock so every gateway agrees on "now".
-- KEYS[1]  the bucket: its value is the theoretical arrival time (TAT) in microseconds
-- ARGV[1]  emission interval: microseconds one permit costs
-- ARGV[2]  tolerance: burst × emission interval, in microseconds
-- ARGV[3]  permits to take
-- Returns { admitted (1/0), backlog µs (how far the bucket is drawn down), wait µs (0 if admitted) }.
-- Microseconds since the epoch stay below 2^53, so Lua's doubles hold them exactly.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])

local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end

local next = tat + permits * interval
local wait = next - now - tolerance
if wait > 0 then
  return { 0, tat - now, wait }
end

-- The key lives exactly as long as the bucket is not full; an expired key is a full bucket.
redis.call('SET', KEYS[1], next, 'PX', math.max(1, math.ceil((next - now) / 1000)))
return { 1, next - now, 0 }
