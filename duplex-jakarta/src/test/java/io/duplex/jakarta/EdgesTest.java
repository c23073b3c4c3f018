package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TlsConfig;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.testing.TestCertificates;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What the first pass left untested: frames delivered with Duplex's message assembly off, {@link
 * ServerApplicationConfig}, TLS ({@code isSecure}, {@code wss} request URIs, the client over
 * {@code wss}), the async send timeout, and {@code Future.get()} on the event loop.
 */
class EdgesTest {

    @ServerEndpoint("/parts")
    public static class Parts {
        @OnMessage
        public void part(String part, boolean last, Session session) throws IOException {
            session.getBasicRemote().sendText("part " + part + " " + last);
        }
    }

    @ServerEndpoint("/whole")
    public static class Whole {
        @OnMessage
        public String text(String message) {
            return "whole " + message;
        }

        @OnMessage
        public String binary(byte[] message) {
            return "bytes " + message.length;
        }
    }

    /**
     * With {@code ProtocolConfig.assembleMessages(false)} the runtime hands over frames: a partial
     * handler (§4.7, {@code boolean last}) gets each one as it arrives, whole handlers get the
     * message assembled by the adapter.
     */
    @Test
    void framesWithAssemblyOff() throws Exception {
        WebSocketConfig frames = WebSocketConfig.builder()
                .protocol(ProtocolConfig.builder().assembleMessages(false).build())
                .build();
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder()
                        .config(frames)
                        .endpoint(Parts.class)
                        .endpoint(Whole.class));
                JdkPeer parts = JdkPeer.connect(s.uri("/parts"));
                JdkPeer whole = JdkPeer.connect(s.uri("/whole"))) {
            parts.ws.sendText("ab", false).get(10, TimeUnit.SECONDS);
            assertThat(parts.nextText()).isEqualTo("part ab false");
            parts.ws.sendText("cd", true).get(10, TimeUnit.SECONDS);
            assertThat(parts.nextText()).isEqualTo("part cd true");
            whole.ws.sendText("ab", false).get(10, TimeUnit.SECONDS);
            whole.ws.sendText("cd", true).get(10, TimeUnit.SECONDS);
            assertThat(whole.nextText()).isEqualTo("whole abcd");
            whole.ws.sendBinary(ByteBuffer.allocate(100), false).get(10, TimeUnit.SECONDS);
            whole.ws.sendBinary(ByteBuffer.allocate(50), true).get(10, TimeUnit.SECONDS);
            assertThat(whole.nextText()).isEqualTo("bytes 150");
        }
    }

    @ServerEndpoint("/chosen")
    public static class Chosen {
        @OnMessage
        public String m(String s) {
            return "chosen";
        }
    }

    @ServerEndpoint("/left-out")
    public static class LeftOut {
        @OnMessage
        public String m(String s) {
            return "left out";
        }
    }

    public static class Programmatic extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, text -> session.getAsyncRemote()
                    .sendText("programmatic at " + config.getUserProperties().get("path")));
        }
    }

    /** Picks {@link Chosen} among the annotated candidates and deploys {@link Programmatic} at /p. */
    public static class Application implements ServerApplicationConfig {
        @Override
        public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> endpointClasses) {
            assertThat(endpointClasses).containsExactly(Programmatic.class);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Programmatic.class, "/p")
                    .build();
            config.getUserProperties().put("path", "/p");
            return Set.of(config);
        }

        @Override
        public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
            assertThat(scanned).containsExactlyInAnyOrder(Chosen.class, LeftOut.class);
            return Set.of(Chosen.class);
        }
    }

    /** §6.2: the application's configuration filters the candidates; what it leaves out is not deployed. */
    @Test
    void serverApplicationConfigFiltersTheCandidates() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder()
                .application(new Application(), Chosen.class, LeftOut.class, Programmatic.class))) {
            try (JdkPeer p = JdkPeer.connect(s.uri("/chosen"))) {
                assertThat(p.send("?").nextText()).isEqualTo("chosen");
            }
            try (JdkPeer p = JdkPeer.connect(s.uri("/p"))) {
                assertThat(p.send("?").nextText()).isEqualTo("programmatic at /p");
            }
            assertThat(JdkPeer.refused(s.uri("/left-out"))).isInstanceOf(WebSocketHandshakeException.class);
        }
    }

    @ServerEndpoint("/tls")
    public static class Secure {
        @OnOpen
        public void open(Session session) throws IOException {
            session.getBasicRemote().sendText(session.isSecure() + " " + session.getRequestURI());
        }
    }

    /**
     * TLS on both sides: the server session is secure with a {@code wss} request URI; the Jakarta
     * client connects over {@code wss} with a {@link TlsConfig} trusting the test certificate, and
     * its session is secure too.
     */
    @Test
    void tlsSessionsAreSecureWithWssUris() throws Exception {
        TestCertificates.Generated localhost = TestCertificates.localhost();
        JakartaServer server = JakartaServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .tls(TlsConfig.pkcs12(localhost.keyStore(), localhost.password()))
                .endpoint(Secure.class)
                .start();
        try (JakartaClientContainer container = JakartaClientContainer.builder()
                .tls(TlsConfig.client().trustCertificates(localhost.certificate()))
                .build()) {
            BlockingQueue<String> texts = new LinkedBlockingQueue<>();
            URI uri = URI.create("wss://localhost:" + server.port() + "/tls");
            Session session = container.connectToServer(
                    new Endpoint() {
                        @Override
                        public void onOpen(Session s, EndpointConfig config) {
                            s.addMessageHandler(String.class, texts::add);
                        }
                    },
                    jakarta.websocket.ClientEndpointConfig.Builder.create().build(),
                    uri);
            assertThat(texts.poll(10, TimeUnit.SECONDS)).isEqualTo("true " + uri);
            assertThat(session.isSecure()).isTrue();
            assertThat(session.getRequestURI()).isEqualTo(uri);
            session.close();
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    static final CompletableFuture<Throwable> SEND_TIMEOUT = new CompletableFuture<>();

    /** Sends 1 MiB messages to a peer that reads nothing until a send misses its 100 ms timeout. */
    @ServerEndpoint("/flood")
    public static class Flood {
        @OnOpen
        public void open(Session session) {
            session.getAsyncRemote().setSendTimeout(100);
            flood(session, 0);
        }

        private static void flood(Session session, int sent) {
            if (sent == 64) {
                SEND_TIMEOUT.complete(null); // never stalled: the assertion below says so
                return;
            }
            session.getAsyncRemote().sendBinary(ByteBuffer.allocate(1 << 20), (SendResult r) -> {
                if (r.isOK()) {
                    flood(session, sent + 1);
                } else {
                    SEND_TIMEOUT.complete(r.getException());
                }
            });
        }
    }

    /**
     * {@code RemoteEndpoint.Async.setSendTimeout}: a send not written within the timeout fails with
     * a {@link TimeoutException} to its {@code SendHandler}. The peer (a raw socket with a small
     * receive buffer) never reads; the outbound limit is raised so that the slow-consumer policy
     * does not close first.
     */
    @Test
    void asyncSendTimeout() throws Exception {
        WebSocketConfig roomy = WebSocketConfig.builder()
                .outboundLimit(256L << 20)
                .waterMarks(1 << 20, 128L << 20)
                .build();
        try (ServerFixture s = ServerFixture.start(
                        JakartaServer.builder().config(roomy).endpoint(Flood.class));
                RawClient raw = RawClient.connect(s.server().port(), 4096)) {
            raw.handshake("/flood");
            assertThat(SEND_TIMEOUT.get(30, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        }
    }

    static final CompletableFuture<Throwable> GET_ON_LOOP = new CompletableFuture<>();

    @ServerEndpoint("/get-on-loop")
    public static class GetOnLoop {
        @OnOpen
        public void open(Session session) throws Exception {
            Future<Void> sent = session.getAsyncRemote().sendText("sent anyway");
            try {
                sent.get(1, TimeUnit.SECONDS);
                GET_ON_LOOP.complete(null);
            } catch (IllegalStateException e) {
                GET_ON_LOOP.complete(e);
            }
        }
    }

    /**
     * On the event loop (endpoints added to a server without handler executor) the loop writes
     * only after the callback returns, so {@code Future.get()} of an unfinished send throws {@link
     * IllegalStateException} at once rather than waiting for ever; the message still leaves.
     */
    @Test
    void futureGetOnTheEventLoopFailsFast() throws Exception {
        WebSocketServer.Builder b = Loopback.server();
        try (JakartaEndpoints endpoints =
                JakartaEndpoints.builder().endpoint(GetOnLoop.class).build()) {
            WebSocketServer server = endpoints.addTo(b).start();
            try (JdkPeer peer = JdkPeer.connect(Loopback.uri(server, "/get-on-loop"))) {
                assertThat(GET_ON_LOOP.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
                assertThat(peer.nextText()).isEqualTo("sent anyway");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }
}
