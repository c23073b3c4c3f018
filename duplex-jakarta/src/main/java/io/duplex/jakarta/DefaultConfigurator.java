package io.duplex.jakarta;

import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The platform default {@link ServerEndpointConfig.Configurator}, found by the API through {@code
 * ServiceLoader}; every configurator's defaults delegate here (Jakarta WebSocket 2.1 §3.1).
 *
 * <ul>
 *   <li>§3.1.2: the first subprotocol of the client's list that the endpoint supports, or "".
 *   <li>§3.1.3: the requested extensions the server has installed, in the client's order.
 *   <li>§3.1.4: the Origin has already been checked by the runtime's {@code OriginPolicy}
 *       (same-origin by default) before the configurator runs, so this accepts.
 *   <li>§3.1.7: a new instance of the endpoint class per connection.
 * </ul>
 *
 * <p>Threading: stateless; called on the connection's event loop during the handshake.
 */
public final class DefaultConfigurator extends ServerEndpointConfig.Configurator {

    /** For {@code ServiceLoader}. */
    public DefaultConfigurator() {}

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        for (String r : requested) {
            if (supported.contains(r)) {
                return r;
            }
        }
        return "";
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> out = new ArrayList<>();
        for (Extension r : requested) {
            for (Extension i : installed) {
                if (i.getName().equals(r.getName())) {
                    out.add(r);
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(
            ServerEndpointConfig sec,
            jakarta.websocket.server.HandshakeRequest request,
            jakarta.websocket.HandshakeResponse response) {
        // §3.1.5 (WSC-3.1.5-1): the default changes nothing.
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return Instances.create(endpointClass);
        } catch (IllegalStateException e) {
            InstantiationException ie = new InstantiationException(e.getMessage());
            ie.initCause(e.getCause() != null ? e.getCause() : e);
            throw ie;
        }
    }
}
