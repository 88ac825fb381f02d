-- Records and announces one window result, atomically, so the stream order is the channel order.
-- KEYS[1] series history (sorted set by version), KEYS[2] metric stream,
-- KEYS[3] newest version of the series' window results published so far, KEYS[4] the metric's
-- generation (the id of its newest publication; cached answers are keyed by it, so it never expires)
-- ARGV[1] version, ARGV[2] RollupUpdate JSON, ARGV[3] history length, ARGV[4] ttl seconds,
-- ARGV[5] stream length, ARGV[6] channel, ARGV[7] 'result' or 'correction'
-- A repeated commit after a recovery is neither streamed nor published again. Window results come in
-- version order, so one not above the newest is a repeat. A correction of a closed window is committed
-- after its checkpoint and may follow newer results, so it is a repeat only if its exact update is in
-- the history; it leaves KEYS[3] alone.
if ARGV[7] == 'correction' then
  if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
    return false
  end
else
  local newest = redis.call('GET', KEYS[3])
  if newest and tonumber(newest) >= tonumber(ARGV[1]) then
    return false
  end
  redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[4])
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'u', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[4], id)
redis.call('PUBLISH', ARGV[6], '{"id":"' .. id .. '","update":' .. ARGV[2] .. '}')
return id
