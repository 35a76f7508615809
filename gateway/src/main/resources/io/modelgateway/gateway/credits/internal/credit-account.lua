-- Credit accounts, atomically (the same rules as Account.java): a batch of operations, each on one tenant's
-- account, run in order (ScriptBatcher's encoding: ARGV[1] the number of operations, then per operation its
-- number of keys, its number of arguments and the arguments; its keys follow each other in KEYS).
-- Per operation:
-- KEYS[1] the account (hash: balance, held, epoch, version, changed, h:<hold id> = amount)
-- KEYS[2] the open holds' deadlines (sorted set, score = epoch ms)
-- KEYS[3] the settled marker of this operation's id (a string with an expiry)
-- ARGV[1] operation, ARGV[2] now (epoch ms), then the operation's arguments
-- numbers are written as integers (Lua would write 1e+15)
local function n(x)
  return string.format('%d', x)
end

local function operation(KEYS, ARGV)
  local a, d, s = KEYS[1], KEYS[2], KEYS[3]
  local op, now = ARGV[1], tonumber(ARGV[2])

  if op == 'init' then -- ARGV[3] balance, ARGV[4] epoch
    if redis.call('EXISTS', a) == 1 then
      return {0}
    end
    redis.call('HSET', a, 'balance', ARGV[3], 'held', 0, 'epoch', ARGV[4], 'version', 1, 'changed', ARGV[2])
    redis.call('DEL', d)
    return {1}
  end

  if redis.call('EXISTS', a) == 0 then
    if op == 'capture' then -- a call that ends (or is abandoned) before its account is built: no late hold
      redis.call('SET', s, '1', 'PX', ARGV[6])
    end
    return {'missing'}
  end

  -- holds past their deadline are released first
  local expired = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', d, '-inf', now)) do
    local amount = redis.call('HGET', a, 'h:' .. id)
    if amount then
      redis.call('HDEL', a, 'h:' .. id)
      redis.call('HINCRBY', a, 'held', n(-tonumber(amount)))
      expired = expired + 1
    end
    redis.call('ZREM', d, id)
  end
  local changed = expired > 0
  local result = 0

  if op == 'hold' then -- ARGV[3] id, ARGV[4] most, ARGV[5] least, ARGV[6] deadline
    local id, most, least = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
    local current = redis.call('HGET', a, 'h:' .. id)
    if current then
      result = tonumber(current)
    elseif redis.call('EXISTS', s) == 1 then
      result = -1
    else
      local available = tonumber(redis.call('HGET', a, 'balance')) - tonumber(redis.call('HGET', a, 'held'))
      local taken = math.min(most, math.max(available, 0))
      if taken < least then
        result = -1
      else
        redis.call('HSET', a, 'h:' .. id, n(taken))
        redis.call('HINCRBY', a, 'held', n(taken))
        redis.call('ZADD', d, ARGV[6], id)
        changed = true
        result = taken
      end
    end
  elseif op == 'resize' then -- ARGV[3] id, ARGV[4] amount
    local id, amount = ARGV[3], tonumber(ARGV[4])
    local current = redis.call('HGET', a, 'h:' .. id)
    if current and amount < tonumber(current) then
      redis.call('HSET', a, 'h:' .. id, n(amount))
      redis.call('HINCRBY', a, 'held', n(amount - tonumber(current)))
      changed = true
    end
  elseif op == 'capture' then -- ARGV[3] id, ARGV[4] cost, ARGV[5] epoch or '*', ARGV[6] marker lifetime (ms)
    local id, cost = ARGV[3], tonumber(ARGV[4])
    if redis.call('EXISTS', s) == 0 then
      local current = redis.call('HGET', a, 'h:' .. id)
      if current then
        redis.call('HDEL', a, 'h:' .. id)
        redis.call('HINCRBY', a, 'held', n(-tonumber(current)))
        redis.call('ZREM', d, id)
        redis.call('HINCRBY', a, 'balance', n(-cost))
      elseif ARGV[5] == '*' or ARGV[5] == redis.call('HGET', a, 'epoch') then
        redis.call('HINCRBY', a, 'balance', n(-cost))
      end
      redis.call('SET', s, '1', 'PX', ARGV[6])
      changed = true
    end
  elseif op == 'post' then -- ARGV[3] amount, ARGV[4] marker lifetime (ms)
    if redis.call('EXISTS', s) == 0 then
      redis.call('HINCRBY', a, 'balance', ARGV[3])
      redis.call('SET', s, '1', 'PX', ARGV[4])
      changed = true
    end
  end

  if changed then
    redis.call('HINCRBY', a, 'version', 1)
    redis.call('HSET', a, 'changed', ARGV[2])
  end
  local h = redis.call('HMGET', a, 'balance', 'held', 'epoch', 'version', 'changed')
  return {result, expired, h[1], h[2], h[3], h[4], h[5]}
end

-- the batch loop that calls operation(keys, args) is ScriptBatcher's (runtime/script-batch.lua), appended
-- when this script is loaded
