-- wrk script for scripts/soak (one connection per wrk thread: the flow state is per Lua state). Each runs the magic-link flow in a loop
-- (create session -> visit the link -> exchange the code), with a health check and a bad-input
-- request mixed in every cycle. done() prints one line scripts/soak parses:
--   SOAK requests=N s2xx=N s3xx=N s4xx=N s5xx=N flows=N
local key = "Bearer sk_test_workos_mock"
local counts = {}
local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
  step, link, code = 0, nil, nil
  c2, c3, c4, c5, flows = 0, 0, 0, 0, 0
  n = 0
end

function request()
  n = n + 1
  if step == 1 and link then
    return wrk.format("GET", link)
  elseif step == 2 and code then
    return wrk.format("POST", "/sso/token",
      {["Content-Type"] = "application/x-www-form-urlencoded"},
      "client_id=client_workos_mock&client_secret=sk_test_workos_mock" ..
      "&grant_type=authorization_code&code=" .. code)
  elseif step == 3 then
    return wrk.format("GET", "/health")
  elseif step == 4 then
    return wrk.format("POST", "/passwordless/sessions",
      {["Authorization"] = key, ["Content-Type"] = "application/json"}, "{\"email\":")
  end
  step = 0
  return wrk.format("POST", "/passwordless/sessions",
    {["Authorization"] = key, ["Content-Type"] = "application/json"},
    "{\"email\":\"soak" .. (n % 1000) .. "@example.com\",\"type\":\"MagicLink\"}")
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 300 then c3 = c3 + 1
  else c2 = c2 + 1 end
  if step == 0 then
    link = nil
    local l = body:match('"link"%s*:%s*"https?://[^/"]*(/[^"]*)"')
    if status == 201 and l then link = l; step = 1 else step = 3 end
  elseif step == 1 then
    code = nil
    local loc = headers["Location"] or headers["location"] or ""
    local c = loc:match("[?&]code=([^&]+)")
    if c then code = c; step = 2 else step = 3 end
  elseif step == 2 then
    if status == 200 then flows = flows + 1 end
    step = 3
  elseif step == 3 then
    step = 4
  else
    step = 0
  end
end

function done(summary, latency, requests)
  local t = {c2 = 0, c3 = 0, c4 = 0, c5 = 0, flows = 0}
  for _, th in ipairs(threads) do
    for k in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
  end
  io.write(string.format("SOAK requests=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d flows=%d\n",
    summary.requests, t.c2, t.c3, t.c4, t.c5, t.flows))
end
