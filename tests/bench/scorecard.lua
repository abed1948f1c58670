-- PUT the assessor's scorecard, rotating over the ideas assigned to it.
local ideas = {}
for line in io.lines(os.getenv("IDEAS_FILE")) do ideas[#ideas + 1] = line end
local n = 0
local body = '{"scores":{"need_fit":4,"social_impact":3,"environmental_impact":4,"economic_impact":3,' ..
  '"feasibility":4,"novelty":2,"scalability":3},"comment":"Benchmark scorecard."}'
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
}
request = function()
  n = n % #ideas + 1
  return wrk.format("PUT", "/api/v1/ideas/" .. ideas[n] .. "/scorecard", headers, body)
end
