-- wrk: rotate over ten short reviewer queries (words, a quoted phrase, a number) for GET /api/search;
-- questions.lua runs the full 82-question reviewer set.
local qs = {
  "phan+cap+cho+ubnd+cap+xa", "so+tu+phap+chu+tri", "uy+quyen", "tham+dinh+van+ban",
  "28%2FNQ-H%C4%90ND", "cap+giay+phep+xay+dung", "phan+quyen", "%22phoi+hop%22+bao+cao",
  "chinh+quyen+dia+phuong+hai+cap", "bai+bo+van+ban",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?limit=10&q=" .. qs[(i % #qs) + 1])
end
