-- Compare-and-set of one employee's stored state: a string "<w>|<state>", where w counts writes;
-- in the same step, the employee's entry in the index of held events (events.md "Held, not
-- rejected"): a hash NIP -> {"<sender agency>": count, ...}, absent when nothing is held.
-- KEYS[1]: the employee's state key.
-- KEYS[2]: the held-events index (one hash per namespace).
-- ARGV[1]: the write counter the caller read ("0" when the key was absent).
-- ARGV[2]: the new state bytes.
-- ARGV[3]: the NIP (the index's field).
-- ARGV[4]: the held counts per agency as JSON, or "" when nothing is held.
-- Returns 1 when written (w incremented), 0 when someone wrote in between (the caller reloads).
local cur = redis.call('GET', KEYS[1])
local w = '0'
if cur then w = string.match(cur, '^(%d+)|') or '' end
if w == ARGV[1] then
  redis.call('SET', KEYS[1], (tonumber(ARGV[1]) + 1) .. '|' .. ARGV[2])
  if ARGV[4] == '' then
    redis.call('HDEL', KEYS[2], ARGV[3])
  else
    redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  end
  return 1
end
return 0
