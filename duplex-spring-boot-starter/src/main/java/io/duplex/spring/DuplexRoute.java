package io.duplex.spring;

import io.duplex.Upgrader;
import io.duplex.WebSocketHandler;
import java.util.Objects;

/**
 * A WebSocket route as a bean: the auto-configured server serves every {@code DuplexRoute} in the
 * application context.
 *
 * <pre>{@code
 * @Bean
 * DuplexRoute echo() {
 *     return DuplexRoute.of("/echo", WebSocketHandler.echo());
 * }
 * }</pre>
 *
 * <p>Threading: immutable. The handler runs as the server runs handlers: on its event loops (or
 * the handler executor), never blocking.
 *
 * @param path an exact path ({@code "*"}: any other path), or with {@code prefix} a path prefix
 * @param handler the connection's handler
 * @param upgrader authenticates the upgrade, or null for the server-wide one
 * @param prefix whether {@code path} is a prefix ({@code WebSocketServer.Builder.routePrefix})
 */
public record DuplexRoute(String path, WebSocketHandler handler, Upgrader upgrader, boolean prefix) {
    public DuplexRoute {
        Objects.requireNonNull(path);
        Objects.requireNonNull(handler);
    }

    /** An exact path with the server-wide upgrader. */
    public static DuplexRoute of(String path, WebSocketHandler handler) {
        return new DuplexRoute(path, handler, null, false);
    }

    /** An exact path with its own upgrader. */
    public static DuplexRoute of(String path, WebSocketHandler handler, Upgrader upgrader) {
        return new DuplexRoute(path, handler, upgrader, false);
    }

    /** Every path under {@code prefix} without an exact route. */
    public static DuplexRoute prefix(String prefix, WebSocketHandler handler, Upgrader upgrader) {
        return new DuplexRoute(prefix, handler, upgrader, true);
    }
}
