package io.duplex;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One open WebSocket connection, server or client side, with the browser API's shape.
 *
 * <p>Threading: every method is safe to call from any thread. Calls from the connection's own
 * event loop (inside a handler callback) act at once and are corked: everything sent from one
 * callback leaves in one write. Calls from other threads are handed to the loop in order; messages
 * sent from one thread arrive in the order they were sent.
 */
public interface WebSocket {

    /** Sends a text message. */
    SendResult send(CharSequence text);

    /**
     * Sends a text message from its UTF-8 bytes, between the buffer's position and limit: for text
     * that is already encoded (received with {@link WebSocketHandler#onTextUtf8}, read from a
     * file, written by a JSON library), so no {@code String} is made. The buffer is neither kept
     * nor moved, as with {@link #send(ByteBuffer)}.
     *
     * @throws IllegalArgumentException if the bytes are not valid UTF-8 (RFC 6455 §8.1); nothing
     *     is sent
     */
    default SendResult sendText(ByteBuffer utf8) {
        return send(Utf8Text.checkedDecode(utf8));
    }

    /**
     * Sends a binary message: the bytes between the buffer's position and limit. The buffer is
     * neither kept nor moved: once this returns the caller may reuse it (what the socket did not
     * take at once was copied).
     */
    SendResult send(ByteBuffer data);

    /**
     * Sends a message encoded once for many sockets; on a server socket the prepared frame is
     * written as is (compressed once where permessage-deflate allows it).
     */
    SendResult send(PreparedMessage message);

    /**
     * Sends one frame of a fragmented message (RFC 6455 §5.4), for streaming a message whose size
     * is not known up front: the first call starts a text or binary message, {@code last} ends
     * it. Other messages cannot be sent until it ends (control frames can).
     */
    SendResult sendFragment(ByteBuffer data, boolean text, boolean last);

    /** Sends a text message and completes when it has been written to the socket. */
    CompletableFuture<Void> sendAsync(CharSequence text);

    /** Sends a binary message and completes when it has been written to the socket. */
    CompletableFuture<Void> sendAsync(ByteBuffer data);

    /** Sends a Ping with at most 125 bytes of data. */
    SendResult ping(ByteBuffer data);

    /**
     * Sends an unsolicited Pong with at most 125 bytes of data: a one-way heartbeat the peer does
     * not answer (RFC 6455 §5.5.3). Pings are answered without this.
     */
    default SendResult pong(ByteBuffer data) {
        throw new UnsupportedOperationException("this socket cannot send unsolicited pongs");
    }

    /** Starts the close handshake with 1000 (normal closure). */
    default void close() {
        close(1000, "");
    }

    /**
     * Starts the close handshake (RFC 6455 §7.1.2) with a code valid on the wire and a reason of at
     * most 123 UTF-8 bytes; the connection ends when the peer answers or the close timeout fires.
     */
    void close(int code, String reason);

    /** Closes the TCP connection at once, without a close handshake (the peer sees 1006). */
    void abort();

    /** CONNECTING, OPEN, CLOSING or CLOSED, like the browser's {@code readyState}. */
    ReadyState readyState();

    /**
     * Whether the calling thread is the event loop this connection runs on. Code that blocks until
     * a send has been written (an adapter offering blocking sends) checks this first: the loop
     * writes only after the callback returns, so waiting on it there would never end.
     */
    default boolean inEventLoop() {
        return false;
    }

    /** Bytes accepted by {@code send} and not yet written to the socket. */
    long bufferedAmount();

    /** The negotiated subprotocol, or {@code null}. */
    String subprotocol();

    /** The negotiated extensions as sent in {@code Sec-WebSocket-Extensions}, in order. */
    List<String> extensions();

    /**
     * Client side: the header fields of the server's 101 response, as received (an adapter such as
     * Jakarta WebSocket's {@code ClientEndpointConfig.Configurator.afterResponse} reads them).
     * Server side, and before the handshake completed: empty.
     */
    default io.duplex.handshake.Headers responseHeaders() {
        return io.duplex.handshake.Headers.EMPTY;
    }

    /** The request path (server side) or the URI's path (client side). */
    String path();

    InetSocketAddress remoteAddress();

    /**
     * The client's address: the socket's peer, or behind {@link TrustedProxies} the address a
     * trusted PROXY protocol or forwarding header named. Client-side sockets: the server's address.
     */
    default InetSocketAddress clientAddress() {
        return remoteAddress();
    }

    /**
     * The close code a server sends when a connection's credential expired ({@link
     * UpgradeDecision.Accept#credentialExpiry()}) and was not extended: 4001, from the range RFC
     * 6455 §7.4.2 leaves to applications, so that a client can tell "get a fresh credential and
     * reconnect" apart from a policy violation (1008). Reconnect policies do not retry it: the
     * client must come back with a new credential.
     */
    int CREDENTIAL_EXPIRED = 4001;

    /**
     * Extends (or shortens) the credential's life: the server closes with {@link
     * #CREDENTIAL_EXPIRED} at {@code expiry} unless extended again. Call it when the client proved
     * a fresh credential in-band. Server-side sockets only; elsewhere it does nothing.
     */
    default void extendCredential(Instant expiry) {}

    /** When the credential expires, or {@code null} when the connection has no expiry. */
    default Instant credentialExpiry() {
        return null;
    }

    InetSocketAddress localAddress();

    /** The object attached by the {@link Upgrader} or {@link #attach}, or {@code null}. */
    <T> T attachment();

    /** Attaches any object (e.g. the authenticated user) to this connection. */
    void attach(Object attachment);

    /**
     * Subscribes this socket to a topic of its server's {@link Broker}; the subscription ends with
     * the connection. Server sockets only.
     */
    default void subscribe(String topic) {
        throw new UnsupportedOperationException("publish/subscribe is a server-side feature");
    }

    default void unsubscribe(String topic) {
        throw new UnsupportedOperationException("publish/subscribe is a server-side feature");
    }

    /** The topics this socket is subscribed to. */
    default java.util.Set<String> topics() {
        return java.util.Set.of();
    }

    /**
     * Publishes to every subscriber of {@code topic} except this socket (as uWebSockets does; use
     * {@link WebSocketServer#publish} to include everyone).
     *
     * @return the number of local subscribers it was handed to
     */
    default int publish(String topic, PreparedMessage message) {
        throw new UnsupportedOperationException("publish/subscribe is a server-side feature");
    }

    default int publish(String topic, CharSequence text) {
        return publish(topic, PreparedMessage.text(text));
    }
}
