-- wrk script for bench/run.sh.
--
--   wrk ... -s bench/report.lua URL                 GET URL (one static request per thread)
--   wrk ... -s bench/report.lua URL -- ids N        GET URL/<id>, id random in 1..N per request
--                                                   (BENCH_IDS=N in the environment does the same)
--   wrk ... -s bench/report.lua URL -- idfile FILE  GET URL/<id>, id a random line of FILE (one
--                                                   id a line) per request
--   ... -- idfile FILE suffix /completion method PUT
--                                                   PUT URL/<id>/completion with an empty body
--                                                   (Content-Length: 0); suffix and method also
--                                                   go with ids N, method alone with a static URL
--   ... -- idfile FILE param q suffix &limit=20
--                                                   GET URL?q=<word>&limit=20, word a random line
--                                                   of FILE (the value is sent as written)
--   ... -- idfile FILE suffix /posts method POST   with BENCH_BODY: POST that body to
--                                                   URL/<id>/posts
--   ... -- lines FILE stride T                      one-shot requests: each line of FILE is
--                                                   PATH<TAB>TOKEN<TAB>BODY, sent once as a
--                                                   POST of BODY to PATH with that bearer
--                                                   token (each of wrk's T threads takes
--                                                   every Tth line; after the last it wraps,
--                                                   and repeats show as non-2xx)
--   ... -- range SIZE LENGTH                       GET URL with `Range: bytes=S-(S+LENGTH-1)`,
--                                                   S random in 1..SIZE-LENGTH (a resumed
--                                                   download of a file of SIZE bytes)
--   ... -- lines FILE stride T method PUT           the same with another method (a line's
--                                                   BODY is still sent)
--   BENCH_BODY='{...}' wrk ... -s bench/report.lua URL
--                                                   POST URL with that JSON body (static)
--   BENCH_DELAY_MS=N wrk ... -s bench/report.lua URL
--                                                   wait N ms before each request on a
--                                                   connection (a low-rate probe); the wait
--                                                   is not part of the measured latency
-- Headers such as Authorization come from wrk's own -H.
--
-- done() prints one machine-readable line:
--   RESULT rps=<float> p50_ms=<float> p99_ms=<float> non2xx=<int> errors=<int>
--          requests=<int> ok_rps=<float> overloaded=<int> bytes=<int> secs=<float>
-- non2xx counts every response whose status is not 2xx (wrk's own "Non-2xx or 3xx"
-- line only counts status > 399); errors = connect + read + write + timeout socket errors;
-- ok_rps = 2xx responses per second; overloaded = 503 answers (also in non2xx); bytes =
-- what wrk read (headers and bodies) in secs seconds, for throughput.
-- bench/refresh.lua prints the same fields (and counts the same way: keep them in step).

