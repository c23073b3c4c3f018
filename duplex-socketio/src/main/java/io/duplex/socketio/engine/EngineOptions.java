package io.duplex.socketio.engine;

import java.time.Duration;
import java.util.Set;

/**
 * An Engine.IO server's settings (defaults as the reference server's).
 *
 * <p>Threading: immutable.
 *
 * @param pingInterval how often the server pings (default 25 s)
 * @param pingTimeout how long a pong may take after a ping before the session closes (default 20 s)
 * @param maxHttpBufferSize the largest message or polling body accepted, sent as {@code maxPayload}
 *     (default 1,000,000 bytes)
 * @param maxPacketsPerPayload the most packets one polling POST may carry (default 1,000)
 * @param allowUpgrades whether polling sessions may upgrade to WebSocket
 * @param transports the transports accepted ({@code polling}, {@code websocket})
 * @param allowedOrigins browser origins allowed besides the server's own (same-origin by default)
 * @param perMessageDeflate whether the WebSocket transport negotiates permessage-deflate (default
 *     false, as the reference server since engine.io 4: Socket.IO packets are small, and an
 *     extension offered by the client costs it per message even when nothing is compressed)
 */
public record EngineOptions(
        Duration pingInterval,
        Duration pingTimeout,
        int maxHttpBufferSize,
        int maxPacketsPerPayload,
        boolean allowUpgrades,
        Set<String> transports,
        Set<String> allowedOrigins,
        boolean perMessageDeflate) {

    public static final EngineOptions DEFAULT = new EngineOptions(
            Duration.ofSeconds(25),
            Duration.ofSeconds(20),
            1_000_000,
            1_000,
            true,
            Set.of("polling", "websocket"),
            Set.of(),
            false);

    public EngineOptions {
        transports = Set.copyOf(transports);
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (pingInterval.isNegative() || pingInterval.isZero() || pingTimeout.isNegative() || pingTimeout.isZero()) {
            throw new IllegalArgumentException("ping interval and timeout must be positive");
        }
        if (maxHttpBufferSize < 1 || maxPacketsPerPayload < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
