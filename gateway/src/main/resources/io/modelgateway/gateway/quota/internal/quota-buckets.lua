-- Quota buckets, atomically: a batch of operations, each on one or more buckets, run in order (ScriptBatcher's
-- encoding: ARGV[1] the number of operations, then per operation its number of keys, its number of arguments
-- and the arguments; its keys follow each other in KEYS).
--
-- A bucket holds `limit` tokens and refills `limit` per minute continuously: Bucket4j's greedy bandwidth
-- (BucketState64BitsInteger), in integer arithmetic on microseconds, so a bucket here and one of Bucket4j's in
-- memory agree token for token. Its state is a string "tokens,last refill (us),rounding error (limit x us)"
-- with an expiry past the time it is full again; a full bucket is deleted (full and missing are the same).
--
-- Operations (ARGV of the operation; KEYS its buckets):
--   take  now mode limit1 tokens1 limit2 tokens2 ...  all or nothing: when every bucket holds its tokens,
--         they are taken (mode 1; mode 0 only looks); reply {taken, available1, wait1, available2, wait2, ...}
--         where wait is the nanoseconds until the bucket will hold its tokens (0 when it does, -1 never)
--   add   now limit1 delta1 ...  gives back delta tokens (capped at the limit) or, negative, takes them even
--         below zero; reply {1}

local PERIOD = 60000000 -- one minute in microseconds
local MARGIN = 10000 -- milliseconds a bucket is kept past the time it is full again

-- numbers are written as integers (Lua would write 1e+15)
local function n(x)
  return string.format('%d', x)
end

-- x // y and x % y for 0 <= x < 2^53, y > 0, exactly (a double division may round across an integer)
local function divmod(x, y)
  local q = math.floor(x / y)
  local r = x - q * y
  if r < 0 then
    q, r = q - 1, r + y
  elseif r >= y then
    q, r = q + 1, r - y
  end
  return q, r
end

local function load(key, limit, now)
  local v = redis.call('GET', key)
  if v then
    local t, at, r = string.match(v, '^(%-?%d+),(%d+),(%d+)$')
    if t then
      return {t = tonumber(t), at = tonumber(at), r = tonumber(r)}
    end
  end
  return {t = limit, at = now, r = 0}
end

-- Bucket4j's refill of a greedy bandwidth (capacity = refill tokens = limit, period one minute)
local function refill(b, limit, now)
  if now <= b.at then
    return
  end
  local e = now - b.at
  b.at = now
  if b.t >= limit then
    return
  end
  local size = b.t
  if e > PERIOD then
    local periods, rest = divmod(e, PERIOD)
    size = size + periods * limit
    if size > limit then
      b.t, b.r = limit, 0
      return
    end
    e = rest
  end
  -- limit * e + r, split so that no product reaches 2^53: limit = q * PERIOD + m
  local q, m = divmod(limit, PERIOD)
  local whole, r = divmod(m * e + b.r, PERIOD)
  size = size + q * e + whole
  if size >= limit then
    b.t, b.r = limit, 0
  else
    b.t, b.r = size, r
  end
end

-- nanoseconds until the bucket holds `tokens` (Bucket4j's delay of a greedy bandwidth); -1: never
local function wait(b, limit, tokens)
  if tokens > limit then
    return -1
  end
  if tokens <= b.t then
    return 0
  end
  local x = PERIOD * (tokens - b.t) - b.r -- microseconds x limit
  if x >= 9007199254740992 then
    return math.floor(x / limit * 1000)
  end
  local q, r = divmod(x, limit)
  return q * 1000 + math.floor(r * 1000 / limit)
end

local function store(key, b, limit)
  if b.t >= limit then
    redis.call('DEL', key)
    return
  end
  local full = wait(b, limit, limit)
  local ttl = (full < 0 and PERIOD / 1000 or math.ceil(full / 1000000)) + MARGIN
  redis.call('SET', key, n(b.t) .. ',' .. n(b.at) .. ',' .. n(b.r), 'PX', n(ttl))
end

local function operation(keys, args)
  local op, now = args[1], tonumber(args[2])
  if op == 'take' then
    local taking = args[3] == '1'
    local buckets, reply, all = {}, {0}, true
    for j, key in ipairs(keys) do
      local limit, tokens = tonumber(args[2 + 2 * j]), tonumber(args[3 + 2 * j])
      local b = load(key, limit, now)
      refill(b, limit, now)
      buckets[j] = b
      reply[2 * j] = b.t
      reply[2 * j + 1] = wait(b, limit, tokens)
      if tokens > b.t then
        all = false
      end
    end
    if all then
      reply[1] = 1
      if taking then
        for j, key in ipairs(keys) do
          local b = buckets[j]
          b.t = b.t - tonumber(args[3 + 2 * j])
          store(key, b, tonumber(args[2 + 2 * j]))
        end
      end
    end
    return reply
  elseif op == 'add' then
    for j, key in ipairs(keys) do
      local limit, delta = tonumber(args[1 + 2 * j]), tonumber(args[2 + 2 * j])
      local b = load(key, limit, now)
      refill(b, limit, now)
      if delta >= 0 then
        b.t = math.min(limit, b.t + delta)
        if b.t >= limit then
          b.r = 0
        end
      else
        b.t = b.t + delta
      end
      store(key, b, limit)
    end
    return {1}
  end
  error('unknown operation ' .. tostring(op))
end

-- the batch loop that calls operation(keys, args) is ScriptBatcher's (runtime/script-batch.lua), appended
-- when this script is loaded
