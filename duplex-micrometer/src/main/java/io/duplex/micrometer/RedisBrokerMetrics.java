package io.duplex.micrometer;

import io.duplex.redis.RedisBroker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

/**
 * Binds a {@link RedisBroker}'s counters as function counters (read at scrape time, nothing added
 * to the broker): {@code duplex.redis.relayed}, {@code duplex.redis.received}, {@code
 * duplex.redis.dropped} with {@code reason=disconnected|backlog} and the gauge {@code
 * duplex.redis.connected}. It is the only class of this module that needs duplex-redis, an optional
 * dependency: add duplex-redis yourself to use it.
 *
 * <p>Threading: {@link #bind} from any thread; the registry reads the broker's thread-safe counters.
 */
public final class RedisBrokerMetrics {
    private RedisBrokerMetrics() {}

    /** Registers the broker's meters under {@code duplex.redis.*} with {@code tags}; returns the broker. */
    public static RedisBroker bind(RedisBroker broker, MeterRegistry registry, Iterable<Tag> tags) {
        Tags t = Tags.of(tags);
        FunctionCounter.builder("duplex.redis.relayed", broker, RedisBroker::relayed)
                .description("publishes handed to Redis and acknowledged")
                .tags(t)
                .register(registry);
        FunctionCounter.builder("duplex.redis.received", broker, RedisBroker::received)
                .description("messages from other nodes delivered to local subscribers")
                .tags(t)
                .register(registry);
        FunctionCounter.builder("duplex.redis.dropped", broker, RedisBroker::droppedWhileDisconnected)
                .description("publishes not relayed to other nodes (local delivery happened)")
                .tags(t)
                .tag("reason", "disconnected")
                .register(registry);
        FunctionCounter.builder("duplex.redis.dropped", broker, RedisBroker::droppedWhileConnected)
                .description("publishes not relayed to other nodes (local delivery happened)")
                .tags(t)
                .tag("reason", "backlog")
                .register(registry);
        Gauge.builder("duplex.redis.connected", broker, b -> b.isConnected() ? 1 : 0)
                .description("1 while both connections to Redis are up")
                .tags(t)
                .register(registry);
        return broker;
    }

    /** {@link #bind(RedisBroker, MeterRegistry, Iterable)} without extra tags. */
    public static RedisBroker bind(RedisBroker broker, MeterRegistry registry) {
        return bind(broker, registry, Tags.empty());
    }
}
