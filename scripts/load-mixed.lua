-- wrk: portraits of random enterprises, each request as one of four roles (analyst, district
-- officer, bank, enterprise) with that role's token and an enterprise it may read; every tenth
-- request asks for an enterprise outside the role's scope (a 403 expected). Counts 5xx answers.
local function lines(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = line end
  return t
end
local roles = {
  { token = os.getenv("T_ANALYST"), codes = lines(os.getenv("C_ANALYST")) },
  { token = os.getenv("T_OFFICER"), codes = lines(os.getenv("C_OFFICER")) },
  { token = os.getenv("T_BANK"), codes = lines(os.getenv("C_BANK")) },
  { token = os.getenv("T_FIRM"), codes = lines(os.getenv("C_FIRM")) },
}
local outside = lines(os.getenv("C_ANALYST"))
-- Globals, so that done() can read each thread's counts with thread:get().
server_errors = 0
forbidden = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.random(1000))
end

request = function()
  local role = roles[math.random(#roles)]
  local code
  if math.random(10) == 1 then
    code = outside[math.random(#outside)]
  else
    code = role.codes[math.random(#role.codes)]
  end
  return wrk.format("GET", "/api/v1/enterprises/" .. code .. "/portrait",
    { ["Authorization"] = "Bearer " .. role.token })
end

response = function(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
  if status == 403 then forbidden = forbidden + 1 end
end

done = function(summary, latency, requests)
  local errors, refused = 0, 0
  for _, t in ipairs(threads) do
    errors = errors + t:get("server_errors")
    refused = refused + t:get("forbidden")
  end
  io.write(string.format("server errors (5xx): %d; 403 for out-of-scope requests: %d\n", errors, refused))
  io.write(string.format("p50 %.1f ms, p99 %.1f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
