-- wrk: rotate over the reviewers' 82 questions (bench/reviewer/queries.tsv: short queries with and
-- without diacritics, questions, agency tasks, numbers, paraphrases) for GET /api/search, plus
-- the seed's query; the file is read relative to the repository root (load.sh runs from there).
local qs = { "phan cap cho ubnd cap xa" }
local f = io.open("bench/reviewer/queries.tsv", "r")
if f then
  local first = true
  for line in f:lines() do
    if not first then
      local q = line:match("^[^\t]*\t[^\t]*\t([^\t]*)")
      if q and #q > 0 then qs[#qs + 1] = q end
    end
    first = false
  end
  f:close()
end
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for k, q in ipairs(qs) do qs[k] = encode(q) end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?limit=10&q=" .. qs[(i % #qs) + 1])
end
