package io.duplex.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketConfig;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.testkit.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile opening handshakes against a server with the default head limits (8 KiB lines, 100
 * fields, 8 KiB in all): each gets its precise HTTP status, the connection is freed, and a
 * well-behaved client is served during and after.
 */
class HandshakeAttackTest {
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(1000);
    /** How long a refused connection may take to be closed by the server. */
    static final Duration FREED_WITHIN = Duration.ofSeconds(3);

    static TargetServer target;

    @BeforeAll
    static void start() {
        target = TargetServer.start(
                WebSocketConfig.builder().handshakeTimeout(HANDSHAKE_TIMEOUT).build());
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    /** A request built from the valid header lines, changed by {@code edit}. */
    record Attack(String name, Function<Integer, String> request, int status, String mustContain) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Function<Integer, String> valid(String requestLine, UnaryOperator<List<String>> edit) {
        return port -> RawClient.head(requestLine, edit.apply(RawClient.validHeaders(port)));
    }

    static UnaryOperator<List<String>> replace(String name, String... lines) {
        return h -> {
            List<String> out = new ArrayList<>();
            for (String line : h) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    out.addAll(List.of(lines));
                } else {
                    out.add(line);
                }
            }
            return out;
        };
    }

    static UnaryOperator<List<String>> add(String... lines) {
        return h -> {
            List<String> out = new ArrayList<>(h);
            out.addAll(List.of(lines));
            return out;
        };
    }

    static Stream<Attack> refusedRequests() {
        String get = "GET /echo HTTP/1.1";
        List<String> manyFields = new ArrayList<>();
        for (int i = 0; i < 96; i++) { // + the 5 valid ones = 101 > 100
            manyFields.add("X-F" + i + ": v");
        }
        List<String> bigFields = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // 20 lines of ~500 bytes, each under the line limit
            bigFields.add("X-Big" + i + ": " + "b".repeat(500));
        }
        return Stream.of(
                new Attack("header line over 8 KiB → 431", valid(get, add("X-Long: " + "x".repeat(9000))), 431, null),
                new Attack("101 header fields → 431", valid(get, add(manyFields.toArray(String[]::new))), 431, null),
                new Attack(
                        "head over 8 KiB in all → 431", valid(get, add(bigFields.toArray(String[]::new))), 431, null),
                new Attack("no Sec-WebSocket-Key → 400", valid(get, replace("Sec-WebSocket-Key")), 400, null),
                new Attack(
                        "two Sec-WebSocket-Key fields → 400",
                        valid(get, add("Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==")),
                        400,
                        null),
                new Attack(
                        "two keys in one comma list → 400",
                        valid(
                                get,
                                replace(
                                        "Sec-WebSocket-Key",
                                        "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==, AQIDBAUGBwgJCgsMDQ4PEA==")),
                        400,
                        null),
                new Attack(
                        "key of 15 bytes → 400",
                        valid(get, replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4P")),
                        400,
                        null),
                new Attack(
                        "key of 17 bytes → 400",
                        valid(get, replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEBE=")),
                        400,
                        null),
                new Attack(
                        "key not base64 → 400",
                        valid(get, replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==")),
                        400,
                        null),
                new Attack(
                        "version 8 → 426 naming 13",
                        valid(get, replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8")),
                        426,
                        "\r\nSec-WebSocket-Version: 13\r\n"),
                new Attack(
                        "no version → 426 naming 13",
                        valid(get, replace("Sec-WebSocket-Version")),
                        426,
                        "\r\nSec-WebSocket-Version: 13\r\n"),
                new Attack(
                        "Connection: keep-alive only → 400",
                        valid(get, replace("Connection", "Connection: keep-alive")),
                        400,
                        null),
                new Attack("Upgrade: h2c → 400", valid(get, replace("Upgrade", "Upgrade: h2c")), 400, null),
                new Attack(
                        "POST → 405 with Allow: GET", valid("POST /echo HTTP/1.1", h -> h), 405, "\r\nAllow: GET\r\n"),
                new Attack("HTTP/1.0 → 400", valid("GET /echo HTTP/1.0", h -> h), 400, null),
                new Attack("obs-fold continuation line → 400", valid(get, add("X-Folded: a", " b")), 400, null),
                new Attack("cross-site Origin → 403", valid(get, add("Origin: http://evil.example")), 403, null),
                new Attack("opaque Origin null → 403", valid(get, add("Origin: null")), 403, null),
                new Attack(
                        "two Origin fields → 400",
                        valid(get, add("Origin: http://127.0.0.1", "Origin: http://evil.example")),
                        400,
                        null),
                new Attack("two Host fields → 400", valid(get, add("Host: evil.example")), 400, null),
                new Attack("unknown path → 404", valid("GET /nowhere HTTP/1.1", h -> h), 404, null),
                new Attack("fragment in the target → 400", valid("GET /echo#frag HTTP/1.1", h -> h), 400, null),
                new Attack("bare LF line ends → 400", port -> "GET /echo HTTP/1.1\nHost: x\n\n", 400, null));
    }

    static Stream<String[]> smuggledBodies() {
        // The "body" is a masked text frame (key 00000000) a proxy in front would pass as a body.
        String frame = "\u0081\u0085\0\0\0\0hello";
        return Stream.of(
                new String[] {"Content-Length: " + frame.length(), frame},
                new String[] {"Content-Length: 100000", frame},
                new String[] {
                    "Transfer-Encoding: chunked", Integer.toHexString(frame.length()) + "\r\n" + frame + "\r\n0\r\n\r\n"
                },
                new String[] {"Transfer-Encoding: chunked", frame});
    }

    /** RFC 7230 §3.3.3, §9.5: an upgrade request that declares a body is refused before the switch. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggledBodies")
    void anUpgradeRequestDeclaringABodyGets400AndNothingIsSwitched(String field, String body) throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            String head = RawClient.head("GET /echo HTTP/1.1", add(field).apply(RawClient.validHeaders(target.port())));
            peer.write(head + body);
            String response = peer.readHead();
            assertThat(response).startsWith("HTTP/1.1 400 ").contains("\r\nConnection: ");
            // Closed by the server, and no frame (no echo of the smuggled "hello") came back.
            String rest;
            try {
                rest = peer.readToEnd();
            } catch (java.net.SocketException reset) {
                rest = ""; // closed with a reset: nothing more was sent either
            }
            assertThat(rest).doesNotContain("hello").doesNotContain("\u0081");
            assertThat(target.textsFrom(peer)).isEmpty();
        }
        target.awaitOnlyProbe();
        target.assertServes("after a smuggled body");
    }

    @Test
    void anExplicitlyEmptyBodyIsAllowed() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            String head = RawClient.head(
                    "GET /echo HTTP/1.1", add("Content-Length: 0").apply(RawClient.validHeaders(target.port())));
            peer.write(head);
            assertThat(peer.readHead()).startsWith("HTTP/1.1 101 ");
            peer.writeHex("81 85 00000000 68656c6c6f");
            assertThat(peer.readFrame().text()).isEqualTo("hello");
        }
        target.awaitOnlyProbe();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void refusedWithItsStatusAndFreed(Attack attack) throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            peer.write(attack.request().apply(target.port()));
            String response = peer.readHead();
            assertThat(response).startsWith("HTTP/1.1 " + attack.status() + " ");
            assertThat(response).contains("\r\nConnection: ");
            if (attack.mustContain() != null) {
                assertThat(response).contains(attack.mustContain());
            }
            // Answered and closed by the server: it does not wait for this peer to hang up.
            assertThat(peer.awaitEnd(FREED_WITHIN)).isTrue();
            target.assertServes(attack.name());
        }
        target.awaitOnlyProbe();
        target.assertServes("after " + attack.name());
    }

    /**
     * With the default limits the request line limit (8 KiB) equals the head limit (8 KiB), and
     * duplex-protocol's {@code HttpHeadParser} counts the head size before the line length, so a
     * long request line is answered 431 instead of 414. Reported; enable once the parser checks the
     * line first.
     */
    @Test
    void requestLineOverTheDefaultLimitGets414() throws IOException {
        assertRequestLineRefusedWith414(target);
    }

    @Test
    void requestLineOverTheLineLimitGets414WhenTheHeadLimitIsLarger() throws IOException {
        try (TargetServer roomy = TargetServer.start(WebSocketConfig.builder()
                .headLimits(new HttpHeadLimits(8192, 100, 16384))
                .build())) {
            assertRequestLineRefusedWith414(roomy);
        }
    }

    private static void assertRequestLineRefusedWith414(TargetServer server) throws IOException {
        try (RawClient peer = RawClient.connect(server.port())) {
            peer.write(
                    valid("GET /echo?" + "a".repeat(9000) + " HTTP/1.1", h -> h).apply(server.port()));
            assertThat(peer.readHead()).startsWith("HTTP/1.1 414 ");
            assertThat(peer.awaitEnd(FREED_WITHIN)).isTrue();
            server.assertServes("after a long request line");
        }
        server.awaitOnlyProbe();
    }

    @Test
    void connectionListWithUpgradeAmongOtherTokensIsAccepted() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            String request = valid("GET /echo HTTP/1.1", replace("Connection", "Connection: keep-alive, Upgrade"))
                    .apply(target.port());
            peer.write(request);
            assertThat(peer.readHead()).startsWith("HTTP/1.1 101 ");
            peer.sendFrame(0x81, RawClient.utf8("keep-alive, Upgrade"));
            assertThat(peer.readFrame().text()).isEqualTo("keep-alive, Upgrade");
        }
        target.assertServes("after keep-alive, Upgrade");
    }

    @Test
    void peerThatNeverHangsUpAfterARefusalIsReleasedAnyway() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            long t0 = System.nanoTime();
            peer.write(valid("POST /echo HTTP/1.1", h -> h).apply(target.port()));
            assertThat(peer.readHead()).startsWith("HTTP/1.1 405 ");
            target.awaitOnlyProbe(); // while this peer still holds its end open
            assertThat(TargetServer.millisSince(t0)).isLessThan(3000);
        }
    }

    @Test
    void slowlorisIsCutOffAfterTheHandshakeTimeout() throws IOException {
        long t0 = System.nanoTime();
        try (RawClient peer = RawClient.connect(target.port())) {
            String request = RawClient.upgradeRequest("/echo", target.port());
            peer.write(request.substring(0, request.length() / 2)); // and never the rest
            target.assertServes("during slowloris");
            assertThat(peer.awaitEnd(HANDSHAKE_TIMEOUT.plus(FREED_WITHIN))).isTrue();
            assertThat(TargetServer.millisSince(t0)).isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.toMillis() - 10);
        }
        target.awaitOnlyProbe();
        target.assertServes("after slowloris");
    }

    @Test
    void slowlorisGetsNoResponseBytes() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            peer.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            // The server has nothing to say to a request it never saw end: it just closes.
            assertThat(peer.readToEnd()).isEmpty();
        }
        target.awaitOnlyProbe();
    }

    @Test
    void framesPipelinedAfterTheRequestAreProcessedNotLost() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(RawClient.upgradeRequest("/echo", target.port()).getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(RawClient.masked(0x81, RawClient.utf8("one")));
            all.writeBytes(RawClient.masked(0x81, RawClient.utf8("two")));
            all.writeBytes(RawClient.masked(0x88, RawClient.closePayload(1000, new byte[0])));
            peer.write(all.toByteArray()); // one write: head and frames arrive in one read
            assertThat(peer.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(peer.readFrame().text()).isEqualTo("one");
            assertThat(peer.readFrame().text()).isEqualTo("two");
            assertThat(peer.readFrame().closeCode()).isEqualTo(1000);
            assertThat(peer.awaitEnd(FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer)).isEqualTo(new TargetServer.Closed(1000, "", true));
        }
        target.awaitOnlyProbe();
        target.assertServes("after pipelining");
    }
}
