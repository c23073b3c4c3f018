package io.duplex.jakarta;

import io.duplex.WebSocket;
import io.duplex.handshake.Headers;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.HandshakeResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The Duplex handler of one client connection made by {@link JakartaClientContainer}: on open it
 * hands the 101 response to the configurator's {@code afterResponse} (Jakarta WebSocket 2.1
 * §3.2.3), opens the {@link DuplexSession}, runs the endpoint's {@code onOpen}, then completes
 * {@link #opened()}; {@link SessionEvents} hands it every later event.
 *
 * <p>Threading: called by the runtime for its connection one event at a time (§5.1).
 */
final class ClientConnection extends SessionEvents {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

    private final JakartaClientContainer container;
    private final Endpoint endpoint;
    private final Handshake handshake;
    private final String id;
    private final CompletableFuture<DuplexSession> opened = new CompletableFuture<>();

    ClientConnection(JakartaClientContainer container, Endpoint endpoint, Handshake handshake, String id) {
        this.container = container;
        this.endpoint = endpoint;
        this.handshake = handshake;
        this.id = id;
    }

    /** Completes with the session once {@code onOpen} has run. */
    CompletableFuture<DuplexSession> opened() {
        return opened;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ClientEndpointConfig cec = (ClientEndpointConfig) handshake.config();
        DuplexSession session;
        try {
            cec.getConfigurator().afterResponse(response(ws.responseHeaders()));
            session = new DuplexSession(id, ws, handshake, container, endpoint);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot open a client session to " + handshake.requestUri(), e);
            ws.close(1011, "client endpoint unavailable");
            opened.completeExceptionally(new DeploymentException("client endpoint failed to open: " + e, e));
            return;
        }
        ws.attach(session);
        handshake.sessions().add(session);
        try {
            endpoint.onOpen(session, cec);
        } catch (Throwable t) {
            session.onError(t); // §5.2.2
        }
        opened.complete(session);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        super.onClose(ws, code, reason, wasClean);
        opened.completeExceptionally(new java.io.IOException("closed before open: " + code + " " + reason));
    }

    /** The 101 response as {@code afterResponse} sees it: header names without case. */
    private static HandshakeResponse response(Headers headers) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Headers.Field f : headers.fields()) {
            map.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f.value());
        }
        map.replaceAll((k, v) -> Collections.unmodifiableList(v));
        Map<String, List<String>> view = Collections.unmodifiableMap(map);
        return () -> view;
    }
}
