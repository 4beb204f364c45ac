-- Requests for Orgspace's load benchmarks (wrk 4). Arguments after `--`:
--   get    PATH COOKIE                  a fixed GET
--   invite ACCOUNT COOKIE               POST an invitation to a new email each time
--   accept THREADS                      accept seeded invitation n (each once) as invitee n
--   role   ACCOUNT COOKIE IDS_FILE      PATCH members from IDS_FILE to tech / viewer in turn
--   instance ACCOUNT COOKIE             POST an instance with a new name each time
--   mix    ACCOUNT COOKIE IDS_FILE      in turn: who am I, members, billing, activity, a role change
-- With WRK_DELAY_MS set, each connection waits that long between requests (the soak).
-- `done` prints one line: RESULT <requests/s> <p50 ms> <p99 ms> <errors> <requests>.

local threads = {}
local counter = 0
-- `thread_id` is a global each thread gets from `setup` (a local here would hide it).
local kind, a1, a2, a3
local ids = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  kind, a1, a2, a3 = args[1], args[2], args[3], args[4]
  if kind == "role" or kind == "mix" then
    for line in io.lines(a3) do table.insert(ids, line) end
  end
end

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms then
  function delay() return delay_ms end
end



local function json_headers(cookie)
  local h = { ["Content-Type"] = "application/json" }
  if cookie then h["Cookie"] = "orgspace_session=" .. cookie end
  return h
end

local function role_change(account, cookie, n)
  local id = ids[(n % #ids) + 1]
  local role = (math.floor(n / #ids) % 2 == 0) and "tech" or "viewer"
  return wrk.format("PATCH", "/api/accounts/" .. account .. "/members/" .. id, json_headers(cookie),
    '{"role":"' .. role .. '"}')
end

local mix_reads = { "/api/me", "/members", "/billing", "/activity" }

function request()
  counter = counter + 1
  if kind == "get" then
    return wrk.format("GET", a1, { ["Cookie"] = "orgspace_session=" .. a2 })
  elseif kind == "invite" then
    local email = string.format("b%d-%d@bench.test", thread_id, counter)
    return wrk.format("POST", "/api/accounts/" .. a1 .. "/invitations", json_headers(a2),
      '{"email":"' .. email .. '","role":"viewer"}')
  elseif kind == "accept" then
    local n = thread_id + tonumber(a1) * (counter - 1)
    return wrk.format("POST", "/api/invitations/accept-token", json_headers("bench-session-" .. n),
      '{"token":"bench-invitation-' .. n .. '"}')
  elseif kind == "role" then
    return role_change(a1, a2, counter)
  elseif kind == "mix" then
    local step = counter % 5
    if step == 4 then return role_change(a1, a2, math.floor(counter / 5)) end
    local path = mix_reads[step + 1]
    if path ~= "/api/me" then path = "/api/accounts/" .. a1 .. path end
    return wrk.format("GET", path, { ["Cookie"] = "orgspace_session=" .. a2 })
  elseif kind == "instance" then
    local name = string.format("%s-b%d-%d", os.getenv("BENCH_RUN") or "r", thread_id, counter)
    return wrk.format("POST", "/api/accounts/" .. a1 .. "/instances", json_headers(a2),
      '{"name":"' .. name .. '","size":"small"}')
  end
end

-- No `response` function: wrk counts answers of 400 and above itself
-- (`summary.errors.status`), and a `response` function makes it hand every
-- answer's headers and body to Lua — CPU the load generator took from the
-- server it shares the machine with, in proportion to the answer's size
-- (bench/README.md, "The load generator's share").
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
