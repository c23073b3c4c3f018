package io.duplex.jakarta;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import jakarta.websocket.Endpoint;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Duplex {@link WebSocketHandler} under every Jakarta endpoint: opens a {@link DuplexSession}
 * from the {@link Handshake} the upgrader attached, and hands each event to it.
 *
 * <p>Threading: the runtime calls it for one connection one event at a time, on the loop or a
 * handler executor (in order), which gives the endpoint the one-thread-at-a-time rule of Jakarta
 * WebSocket 2.1 §5.1.
 */
final class JakartaHandler implements WebSocketHandler {
    private static final System.Logger LOG = System.getLogger(JakartaHandler.class.getName());

    private final JakartaContainer container;
    private final AtomicLong ids = new AtomicLong();

    JakartaHandler(JakartaContainer container) {
        this.container = container;
    }

    @Override
    public void onOpen(WebSocket ws) {
        Handshake handshake = ws.attachment();
        Endpoint endpoint;
        try {
            endpoint = handshake.registration().newEndpoint();
        } catch (InstantiationException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot create endpoint " + handshake.config().getEndpointClass(),
                    e);
            ws.close(1011, "endpoint unavailable");
            return;
        }
        DuplexSession session;
        try {
            session = new DuplexSession(Long.toHexString(ids.incrementAndGet()), ws, handshake, container, endpoint);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot open a session of " + handshake.config().getPath(),
                    e);
            ws.close(1011, "endpoint unavailable");
            return;
        }
        ws.attach(session);
        handshake.registration().sessions().add(session);
        try {
            endpoint.onOpen(session, handshake.config());
        } catch (Throwable t) {
            session.onError(t); // §5.2.2
        }
    }

    private static DuplexSession session(WebSocket ws) {
        return ws.attachment() instanceof DuplexSession s ? s : null;
    }

    @Override
    public void onText(WebSocket ws, String text) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onText(text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onBinary(data);
        }
    }

    @Override
    public void onFragment(WebSocket ws, ByteBuffer data, boolean text, boolean last) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onFragment(data, text, last);
        }
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onPong(data);
        }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onError(error); // §5.2.3: errors of the connection to the error handler
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        DuplexSession s = session(ws);
        if (s != null) {
            s.onClose(code, reason);
        }
    }
}
