-- wrk script for scripts/bench. One script, configured through the environment:
--   BENCH_MODE     create | visit | token | profile | health
--   BENCH_THREADS  the -t given to wrk (threads split BENCH_FILE between them)
--   BENCH_FILE     visit: link paths, one a line; token: authorization codes, one a line
--   BENCH_CAPTURE  optional file prefix: create writes each returned link path (and visit each
--                  returned code) to PREFIX.<thread id>, so the next phase has fresh ones
--   BENCH_TOKEN    profile: the access token to send
-- Magic links and codes are single use, so visit and token walk their file and never repeat an
-- entry; when a thread runs out it wraps around, and every non-2xx/3xx answer is counted so the
-- harness can tell the run was not clean (it then retries with more entries).
-- done() prints one machine-readable line that scripts/bench parses:
--   BENCH requests=N duration_us=N errors=N timeouts=N bad=N p50_us=N p99_us=N

local mode = os.getenv("BENCH_MODE") or "health"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local file = os.getenv("BENCH_FILE")
local capture = os.getenv("BENCH_CAPTURE")
local access_token = os.getenv("BENCH_TOKEN") or ""

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local entries, pos, out, buf = {}, 0, nil, {}
bad = 0

-- wrk never closes a thread's Lua state, so captured lines are written in batches (a partial last
-- batch is lost; the harness only needs most of them).
local function keep(line)
  buf[#buf + 1] = line
  if #buf >= 256 then
    out:write(table.concat(buf, "\n"), "\n")
    out:flush()
    buf = {}
  end
end

function init(args)
  if file then
    local i = 0
    for line in io.lines(file) do
      if line ~= "" then
        if i % nthreads == id then table.insert(entries, line) end
        i = i + 1
      end
    end
  end
  if capture then out = io.open(capture .. "." .. id, "w") end
  if mode == "create" then
    wrk.method = "POST"
    wrk.path = "/passwordless/sessions"
    wrk.headers["Authorization"] = "Bearer sk_test_workos_mock"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = '{"type":"MagicLink","email":"bench@example.com"}'
  elseif mode == "profile" then
    wrk.path = "/sso/profile"
    wrk.headers["Authorization"] = "Bearer " .. access_token
  elseif mode == "health" then
    wrk.path = "/health"
  end
end

local function next_entry()
  pos = pos + 1
  if pos > #entries then pos = 1 end
  return entries[pos]
end

if mode == "visit" then
  request = function()
    return wrk.format("GET", next_entry())
  end
elseif mode == "token" then
  request = function()
    return wrk.format("POST", "/sso/token",
      {["Content-Type"] = "application/x-www-form-urlencoded"},
      "client_id=client_workos_mock&client_secret=sk_test_workos_mock" ..
      "&grant_type=authorization_code&code=" .. next_entry())
  end
end

-- response() costs wrk a little per request, so it is defined only when it has work to do.
if mode == "visit" or mode == "token" or capture then
  response = function(status, headers, body)
    if status >= 400 then bad = bad + 1 end
    if out then
      if mode == "create" and body then
        local path = body:match('"link":"https?://[^/"]+(/[^"]+)"')
        if path then keep(path) end
      elseif mode == "visit" then
        local loc = headers["Location"]
        local code = loc and loc:match("[?&]code=([^&]+)")
        if code then keep(code) end
      end
    end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + (tonumber(t:get("bad")) or 0) end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d errors=%d timeouts=%d bad=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.timeout,
    total_bad, latency:percentile(50), latency:percentile(99)))
end
