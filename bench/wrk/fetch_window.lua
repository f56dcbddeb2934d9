-- wrk script: a 1-hour raw window of one input, newest first, limit 1000.
-- The window start moves each request so the answers are not all alike.
local headers = {
  ["ORGANIZATION-ID"] = os.getenv("ORG_ID"),
  ["ORGANIZATION-API-KEY"] = os.getenv("API_KEY"),
}
local input = os.getenv("INPUT_ID")
local hours = tonumber(os.getenv("HOURS") or "24")
local n = 0

function request()
  n = n + 1
  local start = 1735689600 + (n % hours) * 3600  -- 2025-01-01 plus whole hours
  local path = "/api/external/v1/get_inputdata_by_inputs/?input_ids=" .. input ..
               "&timeperiod_start=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", start) ..
               "&timeperiod_finish=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", start + 3599) ..
               "&sort_by=desc&limit=1000"
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
      "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, errors.status,
      errors.connect + errors.read + errors.write + errors.timeout,
      latency:percentile(50), latency:percentile(99)))
end
