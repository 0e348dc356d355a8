-- wrk: GET the portrait of a random enterprise from $CODES with the API token in $TOKEN.
local codes = {}
for line in io.lines(os.getenv("CODES")) do
  codes[#codes + 1] = line
end
math.randomseed(7)
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

request = function()
  return wrk.format("GET", "/api/v1/enterprises/" .. codes[math.random(#codes)] .. "/portrait")
end
