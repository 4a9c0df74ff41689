-- PUT /api/v1/attempts/{id}/answers/{qid} with each learner's bearer token, over many open attempts.
-- BENCH_SAVE_FILE lines: "<attempt id> <token> <qid>:<type>,<qid>:<type>,..."
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local common = require("common")
local rows, answers = nil, {single = {'"A"', '"B"', '"C"', '"D"'}, multiple = {'["A","C"]', '["B","D"]'},
  true_false = {"true", "false"}}
local counter = 0

function init(args)
  rows = common.lines(os.getenv("BENCH_SAVE_FILE"))
  for _, row in ipairs(rows) do
    local items = {}
    for qid, kind in row[3]:gmatch("(%d+):([%w_]+)") do items[#items + 1] = {qid, kind} end
    row.items = items
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  counter = counter + 1
  local row = rows[math.random(#rows)]
  local item = row.items[math.random(#row.items)]
  local choices = answers[item[2]]
  local body = '{"answer": ' .. choices[math.random(#choices)] .. '}'
  return wrk.format("PUT", "/api/v1/attempts/" .. row[1] .. "/answers/" .. item[1],
    {["Authorization"] = "Bearer " .. row[2], ["Content-Type"] = "application/json"}, body)
end

done = common.report
