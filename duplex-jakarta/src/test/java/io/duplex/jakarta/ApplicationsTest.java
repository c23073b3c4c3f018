package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Chapter 2 of Jakarta WebSocket 2.1, "Applications": programmatic endpoints and sessions. */
class ApplicationsTest {
    static final Set<Object> INSTANCES = ConcurrentHashMap.newKeySet();
    static final CompletableFuture<CloseReason> CLOSED = new CompletableFuture<>();

    /** Programmatic endpoint, written like the spec's HelloServer (§2.1.4). */
    public static class Hello extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            INSTANCES.add(this);
            session.addMessageHandler(String.class, text -> {
                try {
                    switch (text) {
                        case "async" -> session.getAsyncRemote().sendText("async ok", r -> {});
                        case "future" ->
                            session.getAsyncRemote().sendText("future ok").get(5, TimeUnit.SECONDS);
                        case "stream" -> {
                            try (Writer w = session.getBasicRemote().getSendWriter()) {
                                w.write("x".repeat(20_000));
                            }
                        }
                        case "bytes" -> {
                            try (OutputStream out = session.getBasicRemote().getSendStream()) {
                                out.write(new byte[40_000]);
                            }
                        }
                        case "batch" -> {
                            session.getBasicRemote().setBatchingAllowed(true);
                            session.getBasicRemote().sendText("b1");
                            session.getBasicRemote().sendText("b2");
                            session.getBasicRemote().flushBatch();
                            session.getBasicRemote().setBatchingAllowed(false);
                        }
                        case "pong" -> session.getBasicRemote().sendPong(ByteBuffer.wrap("beat".getBytes()));
                        case "count" ->
                            session.getBasicRemote()
                                    .sendText(
                                            "open " + session.getOpenSessions().size());
                        case "close" ->
                            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "bye"));
                        default -> session.getBasicRemote().sendText("Got your message (" + text + "). Thanks !");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            CLOSED.complete(closeReason);
        }
    }

    static JakartaServer.Builder hello() {
        return JakartaServer.builder()
                .endpoint(ServerEndpointConfig.Builder.create(Hello.class, "/hello")
                        .build());
    }

    /** §2.1.1 (WSC-2.1.1-1): one endpoint instance per connected peer. */
    @Test
    void oneEndpointInstancePerPeer() throws Exception {
        INSTANCES.clear();
        try (ServerFixture s = ServerFixture.start(hello());
                JdkPeer a = JdkPeer.connect(s.uri("/hello"));
                JdkPeer b = JdkPeer.connect(s.uri("/hello"))) {
            a.send("one").nextText();
            b.send("two").nextText();
            assertThat(INSTANCES).hasSize(2);
            // §2.1.2 / Session.getOpenSessions: both sessions of the endpoint.
            assertThat(a.send("count").nextText()).isEqualTo("open 2");
        }
    }

    /** §2.1.4: basic, async (SendHandler and Future), streamed and batched sends; unsolicited pong. */
    @Test
    void sendsEveryWay() throws Exception {
        try (ServerFixture s = ServerFixture.start(hello());
                JdkPeer peer = JdkPeer.connect(s.uri("/hello"))) {
            assertThat(peer.send("hi").nextText()).isEqualTo("Got your message (hi). Thanks !");
            assertThat(peer.send("async").nextText()).isEqualTo("async ok");
            assertThat(peer.send("future").nextText()).isEqualTo("future ok");
            assertThat(peer.send("stream").nextText()).hasSize(20_000);
            assertThat(((ByteBuffer) peer.send("bytes").next()).remaining()).isEqualTo(40_000);
            peer.send("batch");
            assertThat(peer.nextText()).isEqualTo("b1");
            assertThat(peer.nextText()).isEqualTo("b2");
            assertThat(peer.send("pong").nextText()).isEqualTo("pong:beat");
        }
    }

    /** §2.1.5: a close by the endpoint reaches the peer with its code and reason, and onClose runs. */
    @Test
    void closesWithTheCloseReason() throws Exception {
        try (ServerFixture s = ServerFixture.start(hello());
                JdkPeer peer = JdkPeer.connect(s.uri("/hello"))) {
            peer.send("close");
            assertThat(peer.closeCode()).isEqualTo(4000);
            assertThat(peer.closeReason.join()).isEqualTo("bye");
            assertThat(CLOSED.get(10, TimeUnit.SECONDS).getCloseCode().getCode())
                    .isEqualTo(4000);
        }
    }

    /** §2.1.3 (WSC-2.1.3-1/2): one handler per native type; a second is an error. */
    @Test
    void oneMessageHandlerPerNativeType() throws Exception {
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        Endpoint twice = new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(new MessageHandler.Whole<String>() {
                    @Override
                    public void onMessage(String message) {}
                });
                try {
                    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) m -> {});
                    second.complete(null);
                } catch (IllegalStateException e) {
                    second.complete(e);
                }
            }
        };
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Endpoint.class, "/twice")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return (T) twice;
                    }
                })
                .build();
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(config));
                JdkPeer peer = JdkPeer.connect(s.uri("/twice"))) {
            assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** §2.1.2: user properties live for the session; SendResult of an async send is OK. */
    @Test
    void userPropertiesAndSendResults() throws Exception {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        Endpoint e = new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.getUserProperties().put("n", 0);
                session.addMessageHandler(String.class, m -> {
                    int n = (Integer) session.getUserProperties().merge("n", 1, (a, b) -> (Integer) a + (Integer) b);
                    session.getAsyncRemote().sendText("n=" + n, result::complete);
                });
            }
        };
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Endpoint.class, "/props")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T getEndpointInstance(Class<T> c) {
                        return (T) e;
                    }
                })
                .build();
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(config));
                JdkPeer peer = JdkPeer.connect(s.uri("/props"))) {
            assertThat(peer.send("x").nextText()).isEqualTo("n=1");
            assertThat(peer.send("x").nextText()).isEqualTo("n=2");
            assertThat(result.get(10, TimeUnit.SECONDS).isOK()).isTrue();
        }
    }
}
