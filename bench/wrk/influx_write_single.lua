-- wrk script: InfluxDB 1.x /write with one line of line protocol per request
-- (measurement r, tag input, field value, second precision), every request a
-- distinct (input, timestamp) (see single_reading.lua). Database: DB.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local readings = dofile(dir .. "single_reading.lua")
setup = readings.setup
done = dofile(dir .. "report.lua").done

local path = "/write?db=" .. (os.getenv("DB") or "bench") .. "&precision=s"
local headers = {["Content-Type"] = "text/plain; charset=utf-8"}

function request()
  local input, second, value = readings.next()
  return wrk.format("POST", path, headers,
                    "r,input=" .. input .. " value=" .. value .. " " .. second .. "\n")
end
