package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Chapter 3 of Jakarta WebSocket 2.1, "Configuration": URI mapping and the configurator. */
class ConfigurationTest {

    @ServerEndpoint("/a/b")
    public static class Exact {
        @OnMessage
        public String m(String s) {
            return "exact";
        }
    }

    @ServerEndpoint("/a/{x}")
    public static class Template {
        @OnMessage
        public String m(String s, @PathParam("x") String x) {
            return "template " + x;
        }
    }

    @ServerEndpoint("/{x}/b/{y}")
    public static class Deeper {
        @OnMessage
        public String m(String s, @PathParam("x") String x, @PathParam("y") String y) {
            return "deeper " + x + " " + y;
        }
    }

    /** Custom configurator: handshake header, subprotocol, origin, instance creation counted. */
    public static class Configurator extends ServerEndpointConfig.Configurator {
        static final AtomicInteger INSTANCES = new AtomicInteger();

        @Override
        public boolean checkOrigin(String origin) {
            return origin == null || !origin.contains("evil");
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            sec.getUserProperties()
                    .put("agent", String.valueOf(request.getHeaders().get("X-Agent")));
            response.getHeaders().put("X-Served-By", List.of("duplex"));
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
            INSTANCES.incrementAndGet();
            return super.getEndpointInstance(endpointClass);
        }
    }

    @ServerEndpoint(
            value = "/configured",
            subprotocols = {"v2", "v1"},
            configurator = Configurator.class)
    public static class Configured {
        @OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote()
                    .sendText(session.getNegotiatedSubprotocol() + " "
                            + session.getUserProperties().get("agent"));
        }
    }

    /** §3.1.1 (WSC-3.1.1-1/3): exact paths beat templates; templates match whole segments. */
    @Test
    void uriMappingPrefersExactSegments() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder()
                .endpoint(Exact.class)
                .endpoint(Template.class)
                .endpoint(Deeper.class))) {
            try (JdkPeer p = JdkPeer.connect(s.uri("/a/b"))) {
                assertThat(p.send("?").nextText()).isEqualTo("exact");
            }
            try (JdkPeer p = JdkPeer.connect(s.uri("/a/c"))) {
                assertThat(p.send("?").nextText()).isEqualTo("template c");
            }
            try (JdkPeer p = JdkPeer.connect(s.uri("/q/b/r?z=1"))) {
                assertThat(p.send("?").nextText()).isEqualTo("deeper q r");
            }
            assertThat(JdkPeer.refused(s.uri("/a/b/c/d"))).isInstanceOf(WebSocketHandshakeException.class);
        }
    }

    /** §3.1.1 (WSC-3.1.1-2): equivalent templates are not a valid application. */
    @Test
    void equivalentTemplatesAreADeploymentError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JakartaEndpoints.builder()
                        .endpoint(Template.class)
                        .endpoint(ServerEndpointConfig.Builder.create(Template.class, "/a/{z}")
                                .build())
                        .build())
                .isInstanceOf(jakarta.websocket.DeploymentException.class);
    }

    /**
     * §3.1.2 (subprotocol: first of the client's list the server supports), §3.1.5 (modifyHandshake
     * adds headers and fills the per-connection user properties), §3.1.7 (getEndpointInstance per
     * connection).
     */
    @Test
    void configuratorRunsOnEveryHandshake() throws Exception {
        int before = Configurator.INSTANCES.get();
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Configured.class))) {
            JdkPeer peer = new JdkPeer();
            java.net.http.WebSocket ws = JdkPeer.HTTP
                    .newWebSocketBuilder()
                    .header("X-Agent", "test")
                    .subprotocols("v1", "v2")
                    .buildAsync(s.uri("/configured"), peer)
                    .join();
            peer.ws = ws;
            assertThat(peer.nextText()).isEqualTo("v1 [test]");
            assertThat(ws.getSubprotocol()).isEqualTo("v1");
            peer.close();
            try (JdkPeer other = JdkPeer.connect(s.uri("/configured"))) {
                assertThat(other.nextText()).isEqualTo(" null");
            }
            assertThat(Configurator.INSTANCES.get() - before).isEqualTo(2);
        }
    }

    /** §3.1.4: checkOrigin false fails the handshake (403). */
    @Test
    void checkOriginRefuses() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder()
                .config(io.duplex.WebSocketConfig.builder()
                        .originPolicy(io.duplex.handshake.OriginPolicy.any())
                        .build())
                .endpoint(Configured.class))) {
            Throwable refused;
            try {
                JdkPeer.HTTP
                        .newWebSocketBuilder()
                        .header("Origin", "http://evil.example")
                        .buildAsync(s.uri("/configured"), new JdkPeer())
                        .join();
                refused = null;
            } catch (Exception e) {
                refused = e.getCause();
            }
            assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode())
                    .isEqualTo(403);
        }
    }
}