-- wrk decides once, in the main Lua state right after loading this file, whether a
-- global request() exists: if it does, wrk calls Lua for every request ("dynamic"),
-- otherwise it builds one request per thread. The script arguments only reach init(),
-- which runs later in each thread's state, so they are read at load time from the
-- environment or from our own command line (/proc/self/cmdline), and request() is
-- only defined when ids are randomised: the plain runs (and the /health/live ceiling)
-- pay no per-request Lua cost.
local function script_args()
   local f = io.open("/proc/self/cmdline", "rb")
   if not f then
      return {}
   end
   local raw = f:read("*a")
   f:close()
   local argv, after_dashes = {}, false
   for a in raw:gmatch("([^%z]*)%z") do
      if after_dashes then
         argv[#argv + 1] = a
      elseif a == "--" then
         after_dashes = true
      end
   end
   return argv
end

local argv = script_args()

-- The word after `name` among the script arguments, or nil.
local function arg_value(name)
   for i, a in ipairs(argv) do
      if a == name then
         return argv[i + 1]
      end
   end
   return nil
end

local ids = tonumber(os.getenv("BENCH_IDS") or "") or tonumber(arg_value("ids") or "") or 0
local suffix = arg_value("suffix") or ""
local param = arg_value("param")
local range_size = tonumber(arg_value("range") or "")
local range_length = nil
if range_size then
   for i, a in ipairs(argv) do
      if a == "range" then
         range_length = tonumber(argv[i + 2] or "")
      end
   end
   assert(range_length and range_length >= 1 and range_size > range_length + 1,
      "report.lua: range SIZE LENGTH needs SIZE > LENGTH + 1 >= 2")
end
local method = arg_value("method")

-- idfile: the ids, read once per Lua state (the file is small).
local id_list = nil
local idfile = arg_value("idfile")
if idfile then
   local f = assert(io.open(idfile, "r"))
   id_list = {}
   for line in f:lines() do
      local id = line:match("^%s*(%S+)%s*$")
      if id then
         id_list[#id_list + 1] = id
      end
   end
   f:close()
   if #id_list == 0 then
      error("report.lua: no ids in " .. idfile)
   end
end

-- lines: the one-shot requests, read once per Lua state; `stride` is wrk's thread count.
local stride = tonumber(arg_value("stride") or "") or 1
local line_list = nil
local linefile = arg_value("lines")
if linefile then
   local f = assert(io.open(linefile, "r"))
   line_list = {}
   for line in f:lines() do
      local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
      if path then
         line_list[#line_list + 1] = { path, token, body }
      end
   end
   f:close()
   if #line_list == 0 then
      error("report.lua: no request lines in " .. linefile)
   end
end

-- A static POST: set at load time, so that every state builds the same request.
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
   wrk.method = "POST"
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
end

-- Another method (e.g. PUT) without a body: an explicit Content-Length: 0.
local empty_body = nil
if method and method ~= "GET" then
   wrk.method = method
   if not wrk.body then
      empty_body = ""
      wrk.body = ""
   end
end

-- delay() makes wrk wait before each request on a connection; only defined when asked.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "") or 0
if delay_ms > 0 then
   function delay()
      return delay_ms
   end
end

-- Main state: one thread object per wrk thread, to read their counters in done().
local threads = {}
local next_tid = 1

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

-- Per-thread state (every wrk thread runs its own copy of this file).
non2xx = 0
overloaded = 0

function init(args)
   -- The arguments were read at load time (above); init() has nothing left to do.
end

if line_list then
   local next_line = nil
   function request()
      if not next_line then
         next_line = tid or 1
      end
      local l = line_list[(next_line - 1) % #line_list + 1]
      next_line = next_line + stride
      return wrk.format(method or "POST", l[1], {
         ["Authorization"] = "Bearer " .. l[2],
         ["Content-Type"] = "application/json",
      }, l[3])
   end
elseif range_size then
   local seeded = false
   function request()
      if not seeded then
         math.randomseed(os.time() + (tid or 0) * 7919)
         seeded = true
      end
      local first = math.random(1, range_size - range_length)
      return wrk.format("GET", wrk.path, {
         ["Range"] = string.format("bytes=%d-%d", first, first + range_length - 1),
      })
   end
elseif ids > 0 or id_list then
   local prefix = nil
   function request()
      if not prefix then
         if param then
            prefix = wrk.path .. "?" .. param .. "="
         else
            prefix = wrk.path:gsub("/+$", "") .. "/"
         end
         math.randomseed(os.time() + (tid or 0) * 7919)
      end
      local id
      if id_list then
         id = id_list[math.random(1, #id_list)]
      else
         id = math.random(1, ids)
      end
      return wrk.format(wrk.method, prefix .. id .. suffix, nil, empty_body)
   end
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if status == 503 then
         overloaded = overloaded + 1
      end
   end
end

function done(summary, latency, requests)
   local bad, over = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (tonumber(thread:get("non2xx")) or 0)
      over = over + (tonumber(thread:get("overloaded")) or 0)
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
      "RESULT rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d requests=%d ok_rps=%.2f overloaded=%d bytes=%d secs=%.3f\n",
      rps, latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad, errors,
      summary.requests, ok_rps, over, summary.bytes, secs))
end
