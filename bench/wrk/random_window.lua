-- The windows of a raw-window run: each request a random input of INPUTS and
-- a random 1-hour window [first, first + 3600 s) with first a whole second
-- uniformly in [START, START + SPAN - 3600]. Thread t seeds its generator
-- with SEED + t, so runs against different systems send the same sequence.
--   INPUTS  comma-separated input ids
--   START   epoch second of the inputs' first reading (default 2025-01-01)
--   SPAN    seconds of readings per input (default 86,400)
--   SEED    default 42
local M = {}

local inputs = {}
for id in string.gmatch(os.getenv("INPUTS") or "", "[^,]+") do inputs[#inputs + 1] = id end
local start = tonumber(os.getenv("START") or "1735689600")
local span = tonumber(os.getenv("SPAN") or "86400")
local seed = tonumber(os.getenv("SEED") or "42")

local thread_count = 0
function M.setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

function M.init()
  math.randomseed(seed + thread_index)
end

-- Returns input id and the window's first epoch second.
function M.next()
  return inputs[math.random(#inputs)], start + math.random(0, math.max(span - 3600, 0))
end

return M
