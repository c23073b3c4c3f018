package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Chapter 4 of Jakarta WebSocket 2.1, "Annotations". */
class AnnotationsTest {
    static final CompletableFuture<String> CLOSED = new CompletableFuture<>();

    /** Streaming, primitive path parameters, pongs and a size limit (Tyrus-sample style). */
    @ServerEndpoint("/stream/{n}")
    public static class Streaming {
        @OnMessage(maxMessageSize = 1000)
        public String text(Reader reader, @PathParam("n") int n) throws IOException {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[64];
            for (int r; (r = reader.read(buf)) > 0; ) {
                sb.append(buf, 0, r);
            }
            return n + ":" + sb.length();
        }

        @OnMessage
        public byte[] binary(InputStream in) throws IOException {
            return ("read " + in.readAllBytes().length).getBytes(StandardCharsets.UTF_8);
        }

        @OnMessage
        public void pong(PongMessage pong, Session session) throws IOException {
            session.getBasicRemote().sendText("pong " + StandardCharsets.UTF_8.decode(pong.getApplicationData()));
        }

        @OnError
        public void error(Throwable t, Session session) throws IOException {
            session.getBasicRemote().sendText("error " + t.getClass().getSimpleName());
        }

        @OnClose
        public void close(CloseReason reason) {
            CLOSED.complete(reason.getCloseCode().getCode() + "");
        }
    }

    @ServerEndpoint("/number")
    public static class Numbers {
        @OnMessage
        public long twice(long n) {
            return n * 2;
        }

        @OnError
        public void error(Throwable t, Session session) throws IOException {
            session.getBasicRemote().sendText("error " + t.getClass().getSimpleName());
        }
    }

    @ServerEndpoint("/partial")
    public static class Partial {
        private final StringBuilder sb = new StringBuilder();

        @OnMessage
        public void part(String part, boolean last, Session session) throws IOException {
            sb.append(part);
            if (last) {
                session.getBasicRemote().sendText("whole " + sb);
                sb.setLength(0);
            }
        }
    }

    /** §4.3 (WSC-4.3-5), §4.7: Reader, InputStream, PongMessage; return values sent back. */
    @Test
    void streamingAndPongForms() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Streaming.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/stream/7"))) {
            assertThat(peer.send("x".repeat(500)).nextText()).isEqualTo("7:500");
            ByteBuffer got = (ByteBuffer) peer.send(ByteBuffer.allocate(3000)).next();
            assertThat(StandardCharsets.UTF_8.decode(got).toString()).isEqualTo("read 3000");
            peer.ws.sendPong(ByteBuffer.wrap("p".getBytes())).join();
            assertThat(peer.nextText()).isEqualTo("pong p");
        }
    }

    /** §4.7.1 (WSC-4.7.1-1): a message over maxMessageSize closes with 1009. */
    @Test
    void maxMessageSizeClosesWith1009() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Streaming.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/stream/1"))) {
            peer.send("x".repeat(1001));
            assertThat(peer.closeCode()).isEqualTo(1009);
            assertThat(CLOSED.get(10, TimeUnit.SECONDS)).isEqualTo("1009");
        }
    }

    /** §4.3 (WSC-4.3-6): a path segment that is not an int is a DecodeException to @OnError. */
    @Test
    void anUndecodablePathParameterGoesToOnError() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Streaming.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/stream/seven"))) {
            assertThat(peer.send("x").nextText()).isEqualTo("error DecodeException");
        }
    }

    /** §4.7 (WSC-4.7-2/3): primitives decoded from text and returned as text. */
    @Test
    void primitivesInAndOut() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Numbers.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/number"))) {
            assertThat(peer.send("21").nextText()).isEqualTo("42");
            assertThat(peer.send("abc").nextText()).isEqualTo("error DecodeException");
            // RFC 6455 §7.4.1: a binary message the endpoint has no handler for: 1003.
            peer.send(ByteBuffer.wrap(new byte[] {1}));
            assertThat(peer.closeCode()).isEqualTo(1003);
        }
    }

    /** §4.7: a partial text handler ({@code boolean last}) receives the message (whole is one part). */
    @Test
    void partialTextHandler() throws Exception {
        try (ServerFixture s = ServerFixture.start(JakartaServer.builder().endpoint(Partial.class));
                JdkPeer peer = JdkPeer.connect(s.uri("/partial"))) {
            peer.ws.sendText("ab", false).join();
            peer.ws.sendText("cd", true).join();
            assertThat(peer.nextText()).isEqualTo("whole abcd");
        }
    }

    @ServerEndpoint("/bad")
    public static class TwoTextHandlers {
        @OnMessage
        public void a(String s) {}

        @OnMessage
        public void b(Reader r) {}
    }

    @ServerEndpoint("/bad")
    public static class BadPathParam {
        @OnOpen
        public void open(@PathParam("x") Object x) {}
    }

    @ServerEndpoint("/bad")
    public static class ErrorWithoutThrowable {
        @OnError
        public void error(Session s) {}
    }

    /** §4.7 (WSC-4.7-4), §4.3 (WSC-4.3-1), §4.6 (WSC-4.6-3): malformed classes are not deployed. */
    @Test
    void malformedEndpointsAreDeploymentErrors() {
        for (Class<?> bad : new Class<?>[] {TwoTextHandlers.class, BadPathParam.class, ErrorWithoutThrowable.class}) {
            assertThatThrownBy(() -> JakartaEndpoints.builder().endpoint(bad).build())
                    .as(bad.getSimpleName())
                    .isInstanceOf(DeploymentException.class);
        }
        // §3.1.1: a variable must be a whole segment.
        assertThatThrownBy(() -> UriTemplate.parse("/a/x{y}")).isInstanceOf(DeploymentException.class);
    }
}
