-- wrk script: InfluxDB 1.x raw window, a random 1-hour window of a random
-- input (see random_window.lua), newest first, limit 1000, as one InfluxQL
-- query on /query. Database: DB.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local windows = dofile(dir .. "random_window.lua")
setup = windows.setup
init = windows.init
done = dofile(dir .. "report.lua").done

local db = os.getenv("DB") or "bench"

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local input, first = windows.next()
  local q = string.format(
      "SELECT value FROM r WHERE input='%s' AND time >= %ds AND time < %ds " ..
      "ORDER BY time DESC LIMIT 1000", input, first, first + 3600)
  return wrk.format("GET", "/query?db=" .. db .. "&q=" .. urlencode(q))
end
