-- Records and announces one window result, atomically, so the stream order is the channel order.
-- KEYS[1] series history (sorted set by version), KEYS[2] metric stream
-- ARGV[1] version, ARGV[2] RollupUpdate JSON, ARGV[3] history length, ARGV[4] ttl seconds,
-- ARGV[5] stream length, ARGV[6] channel
-- A result whose exact update is already in the history is a commit repeated after a recovery, and is
-- neither streamed nor published again. (Not "any lower version": a correction of an old window is
-- committed after its checkpoint and may follow newer results of the series.)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  return false
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'u', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[6], '{"id":"' .. id .. '","update":' .. ARGV[2] .. '}')
return id
