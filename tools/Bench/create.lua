-- wrk script: POST /api/v1/reservations where no two requests ever ask for the same
-- (accommodation, night), so every create should succeed (201) and any failure is the API's.
--
--   wrk -t2 -c50 -d20s --latency -s tools/Bench/create.lua http://127.0.0.1:5001 -- <offset-days> [span-days]
--
-- Request k of thread t (k = 0, 1, 2, ...) books ONE night:
--   accommodation = 1 + k mod 1000
--   night         = 2100-01-01 + offset-days + (k div 1000) * 16 + (t - 1)
-- Within a run every (accommodation, night) is therefore distinct for up to 16 threads. Runs (and
-- the parallel wrk processes of one run) must be given disjoint day ranges: offset-days is where
-- this run starts and span-days how many days it may use; done() reports the last day it used and
-- flags `overflow=1` if it went past the span. The offset may also come from BENCH_OFFSET_DAYS.

local BASE_EPOCH = 4102444800 -- 2100-01-01T00:00:00Z
local MAX_THREADS = 16
local ACCOMMODATIONS = 1000

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  table.insert(threads, thread)
  next_id = next_id + 1
end

-- Per-thread state. Globals on purpose: each wrk thread has its own Lua state, and done() reads
-- these through thread:get(), which sees only globals.
offset, span = 0, 0
counter = 0
max_day = -1
status_counts = {}
non2xx = 0

function init(args)
  if id > MAX_THREADS then
    error("create.lua supports at most " .. MAX_THREADS .. " threads (-t)")
  end
  offset = tonumber(args[1] or os.getenv("BENCH_OFFSET_DAYS") or "0")
  span = tonumber(args[2] or os.getenv("BENCH_SPAN_DAYS") or "0")
  if offset == nil or offset < 0 then
    error("offset-days must be a non-negative number")
  end
  wrk.method = "POST"
  wrk.path = "/api/v1/reservations"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  -- Straight to a replica a create needs the identity the gateway would sign (BENCH_IDENTITY, minted
  -- by `Platform.Load identity-token` just before the run); through the gateway it is overwritten.
  local identity = os.getenv("BENCH_IDENTITY")
  if identity and #identity > 0 then
    wrk.headers["X-Client-Identity"] = identity
  end
  -- Through the gateway as an API client (BENCH_API_KEY); without it, anonymous.
  local key = os.getenv("BENCH_API_KEY")
  if key and #key > 0 then
    wrk.headers["X-Api-Key"] = key
  end
end

function request()
  local k = counter
  counter = counter + 1
  local accommodation = 1 + k % ACCOMMODATIONS
  local day = offset + math.floor(k / ACCOMMODATIONS) * MAX_THREADS + (id - 1)
  if day > max_day then max_day = day end
  local check_in = os.date("!%Y-%m-%d", BASE_EPOCH + day * 86400)
  local check_out = os.date("!%Y-%m-%d", BASE_EPOCH + (day + 1) * 86400)
  -- +54911 and 8 digits: unique within a run for the first 10^8 requests of all threads.
  local phone = string.format("+54911%08d", (day * ACCOMMODATIONS + accommodation) % 100000000)
  local body = string.format(
    '{"accommodationId":%d,"guestName":"Load Test %d","guestEmail":"load.test@example.com",' ..
    '"guestPhone":"%s","checkIn":"%s","checkOut":"%s","guests":1}',
    accommodation, id, phone, check_in, check_out)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  status_counts[status] = (status_counts[status] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total, max_used, sent = 0, -1, 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    sent = sent + (thread:get("counter") or 0)
    local used = thread:get("max_day") or -1
    if used > max_used then max_used = used end
    local counts = thread:get("status_counts") or {}
    for status, n in pairs(counts) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local statuses = {}
  for status, n in pairs(by_status) do
    table.insert(statuses, status .. ":" .. n)
  end
  table.sort(statuses)
  local first_offset = threads[1] and threads[1]:get("offset") or 0
  local span_days = threads[1] and threads[1]:get("span") or 0
  local overflow = (span_days > 0 and max_used >= first_offset + span_days) and 1 or 0
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx=%d statuses=%s socket_errors=%d timeouts=%d sent=%d first_day=%d last_day=%d overflow=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, non2xx_total, #statuses > 0 and table.concat(statuses, ",") or "-",
    e.connect + e.read + e.write, e.timeout, sent, first_offset, max_used, overflow))
end
