package io.duplex.internal;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.protocol.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The client side of the opening handshake: send the request, parse the bounded response head,
 * check it (RFC 6455 §4.1: 101, Upgrade, Connection, the exact accept key, only offered
 * subprotocols and extensions), then open and complete the caller's future.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class ClientUpgrade implements Connection.Upgrade {
    private final ClientHandshake handshake;
    private final HttpHeadParser parser;
    private final WebSocketHandler handler;
    private final Executor handlerExecutor;
    private final CompletableFuture<WebSocket> result;
    private boolean done;

    public ClientUpgrade(
            ClientHandshake handshake,
            HttpHeadParser parser,
            WebSocketHandler handler,
            Executor handlerExecutor,
            CompletableFuture<WebSocket> result) {
        this.handshake = handshake;
        this.parser = parser;
        this.handler = handler;
        this.handlerExecutor = handlerExecutor;
        this.result = result;
    }

    @Override
    public void start(Connection c) {
        c.writeRaw(handshake.request());
    }

    @Override
    public void onData(Connection c, ByteBuffer in) throws IOException {
        if (done) {
            in.position(in.limit());
            return;
        }
        ClientHandshake.Result accepted;
        try {
            HttpHead head = parser.parse(in);
            if (head == null) {
                return;
            }
            done = true;
            accepted = handshake.validate(head);
        } catch (HandshakeException e) {
            done = true;
            in.position(in.limit());
            result.completeExceptionally(e);
            c.destroy();
            return;
        }
        SocketChannel ch = c.transport().channel();
        WebSocketImpl ws = new WebSocketImpl(
                c.loop(),
                handler,
                handlerExecutor,
                handshake.uri().getRawPath() == null
                                || handshake.uri().getRawPath().isEmpty()
                        ? "/"
                        : handshake.uri().getRawPath(),
                accepted.subprotocol(),
                accepted.extensions(),
                (InetSocketAddress) ch.getRemoteAddress(),
                (InetSocketAddress) ch.getLocalAddress(),
                null);
        ws.responseHeaders(accepted.response().headers());
        c.open(Role.CLIENT, accepted.extensions(), ws, in);
        result.complete(ws);
    }

    @Override
    public void onFailure(Connection c, Throwable cause) {
        result.completeExceptionally(cause);
    }
}
