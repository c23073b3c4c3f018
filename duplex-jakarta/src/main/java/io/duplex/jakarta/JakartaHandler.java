package io.duplex.jakarta;

import io.duplex.WebSocket;
import jakarta.websocket.Endpoint;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Duplex {@link io.duplex.WebSocketHandler} under every Jakarta server endpoint: opens a {@link DuplexSession}
 * from the {@link Handshake} the upgrader attached; {@link SessionEvents} hands it each event.
 *
 * <p>Threading: the runtime calls it for one connection one event at a time, on the loop or a
 * handler executor (in order), which gives the endpoint the one-thread-at-a-time rule of Jakarta
 * WebSocket 2.1 §5.1.
 */
final class JakartaHandler extends SessionEvents {
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
                    "cannot create endpoint "
                            + handshake.registration().config().getEndpointClass(),
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
                    "cannot open a session of "
                            + handshake.registration().config().getPath(),
                    e);
            ws.close(1011, "endpoint unavailable");
            return;
        }
        ws.attach(session);
        handshake.sessions().add(session);
        try {
            endpoint.onOpen(session, handshake.config());
        } catch (Throwable t) {
            session.onError(t); // §5.2.2
        }
    }
}
