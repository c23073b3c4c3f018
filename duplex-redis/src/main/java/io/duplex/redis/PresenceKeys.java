package io.duplex.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis names of a topic's presence. All carry the hash tag {@code {topic}}, so in Redis Cluster
 * they hash to one slot and one script may touch them all (only the part between the first braces
 * is hashed). They never collide with a stream's names ({@link StreamKeys}): those end in {@code }}
 * or {@code }:m} / {@code }:l}.
 *
 * <pre>
 *   members  prefix{topic}:p:m   HASH  client id → encoded member ({@link PresenceCodec})
 *   expiry   prefix{topic}:p:x   ZSET  client id, score = expiry time (ms, Redis clock)
 *   users    prefix{topic}:p:u   HASH  user id → connections of that user
 *   index    prefix{topic}:p:i   ZSET  client id, score 0 (lexicographic order, for paging)
 *   channel  prefix{topic}:p     pub/sub channel of join and leave events
 * </pre>
 *
 * <p>Threading: immutable.
 */
final class PresenceKeys {
    private static final byte[] CHANNEL_SUFFIX = "}:p".getBytes(StandardCharsets.US_ASCII);
    private final String prefix;
    private final int prefixLength;

    PresenceKeys(String prefix) {
        new StreamKeys(prefix); // the same rule: no braces
        this.prefix = prefix;
        this.prefixLength = prefix.getBytes(StandardCharsets.UTF_8).length;
    }

    /** KEYS of every presence script: members, expiry, users, index, channel. */
    byte[][] all(String topic) {
        String base = prefix + "{" + topic + "}:p";
        return new byte[][] {bytes(base + ":m"), bytes(base + ":x"), bytes(base + ":u"), bytes(base + ":i"), bytes(base)
        };
    }

    byte[] channel(String topic) {
        return bytes(prefix + "{" + topic + "}:p");
    }

    /** The topic of one of our event channels, or null for a name that is not one. */
    String topic(byte[] channel) {
        int from = prefixLength + 1;
        int to = channel.length - CHANNEL_SUFFIX.length;
        if (to < from || channel[from - 1] != '{') {
            return null;
        }
        for (int i = 0; i < CHANNEL_SUFFIX.length; i++) {
            if (channel[to + i] != CHANNEL_SUFFIX[i]) {
                return null;
            }
        }
        return new String(channel, from, to - from, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
