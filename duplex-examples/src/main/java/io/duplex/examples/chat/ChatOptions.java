package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.History;
import io.duplex.PresenceEngine;
import io.duplex.StreamEngine;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link ChatServer}.
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param host the address to bind ({@code 0.0.0.0} by default)
 * @param port the port to bind (8080 by default; 0 picks a free one)
 * @param broker the publish/subscribe broker that carries the rooms, or {@code null} for a new
 *     {@link io.duplex.InMemoryBroker} per start. A shared broker (e.g. {@code RedisBroker}) lets
 *     several instances serve the same rooms (it carries typing indicators and metrics; member
 *     lists come from {@code presenceEngine}). The server does not close a broker it was given.
 * @param streamEngine where the rooms' messages are kept and numbered, or {@code null} for a new
 *     {@link io.duplex.InMemoryStreamEngine} per start (on {@code clock}; positions and history
 *     then last as long as the process, and a restart starts new epochs). A shared engine (e.g.
 *     {@code RedisStreamEngine}) gives several instances one history per room. An engine serves
 *     one server at a time: give each start its own; the server does not close it.
 * @param presenceEngine where the rooms' members live, or {@code null} for a new {@link
 *     io.duplex.InMemoryPresenceEngine} per start. A shared engine (e.g. {@code RedisPresenceEngine})
 *     gives every instance the same member lists and nickname uniqueness across instances (see
 *     {@code docs/chat-protocol.md}). Like {@code streamEngine}: one server at a time; not closed.
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}) allowed to connect besides
 *     the page's own origin (same-origin is always allowed)
 * @param eventLoops event loop threads; 0 means one per core
 * @param historySize messages a room keeps: sent to a joiner, and replayable to a page that
 *     reconnects (50; 0 keeps none, so a page that missed anything is told it was not recovered)
 * @param historyTtl how long a room keeps a message (1 h)
 * @param maxRooms rooms kept by this instance (200); see {@link Rooms}
 * @param metricsInterval how often the dashboard metrics are published (1 s)
 * @param clock the clock for message timestamps and rate limits (tests use a manual one)
 */
public record ChatOptions(
        String host,
        int port,
        Broker broker,
        StreamEngine streamEngine,
        PresenceEngine presenceEngine,
        List<String> allowedOrigins,
        int eventLoops,
        int historySize,
        Duration historyTtl,
        int maxRooms,
        Duration metricsInterval,
        InstantSource clock) {

    public ChatOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        if (eventLoops < 0 || historySize < 0 || historySize > History.MAX_SIZE || maxRooms < 1) {
            throw new IllegalArgumentException(
                    "eventLoops >= 0, historySize 0.." + History.MAX_SIZE + ", maxRooms >= 1 needed");
        }
        if (historyTtl.isNegative() || historyTtl.isZero()) {
            throw new IllegalArgumentException("historyTtl must be positive");
        }
        if (metricsInterval.isNegative() || metricsInterval.isZero()) {
            throw new IllegalArgumentException("metricsInterval must be positive");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Port 8080 on every interface, an in-memory broker, same-origin pages only. */
    public static ChatOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .broker(broker)
                .streamEngine(streamEngine)
                .presenceEngine(presenceEngine)
                .allowedOrigins(allowedOrigins)
                .eventLoops(eventLoops)
                .historySize(historySize)
                .historyTtl(historyTtl)
                .maxRooms(maxRooms)
                .metricsInterval(metricsInterval)
                .clock(clock);
    }

    /** Builds {@link ChatOptions}; not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private Broker broker;
        private StreamEngine streamEngine;
        private PresenceEngine presenceEngine;
        private List<String> allowedOrigins = List.of();
        private int eventLoops;
        private int historySize = 50;
        private Duration historyTtl = Duration.ofHours(1);
        private int maxRooms = 200;
        private Duration metricsInterval = Duration.ofSeconds(1);
        private InstantSource clock = InstantSource.system();

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder broker(Broker broker) {
            this.broker = broker;
            return this;
        }

        /** See {@link ChatOptions#streamEngine()}; {@code null} for a new in-memory one per start. */
        public Builder streamEngine(StreamEngine engine) {
            this.streamEngine = engine;
            return this;
        }

        /** See {@link ChatOptions#presenceEngine()}; {@code null} for a new in-memory one per start. */
        public Builder presenceEngine(PresenceEngine engine) {
            this.presenceEngine = engine;
            return this;
        }

        public Builder allowedOrigins(List<String> origins) {
            this.allowedOrigins = origins;
            return this;
        }

        public Builder eventLoops(int eventLoops) {
            this.eventLoops = eventLoops;
            return this;
        }

        public Builder historySize(int historySize) {
            this.historySize = historySize;
            return this;
        }

        public Builder historyTtl(Duration ttl) {
            this.historyTtl = ttl;
            return this;
        }

        public Builder maxRooms(int maxRooms) {
            this.maxRooms = maxRooms;
            return this;
        }

        public Builder metricsInterval(Duration interval) {
            this.metricsInterval = interval;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public ChatOptions build() {
            return new ChatOptions(
                    host,
                    port,
                    broker,
                    streamEngine,
                    presenceEngine,
                    allowedOrigins,
                    eventLoops,
                    historySize,
                    historyTtl,
                    maxRooms,
                    metricsInterval,
                    clock);
        }
    }
}
