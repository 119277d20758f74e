-- P1: point reads of orders (lines and customer embedded) at random ids of the partner's tenants.
local ids = {}
for line in io.lines(os.getenv("PORTICO_BENCH_IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v2/orders/" .. ids[math.random(#ids)])
end
