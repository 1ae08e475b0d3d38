-- wrk script: requests come from the file named by BENCH_REQUESTS, one per line as
-- METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY, shared out between wrk's threads so that each
-- line (a person writing today's entry, say) is sent once before any is sent again.
-- done() prints the figures as one JSON line for tests/bench/run.py.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  requests = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  step = tonumber(os.getenv("BENCH_THREADS"))
  index = id
end

function request()
  local next_request = requests[(index % #requests) + 1]
  index = index + step
  return next_request
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
