-- Shared by the wrk scripts: done() prints one machine-readable line.
--   RESULT requests=… duration_us=… non2xx=… socket_errors=… connect_err=…
--          read_err=… write_err=… timeout=… p50_us=… p99_us=…
local M = {}

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d connect_err=%d " ..
      "read_err=%d write_err=%d timeout=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, e.status,
      e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(99)))
end

return M
