-- GET the exam page a learner loads (/exams/attempts/{id}) with that learner's bearer token.
-- BENCH_SAVE_FILE lines as in save.lua (only the attempt id and token are used).
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local common = require("common")
local rows = nil

function init(args)
  rows = common.lines(os.getenv("BENCH_SAVE_FILE"))
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local row = rows[math.random(#rows)]
  return wrk.format("GET", "/exams/attempts/" .. row[1], {["Authorization"] = "Bearer " .. row[2]})
end

done = common.report
