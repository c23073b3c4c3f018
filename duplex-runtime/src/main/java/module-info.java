/**
 * Duplex's runtime: non-blocking event loops, the WebSocket server and client (TLS, HTTP CONNECT
 * proxies, reconnection) and publish/subscribe, on the engine of {@code io.duplex.protocol}.
 *
 * <p>Only {@code io.duplex} is API. {@code io.duplex.internal} (connections, event loops,
 * transports, the accept loop, the dialer, the broker's fan-out) is not exported, so applications
 * cannot come to depend on it. The engine is required transitively: configuration and handshake
 * types of the engine ({@code ProtocolConfig}, {@code DeflateConfig}, {@code Headers}, {@code
 * OriginPolicy}, …) appear in this module's API where a user sets them.
 *
 * <p>Threading: each type states its own rule.
 */
module io.duplex {
    requires transitive io.duplex.protocol;
    // Reads -XX:MaxDirectMemorySize for the default outbound budget (OutboundBudget).
    requires java.management;

    exports io.duplex;
}
