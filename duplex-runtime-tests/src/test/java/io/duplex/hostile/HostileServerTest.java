package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.handshake.AcceptKey;
import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our {@link WebSocketClient} against a hostile server scripted on a plain {@link ServerSocket}:
 * a bad handshake fails the connect future with {@link HandshakeException}, a bad frame fails the
 * open connection with its close code, the socket is released either way, and the same client
 * still works with a well-behaved server afterwards.
 *
 * <p>A TLS certificate for another host is covered by {@code
 * TlsServerTest#certificateForAnotherHostFailsHostnameVerification} (an {@code IOException} whose
 * message names hostname verification) and {@code
 * TlsVerificationTest#clientRejectsCertificateForAnotherHost}.
 */
class HostileServerTest {
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(1000);

    static TargetServer wellBehaved;
    static WebSocketClient client;
    ServerSocket hostile;

    @BeforeAll
    static void startClient() {
        wellBehaved = TargetServer.start(WebSocketConfig.DEFAULT);
        client = WebSocketClient.builder()
                .config(WebSocketConfig.builder()
                        .handshakeTimeout(HANDSHAKE_TIMEOUT)
                        .build())
                .build();
    }

    @AfterAll
    static void stopClient() {
        client.close();
        wellBehaved.close();
    }

    @AfterEach
    void clientStillWorks() throws Exception {
        if (hostile != null) {
            hostile.close();
        }
        CompletableFuture<String> echo = new CompletableFuture<>();
        WebSocket ws = client.connect(wellBehaved.uri("/echo"), WebSocketHandler.onText((s, t) -> echo.complete(t)))
                .get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        ws.send("client still works");
        assertThat(echo.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo("client still works");
        ws.close();
    }

    /** How our client's handler saw the connection end. */
    static final class Ended implements WebSocketHandler {
        final CompletableFuture<TargetServer.Closed> closed = new CompletableFuture<>();

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            closed.complete(new TargetServer.Closed(code, reason, wasClean));
        }
    }

    /** Starts a connect, accepts it on the hostile socket, and returns the request's key. */
    record Accepted(CompletableFuture<WebSocket> connecting, RawClient peer, String key) {}

    Accepted accept(WebSocketHandler handler) throws IOException {
        hostile = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        hostile.setSoTimeout((int) TargetServer.WAIT.toMillis());
        CompletableFuture<WebSocket> connecting =
                client.connect(URI.create("ws://127.0.0.1:" + hostile.getLocalPort() + "/"), handler);
        RawClient peer = new RawClient(hostile.accept());
        String request = peer.readHead();
        String key = null;
        for (String line : request.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                key = line.substring(18).trim();
            }
        }
        assertThat(key).isNotNull();
        return new Accepted(connecting, peer, key);
    }

    static String response(String key, UnaryOperator<String> edit) {
        String valid = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.of(key) + "\r\n";
        return edit.apply(valid) + "\r\n";
    }

    static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("neither completed nor failed within " + TargetServer.WAIT, e);
        }
        throw new AssertionError("expected a failure but it connected");
    }

    static Stream<Arguments> badResponses() {
        return Stream.of(
                Arguments.of("wrong Sec-WebSocket-Accept", (UnaryOperator<String>)
                        r -> r.replaceFirst("Accept: .*\r\n", "Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")),
                Arguments.of("no Sec-WebSocket-Accept", (UnaryOperator<String>)
                        r -> r.replaceFirst("Sec-WebSocket-Accept: .*\r\n", "")),
                Arguments.of("two Sec-WebSocket-Accept", (UnaryOperator<String>)
                        r -> r + r.substring(r.indexOf("Sec-WebSocket-Accept"))),
                Arguments.of("101 without Upgrade and Connection", (UnaryOperator<String>)
                        r -> r.replace("Upgrade: websocket\r\n", "").replace("Connection: Upgrade\r\n", "")),
                Arguments.of(
                        "Upgrade: h2c", (UnaryOperator<String>) r -> r.replace("Upgrade: websocket", "Upgrade: h2c")),
                Arguments.of("200 instead of 101", (UnaryOperator<String>)
                        r -> r.replace("101 Switching Protocols", "200 OK")),
                Arguments.of(
                        "unrequested subprotocol", (UnaryOperator<String>) r -> r + "Sec-WebSocket-Protocol: chat\r\n"),
                Arguments.of("unrequested extension", (UnaryOperator<String>)
                        r -> r + "Sec-WebSocket-Extensions: x-unknown\r\n"),
                Arguments.of("permessage-deflate twice", (UnaryOperator<String>) r -> r
                        + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover;"
                        + " client_no_context_takeover, permessage-deflate; server_no_context_takeover\r\n"),
                Arguments.of("permessage-deflate with window bits abc", (UnaryOperator<String>) r -> r
                        + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover;"
                        + " server_max_window_bits=abc\r\n"),
                Arguments.of("permessage-deflate with context takeover we refused", (UnaryOperator<String>)
                        r -> r + "Sec-WebSocket-Extensions: permessage-deflate\r\n"),
                Arguments.of("response head over 8 KiB", (UnaryOperator<String>)
                        r -> r + "X-Big: " + "b".repeat(9000) + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void badOpeningHandshakeFailsTheConnectFuture(String name, UnaryOperator<String> edit) throws Exception {
        Ended handler = new Ended();
        Accepted a = accept(handler);
        try (RawClient peer = a.peer()) {
            peer.write(response(a.key(), edit));
            assertThat(failure(a.connecting())).as(name).isInstanceOf(HandshakeException.class);
            // The client let go of the socket; its handler never opened, so it is not told.
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(handler.closed).isNotDone();
        }
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        Accepted a = accept(new Ended());
        long t0 = System.nanoTime();
        try (RawClient peer = a.peer()) {
            assertThat(failure(a.connecting())).isInstanceOf(TimeoutException.class);
            assertThat(TargetServer.millisSince(t0)).isLessThan(HANDSHAKE_TIMEOUT.toMillis() + 3000);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("masked server frame", "81 82 11223344 794B", 1002),
                Arguments.of("reserved opcode", "83 00", 1002),
                Arguments.of("RSV1 without an extension", "C1 02 6869", 1002),
                Arguments.of("fragmented ping", "09 00", 1002),
                Arguments.of("continuation without a start", "80 02 6869", 1002),
                Arguments.of("non-minimal length", "81 7E 0002 6869", 1002),
                Arguments.of("close code 1005", "88 02 03ED", 1002),
                Arguments.of("declared 2 GiB frame", "82 7F 0000000080000000", 1009),
                Arguments.of("invalid UTF-8", "81 02 C0AF", 1007));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("badFrames")
    void badFrameFromTheServerFailsTheConnection(String name, String frames, int code) throws Exception {
        Ended handler = new Ended();
        Accepted a = accept(handler);
        try (RawClient peer = a.peer()) {
            // No extension in the answer: whatever the client offered, none is in use.
            peer.write(response(a.key(), r -> r));
            a.connecting().get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            peer.write(hex(frames));
            TargetServer.Closed closed = handler.closed.get(TargetServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(closed.code()).isEqualTo(code);
            assertThat(closed.clean()).isFalse();
            // RFC 6455 §5.1/§7.1.7: the client sends a (masked) Close with the code, then closes TCP.
            RawClient.Frame close = peer.expectClose();
            assertThat(close.masked()).isTrue();
            assertThat(close.closeCode()).isEqualTo(code);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
    }
}
