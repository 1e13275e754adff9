-- Records the present state of one agency and rule set in its history series (an operator aid,
-- never read back by the projection): the headcount and sum of totals per employment type, read
-- from the sums hash in the same atomic step, written as the sample of the current minute, hour and
-- day bucket (replacing that bucket's earlier sample: last write wins), then trims each series to
-- its retention. Touches only the history keys; the sums are read, never written, so the
-- projection's exactly-once effects do not depend on it. Running it again for the same state
-- writes the same samples.
--
-- KEYS[1]: <prefix>agg:{<code>}:<rules>:sums   hash (read only)
-- KEYS[2]: <prefix>hist:{<code>}:<rules>:m     zset score = bucket start (epoch ms), member = sample
-- KEYS[3]: <prefix>hist:{<code>}:<rules>:h     zset
-- KEYS[4]: <prefix>hist:{<code>}:<rules>:d     zset
-- ARGV[1]: now (epoch ms)
-- ARGV[2..4]: bucket width of KEYS[2..4] (ms)
-- ARGV[5..7]: retention of KEYS[2..4] (ms): older buckets are removed, the key expires after it
-- Sample: <bucketStart>|<PNS n>|<PNS totalQ>|<PPPK n>|<PPPK totalQ> (quarter points, history.ts)
-- Returns the number of series written (3).

local v = redis.call('HMGET', KEYS[1], 'PNS:n', 'PNS:total', 'PPPK:n', 'PPPK:total')
local function num(x) if x then return x end return '0' end
local now = tonumber(ARGV[1])
for i = 2, 4 do
  local width = tonumber(ARGV[i])
  local keep = tonumber(ARGV[i + 3])
  local bucket = now - (now % width)
  local sample = table.concat({ bucket, num(v[1]), num(v[2]), num(v[3]), num(v[4]) }, '|')
  redis.call('ZREMRANGEBYSCORE', KEYS[i], bucket, bucket)
  redis.call('ZADD', KEYS[i], bucket, sample)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. (bucket - keep))
  redis.call('PEXPIRE', KEYS[i], keep)
end
return 3
