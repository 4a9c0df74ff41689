-- The ceiling's upsert: PUT /ceiling/answers/{attempt}/{question} over the same spread of rows as save.lua.
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local common = require("common")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local body = '{"answer": "' .. ({"A", "B", "C", "D"})[math.random(4)] .. '"}'
  return wrk.format("PUT", "/ceiling/answers/" .. math.random(400) .. "/" .. math.random(50),
    {["Content-Type"] = "application/json"}, body)
end

done = common.report
