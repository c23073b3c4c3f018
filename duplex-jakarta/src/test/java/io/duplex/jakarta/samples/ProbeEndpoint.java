package io.duplex.jakarta.samples;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;

/**
 * What a client's handshake carried, told back on open: {@code "<subprotocol> <X-Agent header>"};
 * the 101 response gets {@code X-Served-By: probe}. Supports the subprotocols v2 and v1. Portable:
 * the same class runs on Tyrus.
 */
@ServerEndpoint(
        value = "/probe",
        subprotocols = {"v2", "v1"},
        configurator = ProbeEndpoint.Configurator.class)
public class ProbeEndpoint {

    /** Copies X-Agent into the session's user properties and adds X-Served-By to the response. */
    public static class Configurator extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            List<String> agent = request.getHeaders().get("X-Agent");
            if (agent == null) {
                agent = request.getHeaders().get("x-agent");
            }
            sec.getUserProperties().put("agent", agent == null ? "none" : String.join(",", agent));
            response.getHeaders().put("X-Served-By", List.of("probe"));
        }
    }

    @OnOpen
    public void open(Session session) throws IOException {
        session.getBasicRemote()
                .sendText(session.getNegotiatedSubprotocol() + " "
                        + session.getUserProperties().get("agent"));
    }
}
