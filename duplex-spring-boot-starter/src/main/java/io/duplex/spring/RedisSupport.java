package io.duplex.spring;

import io.duplex.WebSocketServer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.util.ClassUtils;

/**
 * What the starter does with a Redis broker — the detail of {@link DuplexHealthIndicator}, the
 * broker's meters — without loading duplex-redis's classes when it is not on the class path.
 *
 * <p>Threading: stateless.
 */
final class RedisSupport {
    private static final boolean PRESENT =
            ClassUtils.isPresent("io.duplex.redis.RedisBroker", RedisSupport.class.getClassLoader());

    private RedisSupport() {}

    /** Binds the broker's relay counters when the server's broker is a {@code RedisBroker}. */
    static void bindMeters(WebSocketServer server, io.micrometer.core.instrument.MeterRegistry registry) {
        if (PRESENT && server.broker() instanceof io.duplex.redis.RedisBroker redis) {
            io.duplex.micrometer.RedisBrokerMetrics.bind(redis, registry);
        }
    }

    static void describe(WebSocketServer server, Health.Builder builder) {
        if (PRESENT && server.broker() instanceof io.duplex.redis.RedisBroker redis) {
            builder.withDetail("redis", redis.isConnected() ? "connected" : "disconnected");
        }
    }
}
