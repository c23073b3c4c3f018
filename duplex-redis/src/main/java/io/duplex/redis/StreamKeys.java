package io.duplex.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis names of a topic's stream: its meta (a hash: epoch {@code e}, last offset {@code o}),
 * its log (a Redis Stream, one entry per kept publication) and its pub/sub channel. All three carry
 * the hash tag {@code {topic}}, so in Redis Cluster they hash to one slot and one script may touch
 * them all (keys of a script must share a slot; only the part between the first braces is hashed).
 * Topic names cannot contain braces (see {@code Streams.checkTopic}), nor may the prefix.
 *
 * <pre>
 *   meta     prefix{topic}:m
 *   log      prefix{topic}:l
 *   channel  prefix{topic}
 * </pre>
 *
 * <p>Threading: immutable.
 */
final class StreamKeys {
    private final String prefix;
    private final int prefixLength;

    StreamKeys(String prefix) {
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("the key prefix may not contain braces (they make the hash tag)");
        }
        this.prefix = prefix;
        this.prefixLength = prefix.getBytes(StandardCharsets.UTF_8).length;
    }

    byte[] meta(String topic) {
        return bytes(prefix + "{" + topic + "}:m");
    }

    byte[] log(String topic) {
        return bytes(prefix + "{" + topic + "}:l");
    }

    byte[] channel(String topic) {
        return bytes(prefix + "{" + topic + "}");
    }

    /** The topic of one of our channels, or null for a name that is not one. */
    String topic(byte[] channel) {
        int from = prefixLength + 1;
        int to = channel.length - 1;
        if (to < from || channel[from - 1] != '{' || channel[to] != '}') {
            return null;
        }
        return new String(channel, from, to - from, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
