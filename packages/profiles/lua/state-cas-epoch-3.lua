-- state-cas-2.lua, only while Redis holds the epoch marker the scorer started with
-- (docs/reliability.md): on a Redis that came back empty the scorer would compute scores from
-- states that are gone, and emit them; nothing is written then.
-- KEYS[1], KEYS[2], ARGV[1..4]: as state-cas-2.lua.
-- KEYS[3]: the epoch marker (`<prefix>epoch`, a hash with `id`).
-- ARGV[5]: the marker id the scorer started with.
-- Returns 1 when written, 0 when someone wrote in between, '!<id found>' ('!' when none) when the
-- marker is not the one given.
local epoch = redis.call('HGET', KEYS[3], 'id')
if epoch ~= ARGV[5] then return '!' .. (epoch or '') end
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
