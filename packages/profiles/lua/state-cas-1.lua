-- Compare-and-set of one employee's stored state: a string "<w>|<state>", where w counts writes.
-- KEYS[1]: the employee's state key.
-- ARGV[1]: the write counter the caller read ("0" when the key was absent).
-- ARGV[2]: the new state bytes.
-- Returns 1 when written (w incremented), 0 when someone wrote in between (the caller reloads).
local cur = redis.call('GET', KEYS[1])
local w = '0'
if cur then w = string.match(cur, '^(%d+)|') or '' end
if w == ARGV[1] then
  redis.call('SET', KEYS[1], (tonumber(ARGV[1]) + 1) .. '|' .. ARGV[2])
  return 1
end
return 0
