-- wrk script for bench/checkin-load.sh: every request is a new check-in (a unique client key) of one of the
-- benchmark's cadres, signed with that cadre's bearer token, on post near the cadre's village.
-- Reads "token lat lon" lines from the file named by the environment variable CHECKIN_TOKENS.

-- Globals: wrk copies thread_id in with thread:set and reads statuses out with thread:get.
tokens = {}
thread_id = 0
counter = 0
statuses = {}

local function load_tokens()
  local list = {}
  for line in io.lines(os.getenv("CHECKIN_TOKENS")) do
    local token, lat, lon = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if token then list[#list + 1] = { token = token, lat = tonumber(lat), lon = tonumber(lon) } end
  end
  return list
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  threads[#threads + 1] = thread
end

function init(args)
  tokens = load_tokens()
  math.randomseed(os.time() * 1000 + thread_id)
  counter = thread_id * 7919
end

function request()
  counter = counter + 1
  local t = tokens[(counter % #tokens) + 1]
  local key = string.format("b%d-%d-%d-%06d", thread_id, os.time(), counter, math.random(0, 999999))
  -- A few hundred metres from the village, a different position every time.
  local lat = t.lat + (math.random() - 0.5) * 0.004
  local lon = t.lon + (math.random() - 0.5) * 0.004
  local body = string.format('{"clientKey":"%s","at":"%s","lat":%.6f,"lon":%.6f,"accuracy":%d}',
    key, os.date("!%Y-%m-%dT%H:%M:%SZ"), lat, lon, math.random(5, 40))
  return wrk.format("POST", "/api/checkins", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. t.token,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format("%d=%d", status, n) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("summary: requests=%d duration_s=%.2f rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
