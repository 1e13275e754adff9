-- Compare-and-set of one employee's stored state (a hash: w = write counter, s = state bytes).
-- KEYS[1]: the employee's state key.
-- ARGV[1]: the write counter the caller read ("0" when the key was absent).
-- ARGV[2]: the new state bytes.
-- Returns 1 when written (w incremented), 0 when someone wrote in between (the caller reloads).
local w = redis.call('HGET', KEYS[1], 'w')
if (w == false and ARGV[1] == '0') or w == ARGV[1] then
  redis.call('HSET', KEYS[1], 'w', tonumber(ARGV[1]) + 1, 's', ARGV[2])
  return 1
end
return 0
