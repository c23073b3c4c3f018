/**
 * Publish/subscribe across Duplex server nodes on Redis: {@code RedisBroker}, a {@code Broker} of
 * the runtime that relays through Redis (Lettuce), and {@code RedisStreamEngine}, a {@code
 * StreamEngine} keeping topics as Redis Streams (standalone or Cluster), and {@code
 * RedisPresenceEngine}, a {@code PresenceEngine} sharing each topic's members across nodes. Only
 * {@code io.duplex.redis} is exported, and only those three in it are public; Lettuce types do not appear in its API.
 *
 * <p>Threading: each type states its own rule.
 */
module io.duplex.redis {
    requires transitive io.duplex;
    requires lettuce.core;
    requires io.netty.common;

    exports io.duplex.redis;
}
