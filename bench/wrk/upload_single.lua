-- wrk script: datacooee single-reading upload, one reading per POST, every
-- request a distinct (input, timestamp) (see single_reading.lua).
-- Credentials from ORG_ID and API_KEY.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local readings = dofile(dir .. "single_reading.lua")
setup = readings.setup
done = dofile(dir .. "report.lua").done

local headers = {
  ["Content-Type"] = "application/vnd.api+json",
  ["ORGANIZATION-ID"] = os.getenv("ORG_ID"),
  ["ORGANIZATION-API-KEY"] = os.getenv("API_KEY"),
}

function request()
  local input, second, value = readings.next()
  local body = '{"data":{"type":"SensorData","attributes":{"value":' .. value ..
               ',"timestamp":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", second) .. '"}}}'
  return wrk.format("POST", "/api/external/v1/inputs/" .. input .. "/inputdata/", headers, body)
end
