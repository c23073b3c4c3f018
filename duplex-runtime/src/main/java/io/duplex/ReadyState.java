package io.duplex;

/**
 * Where a {@link WebSocket} is in its life, as the browser's {@code WebSocket.readyState} names it
 * (WHATWG WebSockets §readyState): {@code CONNECTING} until the opening handshake completes,
 * {@code OPEN} while messages flow, {@code CLOSING} once this end has started the close handshake,
 * {@code CLOSED} once the connection is closed or failed (by then {@link WebSocketHandler#onClose}
 * has been called or is about to be).
 *
 * <p>Threading: an enum; {@link WebSocket#readyState()} may be read from any thread.
 */
public enum ReadyState {
    CONNECTING,
    OPEN,
    CLOSING,
    CLOSED
}
