package io.duplex.interop;

import io.duplex.interop.Recorder.Message;
import io.duplex.testkit.RecordingHandler.Closed;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;

/**
 * Duplex server × the JDK's {@code java.net.http.WebSocket}: the scenarios scripted in Java, with
 * the same report the Node and Python clients print.
 */
class JdkClientInteropTest extends DuplexServerInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SIZED = Pattern.compile("(text|binary):(\\d+)");

    private HttpClient plain;
    private HttpClient secure;

    @Override
    Peer peer() {
        return Peer.JDK;
    }

    @Override
    Map<String, String> notApplicable() {
        String noExtensions = "the JDK client offers no extensions";
        return Map.of("deflate-small-window", noExtensions, "context-takeover", noExtensions);
    }

    @BeforeAll
    void clients() {
        plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        secure = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .sslContext(TestCertificate.get().generated().clientContext())
                .build();
    }

    @Override
    ClientReport run(String scenario, URI url) {
        Session s = new Session(scenario);
        try {
            s.script(url.getScheme().equals("wss") ? secure : plain, url);
        } catch (Exception e) {
            s.error = e.toString();
        }
        return s.report();
    }

    /** One scripted connection: a listener that assembles messages, and the scenario's steps. */
    private static final class Session implements WebSocket.Listener {
        final String scenario;
        final List<String> failures = new ArrayList<>();
        final List<Message> received = new CopyOnWriteArrayList<>();
        final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        final List<String> pings = new CopyOnWriteArrayList<>();
        final List<String> pongs = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> firstPong = new CompletableFuture<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        String protocol;
        String error;
        WebSocket ws;

        Session(String scenario) {
            this.scenario = scenario;
        }

        void script(HttpClient client, URI url) throws Exception {
            WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(TIMEOUT);
            if (scenario.equals("subprotocol")) {
                builder.subprotocols("chat", "chat.v2");
            }
            ws = builder.buildAsync(url, this).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            protocol = ws.getSubprotocol();
            Matcher sized = SIZED.matcher(scenario);
            if (sized.matches()) {
                int n = Integer.parseInt(sized.group(2));
                if (sized.group(1).equals("text")) {
                    sendAndExpectEcho(Payload.text(n));
                } else {
                    sendAndExpectEcho(Payload.binary(n));
                }
                closeNormally();
                return;
            }
            switch (scenario) {
                case "fragmented-text" -> {
                    List<String> parts = Payload.FRAGMENTS_TEXT;
                    for (int i = 0; i < parts.size(); i++) {
                        await(ws.sendText(parts.get(i), i == parts.size() - 1));
                    }
                    expectEcho(String.join("", parts));
                    closeNormally();
                }
                case "fragmented-binary" -> {
                    List<byte[]> parts = Payload.binaryFragments();
                    for (int i = 0; i < parts.size(); i++) {
                        await(ws.sendBinary(ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1));
                    }
                    expectEcho(Payload.binary(30));
                    closeNormally();
                }
                case "utf8" -> {
                    sendAndExpectEcho(Payload.UTF8_SAMPLE);
                    closeNormally();
                }
                case "ping" -> {
                    await(ws.sendPing(ByteBuffer.wrap(bytes("cli-ping"))));
                    try {
                        await(firstPong);
                    } catch (TimeoutException e) {
                        // judged below: no pong is a failure of the scenario, not of the harness
                    }
                    expect(pongs.equals(List.of("cli-ping")), "pong payload differs: " + pongs);
                    closeNormally();
                }
                case "server-ping" -> {
                    expect("pong:srv-ping".equals(next()), "server did not confirm the pong");
                    expect(pings.contains("srv-ping"), "the server ping was not seen");
                    closeNormally();
                }
                case "close-from-client" -> {
                    await(ws.sendClose(4001, "bye from client"));
                    closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                case "close-from-server" -> {
                    await(ws.sendText("close-me", true));
                    closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                case "subprotocol" -> {
                    sendAndExpectEcho("hello");
                    closeNormally();
                }
                case "burst" -> {
                    // Back to back, without waiting for echoes (the JDK wants each send done first).
                    for (int i = 0; i < Payload.BURST; i++) {
                        await(ws.sendText(Payload.burst(i), true));
                    }
                    for (int i = 0; i < Payload.BURST; i++) {
                        if (!Payload.burst(i).equals(next())) {
                            expect(false, "echo " + i + " differs or is out of order");
                            break;
                        }
                    }
                    closeNormally();
                }
                case "too-big" -> {
                    ws.sendText(Payload.text(Payload.TOO_BIG), true);
                    closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                case "tls" -> {
                    sendAndExpectEcho(Payload.UTF8_SAMPLE);
                    sendAndExpectEcho(Payload.binary(64 * 1024));
                    closeNormally();
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }

        private void sendAndExpectEcho(String sent) throws Exception {
            await(ws.sendText(sent, true));
            expectEcho(sent);
        }

        private void sendAndExpectEcho(byte[] sent) throws Exception {
            await(ws.sendBinary(ByteBuffer.wrap(sent), true));
            expectEcho(sent);
        }

        private void expectEcho(Object sent) throws Exception {
            Object got = next();
            boolean same = sent instanceof byte[] b ? got instanceof byte[] g && Arrays.equals(b, g) : sent.equals(got);
            expect(same, "echo differs from what was sent");
        }

        private Object next() throws Exception {
            Object message = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (message == null) {
                throw new TimeoutException("no message within " + TIMEOUT);
            }
            return message;
        }

        private void closeNormally() throws Exception {
            await(ws.sendClose(1000, "done"));
            closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        private void expect(boolean condition, String failure) {
            if (!condition) {
                failures.add(failure);
            }
        }

        private static void await(CompletableFuture<?> sent) throws Exception {
            sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        ClientReport report() {
            if (ws != null && !closed.isDone()) {
                ws.abort();
            }
            Closed close = closed.getNow(null);
            return new ClientReport(
                    "jdk",
                    scenario,
                    error == null && failures.isEmpty(),
                    error,
                    failures,
                    protocol,
                    null,
                    List.copyOf(received),
                    List.copyOf(pings),
                    List.copyOf(pongs),
                    close);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                received.add(Message.text(message));
                inbox.add(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] message = binary.toByteArray();
                binary.reset();
                received.add(Message.binary(message));
                inbox.add(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // The JDK answers the ping with a pong by itself.
            pings.add(StandardCharsets.UTF_8.decode(message).toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            firstPong.complete(null);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            // Returning null: the JDK replies with a Close echoing the status code.
            closed.complete(new Closed(statusCode, reason, true));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            this.error = "onError: " + error;
            closed.complete(new Closed(1006, "", false));
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
