-- wrk: pages and filters of GET /api/findings.
local paths = {
  "/api/findings?per=50&page=1", "/api/findings?per=50&page=7&sort=document",
  "/api/findings?severity=warning&per=50", "/api/findings?status=moi&sort=rule&per=50",
  "/api/findings?rule=lead-agency-conflict&per=50",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
