-- P3: a cursor walk, 20 pages deep, then from the start again.
local cursor = nil
local depth = 0
request = function()
  local path = "/api/v2/orders?limit=50"
  if cursor then path = path .. "&cursor=" .. cursor end
  return wrk.format("GET", path)
end
response = function(status, headers, body)
  local next_cursor = body:match('"next_cursor":"([^"]+)"')
  depth = depth + 1
  if next_cursor and depth < 20 then cursor = next_cursor else cursor = nil; depth = 0 end
end
