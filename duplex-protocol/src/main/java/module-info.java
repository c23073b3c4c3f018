/**
 * Duplex's sans-I/O WebSocket engine: RFC 6455 framing and closing, the opening handshake, the
 * extension SPI and RFC 7692 permessage-deflate. It performs no I/O and needs nothing beyond
 * {@code java.base}, so any runtime can drive it.
 *
 * <p>The packages are layered (docs/ARCHITECTURE.md, "Layers"; enforced by {@code
 * io.duplex.LayersTest}): {@code frame} at the bottom; {@code extension} on it; {@code deflate},
 * {@code handshake} and {@code protocol} on those two. All five are API, so all are exported.
 *
 * <p>Threading: each type states its own rule; the engine is confined to one thread at a time.
 */
module io.duplex.protocol {
    exports io.duplex.frame;
    exports io.duplex.extension;
    exports io.duplex.deflate;
    exports io.duplex.handshake;
    exports io.duplex.protocol;
}
