-- ScriptBatcher's batch loop, appended to each batched script when it is loaded (the script defines
-- `local function operation(keys, args)`, which runs one operation and returns its reply table). It decodes
-- ScriptBatcher's encoding: ARGV[1] the number of operations, then per operation its number of keys, its
-- number of arguments and the arguments; its keys follow each other in KEYS. An operation that raises an
-- error (caught with pcall) replies {'error', message}: it fails alone, the batch goes on.

local replies, k, i = {}, 1, 2
for o = 1, tonumber(ARGV[1]) do
  local nk, na = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local keys, args = {}, {}
  for j = 1, nk do
    keys[j] = KEYS[k + j - 1]
  end
  for j = 1, na do
    args[j] = ARGV[i + 1 + j]
  end
  k, i = k + nk, i + 2 + na
  local ok, reply = pcall(operation, keys, args)
  if ok then
    replies[o] = reply
  else
    replies[o] = {'error', type(reply) == 'table' and reply.err or tostring(reply)}
  end
end
return replies
