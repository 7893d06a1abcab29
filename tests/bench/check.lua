-- The load benchmark's wrk script. `cargo run --release -p tests --bin bench`
-- writes a scenario folder and runs
--   wrk -s check.lua http://127.0.0.1:PORT/graphql -- FOLDER
-- This script sends the scenario's prepared requests and checks every
-- response: wrk alone counts an HTTP 200 that carries GraphQL errors, or
-- the wrong data, as a success.
--
-- FOLDER holds:
--   manifest     one line per request: "read N" or "write N"
--   pattern      request numbers separated by spaces: the order to send them in
--   N.body       the JSON body of request N
--   N.auth       its Authorization header value (empty: anonymous)
--   N.expected   for a read: its expected answer (the first one it got)
-- done() writes FOLDER/result.json (figures) and FOLDER/failure.txt (the
-- first bad answer, for the bench to show) and FOLDER/variants/ (see below).
--
-- A read's answer must be an expected body of the scenario; a write's
-- answer must be {"data":{"recordActivity":{"id":"…"}}}. An answer that is
-- not byte for byte one of those is kept (each distinct one once, with a
-- count) and written to FOLDER/variants/ by done(): the bench compares it
-- with the expected answers as JSON, because the server may write the
-- keys of an object in another order (async-graphql 7 emits sibling fields
-- in the order they finish). wrk's response() does not say which
-- connection (so which request) an answer belongs to: in a scenario with
-- one request the check is exact, in the mix an answer passes when it is
-- any of the scenario's expected answers.

-- Each wrk thread runs this file in a Lua state of its own: these globals
-- are that thread's counters, which done() (in the main state, where no
-- request ran) sums through thread:get.
bad_status = 0
unchecked = 0
first_failure = ""
folder = ""
variants = {}           -- answer that is no expected body -> how often

-- Bounds on what one thread keeps for the bench to compare: an answer
-- beyond them counts as a failure (unchecked), never as a success.
local MAX_VARIANTS = 5000
local MAX_VARIANT_BYTES = 200 * 1024 * 1024
local variant_count = 0
local variant_bytes = 0

local threads = {}
local prepared = {}     -- request number -> the HTTP request, formatted once
local expected = {}     -- expected read answer -> true
local writes = false
local pattern = {}
local slot = 0

local WRITE_ANSWER = '^{"data":{"recordActivity":{"id":"[^"]+"}}}$'

local function slurp(path)
   local file = assert(io.open(path, "rb"))
   local text = file:read("*a")
   file:close()
   return text
end

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   -- args[0] is the URL; the folder is the one argument after "--".
   folder = args[#args]
   local single = {}
   for line in io.lines(folder .. "/manifest") do
      local check, n = line:match("^(%a+) (%d+)$")
      assert(check == "read" or check == "write", "bad manifest line: " .. line)
      local headers = { ["Content-Type"] = "application/json" }
      local auth = slurp(folder .. "/" .. n .. ".auth")
      if auth ~= "" then
         headers["Authorization"] = auth
      end
      local body = slurp(folder .. "/" .. n .. ".body")
      prepared[tonumber(n)] = wrk.format("POST", nil, headers, body)
      single[tonumber(n)] = { headers = headers, body = body }
      if check == "read" then
         expected[slurp(folder .. "/" .. n .. ".expected")] = true
      else
         writes = true
      end
   end
   for n in slurp(folder .. "/pattern"):gmatch("%d+") do
      table.insert(pattern, tonumber(n))
   end
   assert(#pattern > 0, "empty pattern")
   if #pattern == 1 then
      -- One request: wrk formats it once and sends the same bytes without
      -- calling into Lua, the cheapest way to load the server.
      local only = single[pattern[1]]
      wrk.method = "POST"
      wrk.body = only.body
      for name, value in pairs(only.headers) do
         wrk.headers[name] = value
      end
   else
      -- wrk calls request() for every request once it is a function.
      request = function()
         slot = slot % #pattern + 1
         return prepared[pattern[slot]]
      end
   end
end

local function remember(status, body)
   if first_failure == "" then
      first_failure = "HTTP " .. status .. ": " .. body:sub(1, 2000)
   end
end

function response(status, headers, body)
   if status ~= 200 then
      bad_status = bad_status + 1
      remember(status, body)
   elseif expected[body] or (writes and body:find(WRITE_ANSWER)) then
      return
   elseif variants[body] then
      variants[body] = variants[body] + 1
   elseif variant_count < MAX_VARIANTS and variant_bytes + #body <= MAX_VARIANT_BYTES then
      variants[body] = 1
      variant_count = variant_count + 1
      variant_bytes = variant_bytes + #body
   else
      unchecked = unchecked + 1
      remember(status, body)
   end
end

function done(summary, latency, requests)
   local status, skipped, sample, out_folder = 0, 0, "", ""
   local written, counts = 0, {}
   for _, thread in ipairs(threads) do
      status = status + thread:get("bad_status")
      skipped = skipped + thread:get("unchecked")
      local first = thread:get("first_failure")
      if sample == "" and first ~= "" then
         sample = first
      end
      out_folder = thread:get("folder")
      for body, count in pairs(thread:get("variants")) do
         written = written + 1
         local file = assert(io.open(out_folder .. "/variants/" .. written .. ".json", "wb"))
         file:write(body)
         file:close()
         counts[#counts + 1] = written .. " " .. string.format("%.0f", count)
      end
   end
   local list = assert(io.open(out_folder .. "/variants/counts", "w"))
   list:write(table.concat(counts, "\n"))
   list:close()
   local e = summary.errors
   local result = assert(io.open(out_folder .. "/result.json", "w"))
   result:write(string.format(
      '{"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,'
         .. '"p50_us":%.0f,"p95_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f,'
         .. '"connect_errors":%.0f,"read_errors":%.0f,"write_errors":%.0f,"timeouts":%.0f,'
         .. '"bad_status":%.0f,"unchecked":%.0f,"variants":%.0f}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.timeout,
      status, skipped, written))
   result:close()
   local failure = assert(io.open(out_folder .. "/failure.txt", "w"))
   failure:write(sample)
   failure:close()
end
