package io.duplex;

/**
 * What became of a message handed to {@link WebSocket#send}. Modelled on uWebSockets' SUCCESS /
 * BACKPRESSURE / DROPPED: never a bare boolean.
 *
 * <p>Threading: an enum; immutable.
 */
public enum SendResult {
    /** Accepted; the outbound buffer is below its high-water mark. */
    SENT,
    /**
     * Accepted, but the outbound buffer is now above its high-water mark: the peer reads slower
     * than you send. Pause until {@link WebSocketHandler#onDrain}.
     */
    BUFFERED,
    /**
     * Not sent: the socket is not open, or accepting it would exceed the outbound limit (the
     * slow-consumer policy then applies).
     */
    DROPPED
}
