-- wrk script: each connection sends a request every DELAY milliseconds,
-- cycling through PATHS (default /metrics), instead of wrk's closed loop:
--   wrk -c N -s paced.lua URL -- DELAY [PATH...]
-- N connections then make N * 1000 / DELAY requests a second at most, and
-- wrk's latency is that of each request from its first byte written.
local delay_ms = 100
local paths = { "/metrics" }
local counter = 0

function init(args)
  delay_ms = tonumber(args[1]) or delay_ms
  if #args > 1 then
    paths = {}
    for k = 2, #args do paths[#paths + 1] = args[k] end
  end
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function delay()
  return delay_ms
end
