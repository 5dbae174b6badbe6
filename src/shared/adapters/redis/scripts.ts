/**
 * The Lua scripts of the Redis coordinator. Redis runs a script atomically: no other command
 * runs between its first and last call, which gives commits their all-or-nothing semantics and
 * reads their snapshot. Scripts are registered with ioredis `defineCommand`, which sends EVALSHA
 * and falls back to EVAL when the server does not know the script (first use on a connection,
 * after SCRIPT FLUSH or a restart).
 *
 * Values cross the Lua boundary as strings; versions are formatted with '%d' because Lua's
 * tostring would switch to exponent notation above 1e14.
 */

/**
 * Ensures the revision counter exists, seeding it from the server clock in microseconds.
 *
 * Why seed from the clock: the counter is the only thing that makes versions unique. If Redis
 * loses its data (restart without persistence, failover to an empty replica) a counter that
 * restarted at 0 would hand out versions again that a stale writer may still hold as its
 * expected version, and its conditional commit would wrongly pass. Seeded with the current time
 * in microseconds, the new counter starts above every version handed out before, provided the
 * old one handed out fewer than one version per microsecond on average since it was seeded
 * (Redis cannot commit that fast) and the server clock did not jump back. Values stay below
 * 2^53 until the year 2255, so they remain exact JavaScript numbers.
 */
const SEED_REVISION = `
local function take_revision(revision_key)
  if redis.call('EXISTS', revision_key) == 0 then
    local now = redis.call('TIME')
    redis.call('SET', revision_key, string.format('%d', tonumber(now[1]) * 1000000 + tonumber(now[2])))
  end
  return string.format('%d', redis.call('INCR', revision_key))
end
`;

/**
 * commit(ops).
 * KEYS: [1] revision counter, [2] key index, [2 + i] data hash of op i.
 * ARGV: [1] change channel, [2] op count n, then 4 per op i at 2 + 4(i-1):
 *       +1 kind ('put' | 'delete' | 'check'), +2 condition ('' none, '-' must be absent,
 *       else the exact version), +3 value (puts), +4 the coordinator key.
 * Returns {1, revision or ''} when applied (revision '' if nothing changed), or
 * {0, i, actual version or ''} naming the first op whose condition failed (nothing applied).
 * A commit that changed something takes exactly one revision and publishes exactly one message
 * [revision, key, present, key, present, ...] (present: 1 = put, 0 = deleted; one entry per
 * key, its final state) — the watch code relies on consecutive revisions to detect lost messages.
 */
export const COMMIT_SCRIPT = `${SEED_REVISION}
local n = tonumber(ARGV[2])
for i = 1, n do
  local expected = ARGV[2 + 4 * (i - 1) + 2]
  if expected ~= '' then
    local actual = redis.call('HGET', KEYS[2 + i], 'version')
    if expected == '-' then
      if actual then return {0, i, actual} end
    elseif actual ~= expected then
      return {0, i, actual or ''}
    end
  end
end
local revision = nil
local order = {}
local final = {}
for i = 1, n do
  local base = 2 + 4 * (i - 1)
  local kind = ARGV[base + 1]
  local key = ARGV[base + 4]
  local changed = false
  if kind == 'put' then
    revision = revision or take_revision(KEYS[1])
    redis.call('HSET', KEYS[2 + i], 'value', ARGV[base + 3], 'version', revision)
    redis.call('ZADD', KEYS[2], 0, key)
    changed = 1
  elseif kind == 'delete' then
    if redis.call('DEL', KEYS[2 + i]) == 1 then
      revision = revision or take_revision(KEYS[1])
      redis.call('ZREM', KEYS[2], key)
      changed = 0
    end
  end
  if changed then
    if final[key] == nil then order[#order + 1] = key end
    final[key] = changed
  end
end
if revision == nil then return {1, ''} end
local message = {revision}
for _, key in ipairs(order) do
  message[#message + 1] = key
  message[#message + 1] = final[key]
end
redis.call('PUBLISH', ARGV[1], cjson.encode(message))
return {1, revision}
`;

/**
 * list(prefix): a snapshot of every key with the prefix, in byte order.
 * KEYS: [1] key index. ARGV: [1] data hash prefix, [2] coordinator key prefix.
 * Returns a flat array key, value, version, key, value, version, ...
 * The upper bound appends byte 0xFF, which never occurs in UTF-8, so every key that starts with
 * the prefix sorts below it.
 */
export const LIST_SCRIPT = `
local members
if ARGV[2] == '' then
  members = redis.call('ZRANGEBYLEX', KEYS[1], '-', '+')
else
  members = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[2], '(' .. ARGV[2] .. '\\255')
end
local out = {}
for _, key in ipairs(members) do
  local entry = redis.call('HMGET', ARGV[1] .. key, 'value', 'version')
  if entry[1] then
    out[#out + 1] = key
    out[#out + 1] = entry[1]
    out[#out + 1] = entry[2]
  end
end
return out
`;

/**
 * Versions of the keys under several prefixes (the watch poll), skipping prefixes already
 * known to be current. KEYS: [1] revision counter, [2] key index.
 * ARGV: [1] data hash prefix, then pairs (prefix, revision the caller's view is current at).
 * Returns {revision, r1, r2, ...} where ri is 0 when prefix i's revision equals the current one
 * (nothing changed anywhere since), else a flat array key, version, key, version, ...
 */
export const VERSIONS_SCRIPT = `
local revision = redis.call('GET', KEYS[1]) or '0'
local out = {revision}
for j = 2, #ARGV, 2 do
  local prefix = ARGV[j]
  if ARGV[j + 1] == revision then
    out[#out + 1] = 0
  else
    local members
    if prefix == '' then
      members = redis.call('ZRANGEBYLEX', KEYS[2], '-', '+')
    else
      members = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. prefix, '(' .. prefix .. '\\255')
    end
    local found = {}
    for _, key in ipairs(members) do
      local version = redis.call('HGET', ARGV[1] .. key, 'version')
      if version then
        found[#found + 1] = key
        found[#found + 1] = version
      end
    end
    out[#out + 1] = found
  end
end
return out
`;

/**
 * heartbeat: KEYS [1] lease string, [2] lease index. ARGV [1] JSON {role, info}, [2] ttl in
 * ms (integer), [3] process id. The lease expires by Redis's own clock (PX), so processes with
 * skewed clocks still agree on who is alive.
 */
export const HEARTBEAT_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1
`;

/**
 * liveProcesses: KEYS [1] lease index. ARGV [1] lease string prefix.
 * Returns a flat array id, JSON, remaining ms, ...; ids whose lease expired are dropped from
 * the index on the way, so it does not grow with every process that ever ran.
 */
export const LIVE_SCRIPT = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. id
  local value = redis.call('GET', key)
  local remaining = redis.call('PTTL', key)
  if value and remaining > 0 then
    out[#out + 1] = id
    out[#out + 1] = value
    out[#out + 1] = remaining
  else
    redis.call('SREM', KEYS[1], id)
  end
end
return out
`;
