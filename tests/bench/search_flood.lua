-- GET one-letter text searches, each with another letter and page size, so that no answer
-- is served from memory: what a client flooding the search would send.
local letters = "abcdefghijklmnopqrstuvwxyz"
request = function()
  local n = math.random(1, #letters)
  local path = "/api/v1/challenges?q=" .. letters:sub(n, n) .. "&limit=" .. math.random(1, 200)
  return wrk.format("GET", path)
end
