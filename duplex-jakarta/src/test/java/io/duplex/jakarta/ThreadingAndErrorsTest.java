package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Chapter 5 of Jakarta WebSocket 2.1, "Exception handling and Threading", and the loop rule. */
class ThreadingAndErrorsTest {

    /** Counts callbacks in progress: more than one at a time would break §5.1. */
    @ServerEndpoint("/ordered")
    public static class Ordered {
        private final AtomicInteger inside = new AtomicInteger();
        private int expected;

        @OnMessage
        public String m(String text) {
            if (inside.incrementAndGet() != 1) {
                return "overlap";
            }
            String answer = text.equals(String.valueOf(expected++)) ? "ok" : "out of order " + text;
            Thread.yield();
            inside.decrementAndGet();
            return answer;
        }
    }

    /** §5.1 (WSC-5.1-2/4): one thread at a time per peer, messages in order. */
    @Test
    void oneThreadAtATimeInOrder() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Ordered.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/ordered"))) {
            for (int i = 0; i < 500; i++) {
                peer.send(String.valueOf(i));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(peer.nextText()).isEqualTo("ok");
            }
        }
    }

    static final CompletableFuture<String> ERROR = new CompletableFuture<>();
    static final CompletableFuture<CloseReason> IDLE_CLOSE = new CompletableFuture<>();

    @ServerEndpoint("/failing")
    public static class Failing {
        @OnMessage
        public void m(String text) {
            throw new IllegalArgumentException(text);
        }

        @OnError
        public void error(Throwable t) {
            ERROR.complete(t.getClass().getSimpleName() + " " + t.getMessage());
        }
    }

    @ServerEndpoint("/idle")
    public static class Idle {
        @OnMessage
        public void m(String text, Session session) {
            session.setMaxIdleTimeout(200);
        }

        @OnClose
        public void close(CloseReason reason) {
            IDLE_CLOSE.complete(reason);
        }
    }

    /** §5.2.2 (WSC-5.2.2-1/2): an exception of the message code reaches @OnError. */
    @Test
    void applicationErrorsReachOnError() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Failing.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/failing"))) {
            peer.send("boom");
            assertThat(ERROR.get(10, TimeUnit.SECONDS)).isEqualTo("IllegalArgumentException boom");
        }
    }

    /**
     * Session.setMaxIdleTimeout: the container closes an idle session; the peer sees 1001 and the
     * endpoint 1006, as §2.1.5 asks for a close the container decided.
     */
    @Test
    void idleTimeoutClosesTheSession() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Idle.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/idle"))) {
            peer.send("idle");
            assertThat(peer.closeCode()).isEqualTo(1001);
            assertThat(IDLE_CLOSE.get(10, TimeUnit.SECONDS).getCloseCode().getCode())
                    .isEqualTo(1006);
        }
    }

    static final CompletableFuture<Throwable> ON_LOOP = new CompletableFuture<>();

    @ServerEndpoint("/blocking")
    public static class Blocking {
        @OnOpen
        public void open(Session session) {
            try {
                session.getBasicRemote().sendText("hello");
                ON_LOOP.complete(null);
            } catch (IllegalStateException | IOException e) {
                ON_LOOP.complete(e);
                session.getAsyncRemote().sendText("async instead");
            }
        }
    }

    /**
     * Added to a native server without a handler executor, endpoints run on the event loop: a
     * blocking send there fails fast with IllegalStateException instead of deadlocking, async sends
     * work, and native routes live next to Jakarta ones.
     */
    @Test
    void blockingSendOnTheEventLoopFailsFast() throws Exception {
        WebSocketServer.Builder b = Loopback.server().route("/native", WebSocketHandler.echo());
        try (JakartaEndpoints endpoints =
                JakartaEndpoints.builder().endpoint(Blocking.class).build()) {
            endpoints.addTo(b);
            WebSocketServer server = b.start();
            try (JdkPeer jakarta = JdkPeer.connect(URI.create("ws://127.0.0.1:" + server.port() + "/blocking"));
                    JdkPeer nativePeer = JdkPeer.connect(URI.create("ws://127.0.0.1:" + server.port() + "/native"))) {
                assertThat(ON_LOOP.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
                assertThat(jakarta.nextText()).isEqualTo("async instead");
                assertThat(nativePeer.send("native").nextText()).isEqualTo("native");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }
}
