-- The ceiling's page: GET /ceiling/page/{offset}, 10 questions from the database.
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local common = require("common")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  return wrk.format("GET", "/ceiling/page/" .. math.random(4990))
end

done = common.report
