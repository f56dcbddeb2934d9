-- The readings of a single-reading upload run: every request a distinct
-- (input, timestamp). Thread t (1-based) sends, for k = 0, 1, …, the second
-- BASE + (t - 1) * STRIDE + k for each input of INPUTS in turn, so threads
-- never collide as long as one sends fewer than STRIDE * #INPUTS readings.
--   INPUTS  comma-separated input ids
--   BASE    first epoch second (default 2026-01-01T00:00:00Z)
--   STRIDE  seconds between two threads' ranges (default 100,000,000)
local M = {}

local inputs = {}
for id in string.gmatch(os.getenv("INPUTS") or "", "[^,]+") do inputs[#inputs + 1] = id end
local base = tonumber(os.getenv("BASE") or "1767225600")
local stride = tonumber(os.getenv("STRIDE") or "100000000")

local thread_count = 0
function M.setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

local n = 0
-- Returns input id, epoch second, value of the next reading of this thread.
function M.next()
  local input = inputs[(n % #inputs) + 1]
  local second = base + (thread_index - 1) * stride + math.floor(n / #inputs)
  local value = (n % 1000) / 10
  n = n + 1
  return input, second, value
end

return M
