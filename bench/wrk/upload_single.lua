-- wrk script: one reading per POST, every request a distinct
-- (input, timestamp). Inputs come from the INPUTS environment variable
-- (comma-separated); credentials from ORG_ID and API_KEY.
local inputs = {}
for id in string.gmatch(os.getenv("INPUTS") or "", "[^,]+") do inputs[#inputs + 1] = id end

local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_index", thread_counter)
end

local n = 0
local headers = {
  ["Content-Type"] = "application/vnd.api+json",
  ["ORGANIZATION-ID"] = os.getenv("ORG_ID"),
  ["ORGANIZATION-API-KEY"] = os.getenv("API_KEY"),
}

function request()
  n = n + 1
  local input = inputs[(n % #inputs) + 1]
  -- Seconds since 2025-01-01, spread per thread so no two requests collide.
  local second = thread_index * 100000000 + n
  local ts = os.date("!%Y-%m-%dT%H:%M:%SZ", 1735689600 + second)
  local body = '{"data":{"type":"SensorData","attributes":{"value":' .. (n % 1000) / 10 ..
               ',"timestamp":"' .. ts .. '"}}}'
  return wrk.format("POST", "/api/external/v1/inputs/" .. input .. "/inputdata/", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
      "RESULT requests=%d duration_us=%d non2xx=%d connect_err=%d read_err=%d write_err=%d timeout=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, errors.status, errors.connect, errors.read,
      errors.write, errors.timeout, latency:percentile(50), latency:percentile(99)))
end
