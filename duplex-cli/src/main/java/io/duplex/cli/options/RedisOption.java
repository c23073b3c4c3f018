package io.duplex.cli.options;

import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisStreamEngine;
import picocli.CommandLine.Option;

/**
 * {@code --redis URI}: the servers ({@code serve}, {@code demo}) join other nodes through a Redis
 * broker, so that broadcasts and chat rooms span every node.
 *
 * <p>Threading: picocli sets the field while parsing; the command reads it on its own thread
 * afterwards.
 */
public final class RedisOption {
    @Option(
            names = "--redis",
            paramLabel = "URI",
            description = "Join other nodes through Redis (redis://[user:pass@]host:port, rediss://…).")
    String uri;

    /** The URI as given, or null without {@code --redis}. */
    public String uri() {
        return uri;
    }

    /**
     * A broker on {@link #uri()}; the caller closes it.
     *
     * @throws IllegalArgumentException when the URI is malformed
     * @throws RuntimeException when Redis cannot be reached
     */
    public RedisBroker connect() {
        return RedisBroker.builder().uri(uri).build();
    }

    /**
     * A stream engine on {@link #uri()} (positions and history in Redis Streams, shared by every
     * node); the caller closes it.
     *
     * @throws IllegalArgumentException when the URI is malformed
     * @throws RuntimeException when Redis cannot be reached
     */
    public RedisStreamEngine connectStreams() {
        return RedisStreamEngine.builder().uri(uri).build();
    }

    /**
     * A presence engine on {@link #uri()} (members shared by every node; a crashed node's members
     * leave within the engine's default expiry, 30 s); the caller closes it.
     *
     * @throws IllegalArgumentException when the URI is malformed
     * @throws RuntimeException when Redis cannot be reached
     */
    public RedisPresenceEngine connectPresence() {
        return RedisPresenceEngine.builder().uri(uri).build();
    }
}
