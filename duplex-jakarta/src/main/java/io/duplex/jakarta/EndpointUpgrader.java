package io.duplex.jakarta;

import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.Upgrader;
import io.duplex.handshake.Headers;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * The {@link Upgrader} of Jakarta endpoints: matches the request path to an endpoint (Jakarta
 * WebSocket 2.1 §3.1.1), then runs the endpoint's configurator — {@code checkOrigin} (§3.1.4),
 * {@code getNegotiatedSubprotocol} (§3.1.2), {@code modifyHandshake} (§3.1.5) — and attaches the
 * {@link Handshake} the session is opened from.
 *
 * <p>Extensions are negotiated by the runtime ({@code WebSocketConfig.extensions}, permessage-
 * deflate by default); {@code getNegotiatedExtensions} is not consulted (docs/jakarta.md).
 *
 * <p>Threading: called on event loops, concurrently; the configurator must not block.
 */
final class EndpointUpgrader implements Upgrader {
    private static final System.Logger LOG = System.getLogger(EndpointUpgrader.class.getName());

    private final List<Registration> candidates;
    private final boolean secure;
    private final Upgrader before;

    /**
     * @param candidates the endpoints this upgrader chooses among (one for an exact route)
     * @param before the server's own upgrader, asked first (authentication); its attachment, if
     *     any, is kept in the session's user properties under {@value JakartaEndpoints#ATTACHMENT}
     */
    EndpointUpgrader(List<Registration> candidates, boolean secure, Upgrader before) {
        this.candidates = candidates;
        this.secure = secure;
        this.before = before;
    }

    @Override
    public UpgradeDecision upgrade(UpgradeRequest request) {
        UpgradeDecision first = before.upgrade(request);
        if (first instanceof UpgradeDecision.Reject) {
            return first;
        }
        Registration match = null;
        Map<String, String> params = null;
        for (Registration r : candidates) {
            Map<String, String> p = r.template().match(request.path());
            if (p != null && (match == null || r.template().moreSpecificThan(match.template()))) {
                match = r;
                params = p;
            }
        }
        if (match == null) {
            return UpgradeDecision.reject(404, "no endpoint at this path");
        }
        ServerEndpointConfig deployed = match.config();
        ServerEndpointConfig.Configurator configurator = deployed.getConfigurator();
        try {
            if (!configurator.checkOrigin(request.origin())) {
                return UpgradeDecision.reject(403, "origin not allowed"); // §3.1.4
            }
            String subprotocol = deployed.getSubprotocols().isEmpty()
                    ? ""
                    : configurator.getNegotiatedSubprotocol(deployed.getSubprotocols(), request.offeredSubprotocols());
            ConnectionConfig config = new ConnectionConfig(deployed);
            Object attachment = ((UpgradeDecision.Accept) first).attachment();
            if (attachment != null) {
                config.getUserProperties().put(JakartaEndpoints.ATTACHMENT, attachment);
            }
            UpgradeHandshake handshake = new UpgradeHandshake(request, secure);
            configurator.modifyHandshake(config, handshake, handshake.response());
            Headers.Builder headers = ((UpgradeDecision.Accept) first).headers().toBuilder();
            handshake.response().getHeaders().forEach((name, values) -> {
                for (String v : values) {
                    headers.add(name, v);
                }
            });
            Handshake accepted = new Handshake(
                    match,
                    config,
                    match.sessions(),
                    Map.copyOf(params),
                    handshake.getRequestURI(),
                    request.query(),
                    handshake.getParameterMap(),
                    attachment instanceof java.security.Principal p ? p : null,
                    secure);
            return new UpgradeDecision.Accept(
                    subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, accepted, headers.build());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "configurator of " + deployed.getPath() + " failed", e);
            return UpgradeDecision.reject(500, "endpoint configuration failed");
        }
    }
}
