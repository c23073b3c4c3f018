package io.duplex.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The two Lua scripts of a topic's stream, and how they are run: EVALSHA by the script's SHA-1,
 * and EVAL (which also caches it) when Redis answers NOSCRIPT (a restarted or new server, a
 * cluster node that never ran it). A script runs atomically (no other command or script runs
 * meanwhile), which is what makes "store and deliver" one step. Redis 7 replicates a script by its
 * effects, so calling TIME in a script that writes is allowed and replicas get the same values.
 *
 * <p>Both take KEYS = meta, log[, channel] of one topic ({@link StreamKeys}; one hash slot).
 *
 * <p>PUBLISH: ARGV = epoch candidate, flag ('t'/'b'), payload, history size, history ttl (ms),
 * stream ttl (ms), sharded ('1': SPUBLISH). Starts a new epoch when the meta is missing (first
 * publish, a Redis restarted without persistence, FLUSHALL, expiry; the orphaned log of the lost
 * epoch is deleted), takes the next offset, appends to the log with ID {@code offset-0} (XADD with an
 * explicit ID, MAXLEN = size exactly; nothing when size is 0), refreshes the expiries (log: history
 * ttl; meta: the longer of stream ttl and history ttl, so an idle topic keeps its epoch), trims
 * entries older than the ttl every 16th offset, and publishes the message of {@link
 * PublicationCodec}. Replies {@code [epoch, offset]}.
 *
 * <p>READ: ARGV = since epoch ("" none), since offset, limit, newest first ('1'), history size (0:
 * no cap), history ttl (ms, 0: none), epoch candidate, create ('1'), stream ttl (ms). Replies
 * {@code [epoch, latest, (offset, time, flag, payload)*]}. A missing meta is created from the
 * candidate only with create (a node that listens to the topic: its subscribers were told offset 0
 * of that epoch, and the first publish keeps it); otherwise the candidate is returned, unstored, so
 * a reader cannot make keys. A since position of another epoch reads from the oldest kept.
 *
 * <p>Entries are dense (offsets consecutive from the oldest kept to the newest: only the head is
 * ever trimmed) and their times grow with offsets, so the oldest entry within the ttl is found by
 * binary search over offsets, a few XRANGEs of one entry each.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class StreamScripts {
    /** A script's source and SHA-1 (what EVALSHA names it by). */
    record Script(String name, byte[] source, String sha) {
        static Script of(String name, String source) {
            byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
            try {
                String sha = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
                return new Script(name, bytes, sha);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from the JDK", e);
            }
        }
    }

    private static final String COMMON = """
            local function fmt(n) return string.format('%d', n) end
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function offset_of(id) return tonumber(string.match(id, '^(%d+)')) end
            local function time_at(log, off)
              local r = redis.call('XRANGE', log, fmt(off) .. '-0', fmt(off) .. '-0')
              if #r == 0 then return nil end
              return tonumber(r[1][2][2])
            end
            local function first_live(log, cutoff)
              local head = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
              if #head == 0 then return nil end
              local lo = offset_of(head[1][1])
              if tonumber(head[1][2][2]) >= cutoff then return lo end
              local tail = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
              local hi = offset_of(tail[1][1])
              if tonumber(tail[1][2][2]) < cutoff then return nil end
              while hi - lo > 1 do
                local mid = math.floor((lo + hi) / 2)
                local t = time_at(log, mid)
                if t == nil or t < cutoff then lo = mid else hi = mid end
              end
              return hi
            end
            """;

    static final Script PUBLISH = Script.of("publish", COMMON + """
            local epoch = redis.call('HGET', KEYS[1], 'e')
            if not epoch then
              epoch = ARGV[1]
              redis.call('DEL', KEYS[2])
              redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
            end
            local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
            local now = now_ms()
            local size = tonumber(ARGV[4])
            local ttl = tonumber(ARGV[5])
            redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[6]), ttl))
            local o = fmt(offset)
            local ms = fmt(now)
            if size > 0 then
              redis.call('XADD', KEYS[2], 'MAXLEN', '=', size, o .. '-0', 't', ms, 'f', ARGV[2], 'p', ARGV[3])
              redis.call('PEXPIRE', KEYS[2], ttl)
              if offset % 16 == 0 then
                local live = first_live(KEYS[2], now - ttl)
                if live then redis.call('XTRIM', KEYS[2], 'MINID', fmt(live) .. '-0') end
              end
            end
            local message = '1' .. ARGV[2] .. epoch .. ':' .. o .. ':' .. ms .. ':' .. ARGV[3]
            if ARGV[7] == '1' then
              redis.call('SPUBLISH', KEYS[3], message)
            else
              redis.call('PUBLISH', KEYS[3], message)
            end
            return {epoch, offset}
            """);

    static final Script READ = Script.of("read", COMMON + """
            local meta = redis.call('HMGET', KEYS[1], 'e', 'o')
            local epoch = meta[1]
            local keep = math.max(tonumber(ARGV[9]), tonumber(ARGV[6]))
            if not epoch then
              if ARGV[8] == '1' then
                redis.call('DEL', KEYS[2])
                redis.call('HSET', KEYS[1], 'e', ARGV[7], 'o', 0)
                redis.call('PEXPIRE', KEYS[1], keep)
              end
              return {ARGV[7], 0}
            end
            if ARGV[8] == '1' then redis.call('PEXPIRE', KEYS[1], keep) end
            local latest = tonumber(meta[2])
            local out = {epoch, latest}
            local limit = tonumber(ARGV[3])
            if limit == 0 then return out end
            local low = 1
            if ARGV[1] == epoch then low = tonumber(ARGV[2]) + 1 end
            local size = tonumber(ARGV[5])
            if size > 0 then low = math.max(low, latest - size + 1) end
            local ttl = tonumber(ARGV[6])
            if ttl > 0 then
              local live = first_live(KEYS[2], now_ms() - ttl)
              if not live then return out end
              low = math.max(low, live)
            end
            if low > latest then return out end
            local entries
            if ARGV[4] == '1' then
              entries = redis.call('XREVRANGE', KEYS[2], '+', fmt(low) .. '-0', 'COUNT', limit)
            else
              entries = redis.call('XRANGE', KEYS[2], fmt(low) .. '-0', '+', 'COUNT', limit)
            end
            for _, e in ipairs(entries) do
              local f = e[2]
              out[#out + 1] = offset_of(e[1])
              out[#out + 1] = f[2]
              out[#out + 1] = f[4]
              out[#out + 1] = f[6]
            end
            return out
            """);

    private StreamScripts() {}

    /** Runs {@code script}: EVALSHA, then EVAL if Redis does not have it cached. */
    static CompletableFuture<List<Object>> run(
            RedisScriptingAsyncCommands<byte[], byte[]> redis, Script script, byte[][] keys, byte[]... args) {
        return redis.<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture()
                .handle((reply, e) -> {
                    if (e == null) {
                        return CompletableFuture.completedFuture(reply);
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof RedisNoScriptException) {
                        return redis.<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, args)
                                .toCompletableFuture();
                    }
                    return CompletableFuture.<List<Object>>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }
}
