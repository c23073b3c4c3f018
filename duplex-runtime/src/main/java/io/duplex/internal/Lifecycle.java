package io.duplex.internal;

import io.duplex.ReadyState;

/**
 * The one lifecycle of a {@link Connection}, from the TCP connect to the freed socket. States only
 * move forward (in declaration order); each names what the connection waits for.
 *
 * <p>Threading: written on the connection's event loop only; read from any thread (the field
 * holding it is volatile) to answer {@link io.duplex.WebSocket#readyState()}.
 */
enum Lifecycle {
    /** Client: the TCP connect is pending (bounded by the connect timeout). */
    CONNECTING(ReadyState.CONNECTING),
    /** A proxy tunnel or TLS handshake is under way (bounded by the handshake timeout). */
    TRANSPORT_HANDSHAKE(ReadyState.CONNECTING),
    /** The HTTP opening handshake is under way (RFC 6455 §4). */
    UPGRADE(ReadyState.CONNECTING),
    /** The engine is installed and messages flow. */
    OPEN(ReadyState.OPEN),
    /** This end sent its Close frame and waits for the peer's (RFC 6455 §7.1.2; close timer armed). */
    CLOSING(ReadyState.CLOSING),
    /**
     * The close handshake completed or the connection failed; a client waits for the server to
     * close TCP first (RFC 6455 §7.1.1), bounded by the close timer.
     */
    CLOSED(ReadyState.CLOSED),
    /** This end closes TCP: what is queued is written out, then the output is shut. */
    CLOSING_TRANSPORT(ReadyState.CLOSED),
    /** Output shut (half-close); the peer's FIN is awaited, bounded, so the Close is not lost to RST. */
    OUTPUT_SHUT(ReadyState.CLOSED),
    /** The socket is closed and every pooled buffer returned. */
    DESTROYED(ReadyState.CLOSED);

    private final ReadyState readyState;

    Lifecycle(ReadyState readyState) {
        this.readyState = readyState;
    }

    ReadyState readyState() {
        return readyState;
    }

    /** Before the engine is installed. */
    boolean opening() {
        return compareTo(OPEN) < 0;
    }

    /** The engine reads input: from OPEN until this end starts closing TCP. */
    boolean readsFrames() {
        return this == OPEN || this == CLOSING || this == CLOSED;
    }

    /** This end has decided to close TCP (or has). */
    boolean closingTransport() {
        return compareTo(CLOSING_TRANSPORT) >= 0;
    }
}
