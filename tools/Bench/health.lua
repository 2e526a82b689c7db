-- wrk script: GET one path (BENCH_PATH, default /api/v1/health) and print one BENCH line with the
-- latency percentiles and every status seen, so a run that was rate limited (429) or failed shows it.
--
--   wrk -t1 -c32 -d15s --latency -s tools/Bench/health.lua http://127.0.0.1:8080

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Globals on purpose: each wrk thread has its own Lua state, and done() reads them through thread:get().
status_counts = {}
non2xx = 0

function init(args)
  wrk.method = "GET"
  wrk.path = os.getenv("BENCH_PATH") or "/api/v1/health"
  wrk.headers["Accept"] = "application/json"
  -- Through the gateway as an API client (BENCH_API_KEY); without it, anonymous.
  local key = os.getenv("BENCH_API_KEY")
  if key and #key > 0 then
    wrk.headers["X-Api-Key"] = key
  end
  -- BENCH_CLOSE=1: every request on a new connection (over HTTPS, a new handshake each), so a
  -- certificate replaced during the run meets new connections, not only the ones kept alive.
  if os.getenv("BENCH_CLOSE") == "1" then
    wrk.headers["Connection"] = "close"
  end
end

function response(status, headers, body)
  status_counts[status] = (status_counts[status] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    for status, n in pairs(thread:get("status_counts") or {}) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local statuses = {}
  for status, n in pairs(by_status) do
    table.insert(statuses, status .. ":" .. n)
  end
  table.sort(statuses)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.2f " ..
    "non2xx=%d statuses=%s socket_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, non2xx_total, #statuses > 0 and table.concat(statuses, ",") or "-",
    e.connect + e.read + e.write, e.timeout))
end
