package io.duplex.examples.chat;

import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisStreamEngine;
import java.time.Duration;

/**
 * One chat node on a shared Redis: a {@link ChatServer} with a {@link RedisBroker}, a {@link
 * RedisStreamEngine} and a {@link RedisPresenceEngine} of its own (the server does not close what it is given, so {@link #stop()}
 * does, after the server). Reconnects to Redis within 200 ms of it coming back, to keep the test
 * short.
 *
 * <p>Threading: the test thread.
 */
final class RedisChatNode implements AutoCloseable {
    private final ChatServer chat;
    private final RedisBroker broker;
    private final RedisStreamEngine engine;
    private final RedisPresenceEngine presence;

    private RedisChatNode(ChatServer chat, RedisBroker broker, RedisStreamEngine engine, RedisPresenceEngine presence) {
        this.chat = chat;
        this.broker = broker;
        this.engine = engine;
        this.presence = presence;
    }

    /** Starts a node on {@code port} (0: any free one) sharing {@code redisUri}. */
    static RedisChatNode start(String redisUri, int port) {
        Duration reconnect = Duration.ofMillis(200);
        RedisBroker broker =
                RedisBroker.builder().uri(redisUri).maxReconnectDelay(reconnect).build();
        RedisStreamEngine engine = RedisStreamEngine.builder()
                .uri(redisUri)
                .maxReconnectDelay(reconnect)
                .build();
        RedisPresenceEngine presence = RedisPresenceEngine.builder()
                .uri(redisUri)
                .maxReconnectDelay(reconnect)
                .build();
        try {
            ChatServer chat = ChatServer.start(ChatOptions.builder()
                    .host("127.0.0.1")
                    .port(port)
                    .eventLoops(2)
                    // The whole run fits: after the wipe the page must get all of the new epoch.
                    .historySize(200)
                    .broker(broker)
                    .streamEngine(engine)
                    .presenceEngine(presence)
                    .build());
            return new RedisChatNode(chat, broker, engine, presence);
        } catch (RuntimeException e) {
            presence.close();
            engine.close();
            broker.close();
            throw e;
        }
    }

    int port() {
        return chat.port();
    }

    /** Whether every Redis connection is up (after a Redis restart: reconnected). */
    boolean redisConnected() {
        return engine.isConnected() && broker.isConnected() && presence.isConnected();
    }

    void stop() {
        chat.stop();
        presence.close();
        engine.close();
        broker.close();
    }

    @Override
    public void close() {
        stop();
    }
}
