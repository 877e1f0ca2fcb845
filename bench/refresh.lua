-- wrk script for bench/run.sh: POST /api/v1/auth/refresh along chains of refresh tokens.
--
--   wrk -tT -cC ... -s bench/refresh.lua URL/api/v1/auth/refresh -- pool FILE threads T
--
-- Refresh tokens are single use: a refresh answers a NEW token pair, and presenting a
-- token that was already spent answers 401 and revokes that whole login. So every token
-- is presented exactly once here:
--   * FILE holds unspent refresh tokens, one a line (bench/run.sh makes them by logging
--     in as distinct synthetic members, so every token is a login of its own);
--   * wrk thread i (1..T) takes lines i, i+T, i+2T, ... as its own pool, a FIFO;
--   * request() takes the oldest token out of the thread's pool;
--   * response() takes the new refresh_token out of a 2xx body and appends it to the
--     pool. A token that fails (non-2xx, cut off at the end of the run) is dropped.
-- A thread needs more tokens than it has connections (run.sh gives 4 per connection).
-- A 401 therefore means the chain is broken (or the pool ran dry, see "starved").
--
-- done() writes the tokens left in the pools (never presented, so still valid) back to
-- FILE, for the next run, and prints one machine-readable line, the same as report.lua's
-- with three more fields:
--   RESULT rps=<float> p50_ms=<float> p99_ms=<float> non2xx=<int> errors=<int>
--          requests=<int> ok_rps=<float> overloaded=<int> starved=<int> lost=<int> left=<int>
-- starved = requests sent with an empty pool (an empty token, answered 401, so also in
-- non2xx); lost = 2xx answers without a refresh_token; left = tokens written back.
-- The counting of non2xx/errors/percentiles is the same as in report.lua (keep them in step).

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

-- Per-state globals (each wrk thread runs its own copy of this file; thread:get() reads
-- them from the main state in done()).
pool = {}
head = 1
tail = 0
non2xx = 0
overloaded = 0
starved = 0
lost = 0
pool_file = nil

-- Main state: the thread objects, to read their counters and pools in done().
local threads = {}
local next_tid = 1

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

function init(args)
   local nthreads = nil
   for i = 1, #args do
      if args[i] == "pool" then
         pool_file = args[i + 1]
      elseif args[i] == "threads" then
         nthreads = tonumber(args[i + 1])
      end
   end
   if not pool_file or not nthreads or nthreads < 1 then
      error("usage: wrk ... -s refresh.lua URL -- pool FILE threads T")
   end
   local f = assert(io.open(pool_file, "r"))
   local line_no = 0
   for line in f:lines() do
      local token = line:match("^%s*(%S+)%s*$")
      if token then
         line_no = line_no + 1
         if (line_no - 1) % nthreads == tid - 1 then
            tail = tail + 1
            pool[tail] = token
         end
      end
   end
   f:close()
   if tail == 0 then
      io.stderr:write(string.format("refresh.lua: thread %d got no tokens from %s\n", tid, pool_file))
   end
end

function request()
   local token = ""
   if head <= tail then
      token = pool[head]
      pool[head] = nil
      head = head + 1
   else
      starved = starved + 1
   end
   return wrk.format(nil, nil, nil, '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if status == 503 then
         overloaded = overloaded + 1
      end
      return
   end
   local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
   if token then
      tail = tail + 1
      pool[tail] = token
   else
      lost = lost + 1
   end
end

function done(summary, latency, requests)
   local bad, over, starv, lst, left = 0, 0, 0, 0, 0
   local path = nil
   local out = {}
   for _, thread in ipairs(threads) do
      bad = bad + (tonumber(thread:get("non2xx")) or 0)
      over = over + (tonumber(thread:get("overloaded")) or 0)
      starv = starv + (tonumber(thread:get("starved")) or 0)
      lst = lst + (tonumber(thread:get("lost")) or 0)
      path = path or thread:get("pool_file")
      local p = thread:get("pool") or {}
      local h = tonumber(thread:get("head")) or 1
      local t = tonumber(thread:get("tail")) or 0
      for i = h, t do
         if p[i] then
            out[#out + 1] = p[i]
         end
      end
   end
   if path then
      local f = io.open(path, "w")
      if f then
         for _, token in ipairs(out) do
            f:write(token, "\n")
         end
         f:close()
         left = #out
      else
         io.stderr:write("refresh.lua: cannot write the pool back to " .. path .. "\n")
      end
   end
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.timeout
   local secs = summary.duration / 1e6
   local rps, ok_rps = 0, 0
   if secs > 0 then
      rps = summary.requests / secs
      ok_rps = (summary.requests - bad) / secs
   end
   io.write(string.format(
      "RESULT rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d requests=%d ok_rps=%.2f overloaded=%d starved=%d lost=%d left=%d\n",
      rps, latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad, errors,
      summary.requests, ok_rps, over, starv, lst, left))
end
