/**
 * Publish/subscribe across Duplex server nodes on Redis: {@code RedisBroker}, a {@code Broker} of
 * the runtime that relays through Redis (Lettuce). Only {@code io.duplex.redis} is exported, and
 * only {@code RedisBroker} in it is public; Lettuce types do not appear in its API.
 *
 * <p>Threading: each type states its own rule.
 */
module io.duplex.redis {
    requires transitive io.duplex;
    requires lettuce.core;
    requires io.netty.common;

    exports io.duplex.redis;
}
