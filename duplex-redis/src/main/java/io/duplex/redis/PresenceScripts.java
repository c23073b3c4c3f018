package io.duplex.redis;

import io.duplex.redis.StreamScripts.Script;

/**
 * The Lua scripts of a topic's presence, run like the stream's ({@link StreamScripts#run}: EVALSHA,
 * EVAL on NOSCRIPT); every reply is an
 * array (Lettuce's MULTI output). A script runs atomically (no other command or script meanwhile), so a member,
 * its expiry, its user's count and its event always change together, and a topic's events are
 * published in the order its changes were applied. Time comes from Redis ({@code TIME}, allowed in
 * writing scripts since Redis replicates scripts by their effects), so nodes' clocks never matter.
 *
 * <p>Every script takes KEYS = members, expiry, users, index, channel ({@link PresenceKeys}; one
 * hash slot) and ARGV[1] = sharded ('1': SPUBLISH, else PUBLISH), ARGV[2] = expiry (ms), ARGV[3] =
 * key ttl (ms), then its own arguments:
 *
 * <ul>
 *   <li>JOIN: (client id, encoded member)*. Adds or refreshes each: expiry = now + expiry. A new
 *       member is indexed, its user's count incremented, and a join event published, {@code user}
 *       when the count went 0 → 1 (HINCRBY returns the value after the increment). A known client
 *       id keeps its place and gets the new info, without an event; one whose user changed leaves
 *       as the old user and joins as the new. Replies the number added.
 *   <li>REFRESH: client id*. Moves the expiry of each member still present; replies the ids that
 *       are missing (the caller joins them again: lost with the store, or expired).
 *   <li>LEAVE: client id. Removes it (nothing if absent); a leave event, {@code user} when its user's
 *       count reached 0 (the user's field is then deleted, so HLEN counts users present). Replies
 *       1 if it was present.
 *   <li>EXPIRE: limit. Removes at most limit members whose expiry is past (ZRANGEBYSCORE -inf now,
 *       inclusive), each as LEAVE does with its event. Replies how many.
 *   <li>MEMBERS: cursor ("" for the first page), limit. ZRANGE BYLEX over the index from just after
 *       the cursor ({@code (cursor}, exclusive), limit + 1 to know whether more follow, then HMGET.
 *       Replies {@code [next cursor or "", (client id, encoded member)*]}.
 *   <li>STATS: replies {@code [HLEN members, HLEN users]}: O(1), no member transferred.
 * </ul>
 *
 * <p>Every write refreshes the whole topic's key expiry (PEXPIRE key ttl, beyond the member
 * expiry): when no node refreshes any more, the keys vanish by themselves.
 *
 * <p>Event message: kind ('j' join, 'l' leave), user flag ('1'/'0'), client id as {@code
 * <byte length>:<bytes>}, then the encoded member ({@link PresenceCodec}).
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class PresenceScripts {
    private static final String COMMON = """
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function fmt(n) return string.format('%d', n) end
            local function user_of(v)
              local colon = string.find(v, ':', 1, true)
              local n = tonumber(string.sub(v, 1, colon - 1))
              return string.sub(v, colon + 1, colon + n)
            end
            local function emit(kind, first, id, v)
              local m = kind .. (first and '1' or '0') .. string.len(id) .. ':' .. id .. v
              if ARGV[1] == '1' then
                redis.call('SPUBLISH', KEYS[5], m)
              else
                redis.call('PUBLISH', KEYS[5], m)
              end
            end
            local function remove(id)
              redis.call('ZREM', KEYS[2], id)
              local v = redis.call('HGET', KEYS[1], id)
              if not v then return false end
              redis.call('HDEL', KEYS[1], id)
              redis.call('ZREM', KEYS[4], id)
              local u = user_of(v)
              local n = redis.call('HINCRBY', KEYS[3], u, -1)
              if n <= 0 then redis.call('HDEL', KEYS[3], u) end
              emit('l', n <= 0, id, v)
              return true
            end
            local function keep()
              for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
            end
            """;

    static final Script JOIN = Script.of("presence-join", COMMON + """
            local deadline = fmt(now_ms() + tonumber(ARGV[2]))
            local added = 0
            for i = 4, #ARGV, 2 do
              local id, v = ARGV[i], ARGV[i + 1]
              local old = redis.call('HGET', KEYS[1], id)
              if old and user_of(old) ~= user_of(v) then
                remove(id)
                old = false
              end
              redis.call('HSET', KEYS[1], id, v)
              redis.call('ZADD', KEYS[2], deadline, id)
              if not old then
                redis.call('ZADD', KEYS[4], 0, id)
                local n = redis.call('HINCRBY', KEYS[3], user_of(v), 1)
                emit('j', n == 1, id, v)
                added = added + 1
              end
            end
            keep()
            return {added}
            """);

    static final Script REFRESH = Script.of("presence-refresh", COMMON + """
            local deadline = fmt(now_ms() + tonumber(ARGV[2]))
            local missing = {}
            for i = 4, #ARGV do
              local id = ARGV[i]
              if redis.call('HEXISTS', KEYS[1], id) == 1 then
                redis.call('ZADD', KEYS[2], deadline, id)
              else
                missing[#missing + 1] = id
              end
            end
            keep()
            return missing
            """);

    static final Script LEAVE = Script.of("presence-leave", COMMON + """
            if remove(ARGV[4]) then return {1} end
            return {0}
            """);

    static final Script EXPIRE = Script.of("presence-expire", COMMON + """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', fmt(now_ms()), 'LIMIT', 0, tonumber(ARGV[4]))
            for _, id in ipairs(ids) do remove(id) end
            return {#ids}
            """);

    static final Script MEMBERS = Script.of("presence-members", COMMON + """
            local limit = tonumber(ARGV[5])
            local from = '-'
            if ARGV[4] ~= '' then from = '(' .. ARGV[4] end
            local ids = redis.call('ZRANGE', KEYS[4], from, '+', 'BYLEX', 'LIMIT', 0, limit + 1)
            local n = math.min(#ids, limit)
            local out = {''}
            if n == 0 then return out end
            if #ids > limit then out[1] = ids[n] end
            local page = {}
            for i = 1, n do page[i] = ids[i] end
            local values = redis.call('HMGET', KEYS[1], unpack(page))
            for i = 1, n do
              if values[i] then
                out[#out + 1] = page[i]
                out[#out + 1] = values[i]
              end
            end
            return out
            """);

    static final Script STATS = Script.of("presence-stats", COMMON + """
            return {redis.call('HLEN', KEYS[1]), redis.call('HLEN', KEYS[3])}
            """);

    private PresenceScripts() {}
}
