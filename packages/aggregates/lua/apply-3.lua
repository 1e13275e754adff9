-- Applies one score event to one agency and rule set, idempotently by version: the employee's
-- stored entry (contribution or tombstone) is replaced only by a newer version, and the agency's
-- sums move by exactly (new contribution - old contribution). Any number of deliveries, in any
-- order, leave the entry of the highest version and sums equal to the sum of the contributions.
-- The Lua mirror of add/removeContribution (packages/rules/src/aggregate.ts).
--
-- KEYS[1]: <prefix>agg:{<code>}:<rules>:emp   hash NIP -> entry
-- KEYS[2]: <prefix>agg:{<code>}:<rules>:sums  hash <PNS|PPPK>:<field> -> integer (0 deleted)
-- KEYS[3]: <prefix>agg:{<code>}:meta          hash lastEventAt, lastScoredAt (epoch ms, max)
-- ARGV[1]: NIP
-- ARGV[2]: the new entry (keys.ts): a contribution
--          <version>|<PNS|PPPK>|<totalQ>|<kualifikasiQ>|<kompetensiQ>|<kinerjaQ>|<disiplinQ>|<category>|<0|1>
--          or a tombstone <version>|-
-- ARGV[3]: computedAt of the score event (epoch ms) -> lastScoredAt
-- ARGV[4]: computedAt again when the score was caused by an event, else '' -> lastEventAt
-- Returns 0 stale (the stored version is the same or newer: nothing changed),
--         1 added (no contribution before), 2 replaced, 3 removed (a contribution became a
--         tombstone), 4 tombstoned (nothing was counted here; the tombstone guards against replays).

local function parse(entry)
  local f = {}
  for part in string.gmatch(entry, '[^|]+') do f[#f + 1] = part end
  return f
end

local function incr(field, by)
  if by == 0 then return end
  if redis.call('HINCRBY', KEYS[2], field, by) == 0 then redis.call('HDEL', KEYS[2], field) end
end

-- f: a parsed contribution; sign: 1 to add it, -1 to take it out.
local function shift(f, sign)
  local t = f[2] .. ':'
  incr(t .. 'n', sign)
  incr(t .. 'total', sign * tonumber(f[3]))
  incr(t .. 'kualifikasi', sign * tonumber(f[4]))
  incr(t .. 'kompetensi', sign * tonumber(f[5]))
  incr(t .. 'kinerja', sign * tonumber(f[6]))
  incr(t .. 'disiplin', sign * tonumber(f[7]))
  incr(t .. 'c:' .. f[8], sign)
  if f[9] == '1' then incr(t .. 'gaps', sign) end
end

local function stampMax(field, value)
  if value == '' then return end
  local current = redis.call('HGET', KEYS[3], field)
  if current == false or tonumber(current) < tonumber(value) then redis.call('HSET', KEYS[3], field, value) end
end

local new = parse(ARGV[2])
local stored = redis.call('HGET', KEYS[1], ARGV[1])
local had = false
if stored then
  local old = parse(stored)
  if tonumber(old[1]) >= tonumber(new[1]) then return 0 end
  if old[2] ~= '-' then
    shift(old, -1)
    had = true
  end
end

redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
stampMax('lastScoredAt', ARGV[3])
stampMax('lastEventAt', ARGV[4])
if new[2] == '-' then
  if had then return 3 end
  return 4
end
shift(new, 1)
if had then return 2 end
return 1
