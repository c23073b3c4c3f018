package io.duplex.testkit;

import io.duplex.WebSocketServer;
import java.net.URI;

/**
 * Servers for tests on the loopback interface: {@code 127.0.0.1}, an ephemeral port, two event
 * loops, and the {@code ws://} address of a route on them.
 *
 * <p>Threading: stateless; call from any thread.
 */
public final class Loopback {
    private Loopback() {}

    /** A server builder on 127.0.0.1, an ephemeral port and two loops. */
    public static WebSocketServer.Builder server() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2);
    }

    /** {@code ws://127.0.0.1:<port><path>} of a started server. */
    public static URI uri(WebSocketServer server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }
}
