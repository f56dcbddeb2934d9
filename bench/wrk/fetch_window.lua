-- wrk script: datacooee raw window, a random 1-hour window of a random input
-- (see random_window.lua), newest first, limit 1000. Both ends of a datacooee
-- window are inclusive, so the window is [first, first + 3599 s].
-- Credentials from ORG_ID and API_KEY.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local windows = dofile(dir .. "random_window.lua")
setup = windows.setup
init = windows.init
done = dofile(dir .. "report.lua").done

local headers = {
  ["ORGANIZATION-ID"] = os.getenv("ORG_ID"),
  ["ORGANIZATION-API-KEY"] = os.getenv("API_KEY"),
}

function request()
  local input, first = windows.next()
  local path = "/api/external/v1/get_inputdata_by_inputs/?input_ids=" .. input ..
               "&timeperiod_start=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", first) ..
               "&timeperiod_finish=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", first + 3599) ..
               "&order_by=timestamp&sort_by=desc&limit=1000"
  return wrk.format("GET", path, headers)
end
