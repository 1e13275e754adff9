-- Increments KEYS[1] by ARGV[1] without going past ARGV[2].
-- KEYS[1]: a counter. ARGV[1]: increment. ARGV[2]: cap.
-- Returns the new value.
local v = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
if v > cap then v = cap end
redis.call('SET', KEYS[1], v)
return v
