package io.duplex.protocol;

/**
 * The connection states of RFC 6455 §4.1/§7 (the browser's {@code readyState} values in order).
 *
 * <p>Threading: an enum; immutable.
 */
public enum State {
    /** The opening handshake is in progress (the runtime's state; a {@code Protocol} starts OPEN). */
    CONNECTING,
    /** Data frames may flow both ways. */
    OPEN,
    /** This end sent a Close frame and waits for the peer's. */
    CLOSING,
    /** The close handshake is complete or the connection failed; the TCP connection should end. */
    CLOSED
}
