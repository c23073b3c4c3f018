package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.FakeExtensionFactory;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** RFC 6455 §1.2's sample request, as Firefox sends it ({@code Connection: keep-alive, Upgrade}). */
    private static final String REQUEST = "GET /chat?room=1 HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://server.example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    private final FakeExtensionFactory deflate = new FakeExtensionFactory("permessage-deflate", Rsv.RSV1);
    private final ServerHandshake plain = ServerHandshake.builder().build();

    private static HttpHead.Request request(String text) {
        return (HttpHead.Request) new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.REQUEST)
                .parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The sample request with one header replaced ({@code null} value: removed) or added. */
    private static HttpHead.Request requestWith(String name, String value) {
        Headers.Builder b = Headers.builder();
        boolean found = false;
        HttpHead.Request base = request(REQUEST);
        for (Headers.Field f : base.headers().fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                found = true;
                if (value != null) {
                    b.add(f.name(), value);
                }
            } else {
                b.add(f.name(), f.value());
            }
        }
        if (!found) {
            b.add(name, value);
        }
        return base.withHeaders(b.build());
    }

    private static HttpHead.Request plus(HttpHead.Request r, String name, String value) {
        return r.withHeaders(r.headers().toBuilder().add(name, value).build());
    }

    @Test
    void acceptsTheSampleRequest() {
        Outcome outcome = plain.validate(request(REQUEST));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Accepted.class, a -> {
            assertThat(a.path()).isEqualTo("/chat");
            assertThat(a.query()).isEqualTo("room=1");
            assertThat(a.key()).isEqualTo(KEY);
            assertThat(a.origin()).isEqualTo("http://server.example.com");
            assertThat(a.offeredSubprotocols()).containsExactly("chat", "superchat");
            assertThat(a.selectedSubprotocol()).isNull();
            assertThat(a.extensions()).isEmpty();
            assertThat(a.headers().first("host")).isEqualTo("server.example.com");
        });
    }

    @Test
    void writesThe101ResponseOfTheRfcExample() {
        Outcome.Accepted accepted = (Outcome.Accepted) plain.validate(request(REQUEST));

        assertThat(HttpHeadTest.ascii(plain.response(accepted)))
                .isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                        + "\r\n");
    }

    @Test
    void anAcceptanceAnsweredAsValidatedIsItselfAndOtherwiseACopy() {
        Outcome.Accepted accepted = (Outcome.Accepted) plain.validate(request(REQUEST));
        assertThat(accepted.answeredWith(accepted.selectedSubprotocol(), List.of()))
                .isSameAs(accepted);
        Outcome.Accepted chat = accepted.answeredWith("chat", List.of());
        assertThat(chat.selectedSubprotocol()).isEqualTo("chat");
        assertThat(chat.key()).isEqualTo(accepted.key());
        assertThat(chat.path()).isEqualTo(accepted.path());
        ServerHandshake server =
                ServerHandshake.builder().extensions(List.of(deflate)).build();
        Outcome.Accepted compressed = (Outcome.Accepted)
                server.validate(plus(request(REQUEST), "Sec-WebSocket-Extensions", "permessage-deflate"));
        assertThat(compressed.extensions()).hasSize(1);
        Outcome.Accepted declined = compressed.answeredWith(compressed.selectedSubprotocol(), List.of());
        assertThat(declined.extensions()).isEmpty(); // RFC 6455 §9.1: the server may decline them all
        assertThat(declined.selectedSubprotocol()).isEqualTo(compressed.selectedSubprotocol());
    }

    @Test
    void writesSubprotocolExtensionsAndExtraHeaders() {
        ServerHandshake server = ServerHandshake.builder()
                .subprotocols(List.of("superchat", "chat"))
                .extensions(List.of(deflate))
                .build();
        HttpHead.Request r = plus(
                request(REQUEST),
                "Sec-WebSocket-Extensions",
                "permessage-deflate; reject, permessage-deflate; client_max_window_bits");
        Outcome.Accepted accepted = (Outcome.Accepted) server.validate(r);

        assertThat(accepted.selectedSubprotocol()).isEqualTo("superchat");
        assertThat(HttpHeadTest.ascii(server.response(accepted, Headers.of("Set-Cookie", "id=1"))))
                .isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                        + "Sec-WebSocket-Protocol: superchat\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                        + "Set-Cookie: id=1\r\n"
                        + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Upgrade",
                "connection",
                "Sec-WebSocket-Accept",
                "Sec-WebSocket-Protocol",
                "Sec-WebSocket-Extensions",
                "Content-Length",
                "Transfer-Encoding"
            })
    void refusesExtraHeadersThatThe101Sets(String name) {
        Outcome.Accepted accepted = (Outcome.Accepted) plain.validate(request(REQUEST));

        assertThatThrownBy(() -> plain.response(accepted, Headers.of(name, "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectsTheServersPreferredSubprotocol() {
        assertThat(selected(List.of("chat", "superchat"), "superchat, chat")).isEqualTo("chat");
        assertThat(selected(List.of("v3", "superchat"), "chat, superchat")).isEqualTo("superchat");
        assertThat(selected(List.of("v3"), "chat, superchat")).isNull();
        assertThat(selected(List.of("Chat"), "chat")).isNull();
        assertThat(selected(List.of("chat"), null)).isNull();
    }

    private static String selected(List<String> supported, String offered) {
        ServerHandshake server =
                ServerHandshake.builder().subprotocols(supported).build();
        return ((Outcome.Accepted) server.validate(requestWith("Sec-WebSocket-Protocol", offered)))
                .selectedSubprotocol();
    }

    @Test
    void negotiatesExtensionsInTheClientsOrder() {
        FakeExtensionFactory other = new FakeExtensionFactory("x-other", Rsv.RSV2);
        ServerHandshake server =
                ServerHandshake.builder().extensions(List.of(deflate, other)).build();
        Outcome.Accepted a = (Outcome.Accepted)
                server.validate(requestWith("Sec-WebSocket-Extensions", "x-other, x-unknown, permessage-deflate"));

        assertThat(a.extensions())
                .extracting(Extension::negotiated)
                .containsExactly(ExtensionParameters.of("x-other"), ExtensionParameters.of("permessage-deflate"));
    }

    @Test
    void ignoresAMalformedExtensionHeaderWhenNoExtensionIsConfigured() {
        assertThat(plain.validate(requestWith("Sec-WebSocket-Extensions", ";;")))
                .isInstanceOf(Outcome.Accepted.class);
    }

    @Test
    void rejectsAMalformedExtensionHeaderWhenExtensionsAreConfigured() {
        ServerHandshake server =
                ServerHandshake.builder().extensions(List.of(deflate)).build();

        assertRejected(server, requestWith("Sec-WebSocket-Extensions", "permessage-deflate;;"), 400);
        assertThat(deflate.created).isEmpty();
    }

    @Test
    void rejectsAnotherMethodWith405AndAllow() {
        HttpHead.Request post = new HttpHead.Request(
                "POST", "/chat", "HTTP/1.1", request(REQUEST).headers());

        Outcome.Rejected r = assertRejected(plain, post, 405);
        assertThat(r.extraHeaders()).isEqualTo(Headers.of("Allow", "GET"));
        assertRejected(
                plain,
                new HttpHead.Request(
                        "get", "/chat", "HTTP/1.1", request(REQUEST).headers()),
                405);
    }

    @ParameterizedTest
    @CsvSource({"HTTP/1.0, 400", "HTTP/0.9, 505", "HTTP/2.0, 505", "HTTP/3.1, 505"})
    void rejectsOtherHttpVersions(String version, int status) {
        assertRejected(
                plain,
                new HttpHead.Request("GET", "/", version, request(REQUEST).headers()),
                status);
    }

    @Test
    void acceptsLaterHttp1Versions() {
        HttpHead.Request r =
                new HttpHead.Request("GET", "/", "HTTP/1.2", request(REQUEST).headers());

        assertThat(plain.validate(r)).isInstanceOf(Outcome.Accepted.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            value = {
                "/, /, ",
                "/a/b?, /a/b, ''",
                "/a?b?c, /a, b?c",
                "http://server.example.com/chat?x=1, /chat, x=1",
                "HTTPS://server.example.com:443/chat, /chat, ",
                "ws://server.example.com, /, ",
                "wss://server.example.com?q, /, q",
                "ws://server.example.com?q/r, /, q/r",
                "ws://server.example.com/p?q/r, /p, q/r"
            })
    void splitsTheTargetIntoPathAndQuery(String target, String path, String query) {
        Outcome.Accepted a = (Outcome.Accepted) plain.validate(
                new HttpHead.Request("GET", target, "HTTP/1.1", request(REQUEST).headers()));

        assertThat(a.path()).isEqualTo(path);
        assertThat(a.query()).isEqualTo(query);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"*", "server.example.com:80", "ftp://server.example.com/", "://x/", "/chat#frag", "ws://h/#f"})
    void rejectsOtherTargetsWith400(String target) {
        assertRejected(
                plain,
                new HttpHead.Request("GET", target, "HTTP/1.1", request(REQUEST).headers()),
                400);
    }

    @Test
    void rejectsAMissingEmptyOrRepeatedHostWith400() {
        assertRejected(plain, requestWith("Host", null), 400);
        assertRejected(plain, requestWith("Host", ""), 400);
        assertRejected(plain, plus(request(REQUEST), "Host", "server.example.com"), 400);
    }

    @Test
    void rejectsAnUpgradeRequestThatDeclaresABodyWith400() {
        // RFC 7230 §3.3.3: what follows the head would be a body to a proxy, frames to us.
        for (String length : List.of("100000", "1", " 5 ", "0, 0", "-1", "abc")) {
            Outcome.Rejected r = assertRejected(plain, requestWith("Content-Length", length), 400);
            assertThat(r.reason()).isEqualTo("upgrade request with a body");
        }
        for (String coding : List.of("chunked", "gzip, chunked", "identity", "")) {
            assertRejected(plain, requestWith("Transfer-Encoding", coding), 400);
        }
        HttpHead.Request twoZeros = plus(requestWith("Content-Length", "0"), "Content-Length", "0");
        assertRejected(plain, twoZeros, 400);
        // An explicit empty body is harmless.
        assertThat(plain.validate(requestWith("Content-Length", "0"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(plain.validate(requestWith("Content-Length", " 0"))).isInstanceOf(Outcome.Accepted.class);
        // The bytes are refused whatever else is wrong after the Host: no 426 invites a retry.
        HttpHead.Request noUpgrade = requestWith("Upgrade", null);
        assertRejected(plain, plus(noUpgrade, "Transfer-Encoding", "chunked"), 400);
    }

    @Test
    void rejectsAMissingUpgradeWith426() {
        Outcome.Rejected r = assertRejected(plain, requestWith("Upgrade", null), 426);

        assertThat(r.extraHeaders()).isEqualTo(Headers.of("Upgrade", "websocket"));
        assertThat(HttpHeadTest.ascii(ServerHandshake.rejection(r)))
                .isEqualTo("HTTP/1.1 426 Upgrade Required\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 17\r\n"
                        + "Connection: Upgrade, close\r\n"
                        + "Upgrade: websocket\r\n"
                        + "\r\n"
                        + "upgrade required\n");
    }

    @Test
    void rejectsAnUpgradeWithoutWebsocketWith400() {
        assertRejected(plain, requestWith("Upgrade", "h2c"), 400);
        assertRejected(plain, requestWith("Upgrade", ""), 400);
    }

    @Test
    void acceptsUpgradeAndConnectionAsCaseInsensitiveLists() {
        assertThat(plain.validate(requestWith("Upgrade", "h2c, WebSocket"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(plain.validate(requestWith("Connection", "UPGRADE"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(plain.validate(plus(requestWith("Connection", "keep-alive"), "Connection", "Upgrade")))
                .isInstanceOf(Outcome.Accepted.class);
    }

    @Test
    void rejectsAConnectionWithoutUpgradeWith400() {
        assertRejected(plain, requestWith("Connection", null), 400);
        assertRejected(plain, requestWith("Connection", "keep-alive"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "12", "13, 8", "", "013"})
    void rejectsOtherWebSocketVersionsWith426(String version) {
        Outcome.Rejected r = assertRejected(plain, requestWith("Sec-WebSocket-Version", version), 426);

        assertThat(r.extraHeaders()).isEqualTo(Headers.of("Upgrade", "websocket", "Sec-WebSocket-Version", "13"));
    }

    @Test
    void rejectsAMissingOrRepeatedWebSocketVersionWith426() {
        assertRejected(plain, requestWith("Sec-WebSocket-Version", null), 426);
        assertRejected(plain, plus(request(REQUEST), "Sec-WebSocket-Version", "13"), 426);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ=="})
    void rejectsABadKeyWith400(String key) {
        assertRejected(plain, requestWith("Sec-WebSocket-Key", key), 400);
    }

    @Test
    void rejectsAMissingOrRepeatedKeyWith400() {
        assertRejected(plain, requestWith("Sec-WebSocket-Key", null), 400);
        assertRejected(plain, plus(request(REQUEST), "Sec-WebSocket-Key", KEY), 400);
    }

    @Test
    void checksTheOriginWithThePolicy() {
        assertRejected(plain, requestWith("Origin", "http://evil.example.com"), 403);
        assertRejected(plain, plus(request(REQUEST), "Origin", "http://server.example.com"), 400);
        assertThat(plain.validate(requestWith("Origin", null))).isInstanceOf(Outcome.Accepted.class);
        ServerHandshake strict = ServerHandshake.builder()
                .originPolicy(OriginPolicy.sameOrigin().requireOrigin())
                .build();
        assertRejected(strict, requestWith("Origin", null), 403);
        ServerHandshake open =
                ServerHandshake.builder().originPolicy(OriginPolicy.any()).build();
        assertThat(open.validate(requestWith("Origin", "http://evil.example.com")))
                .isInstanceOf(Outcome.Accepted.class);
        assertThatThrownBy(() -> ServerHandshake.builder().originPolicy(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectionReasonsDoNotEchoTheRequest() {
        HttpHead.Request r = requestWith("Sec-WebSocket-Key", "attacker<script>");

        Outcome.Rejected rejected = assertRejected(plain, r, 400);
        assertThat(rejected.reason()).doesNotContain("attacker");
    }

    @Test
    void refusesAResponseHead() {
        assertThatThrownBy(() -> plain.validate(new HttpHead.Response("HTTP/1.1", 200, "OK", Headers.EMPTY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesACompleteErrorResponse() {
        assertThat(HttpHeadTest.ascii(ServerHandshake.rejection(400, "bad request", Headers.EMPTY)))
                .isEqualTo("HTTP/1.1 400 Bad Request\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 12\r\n"
                        + "Connection: close\r\n"
                        + "\r\n"
                        + "bad request\n");
    }

    @Test
    void writesARejectedOutcomeWithItsHeaders() {
        Outcome.Rejected r = (Outcome.Rejected) plain.validate(requestWith("Sec-WebSocket-Version", "8"));

        assertThat(HttpHeadTest.ascii(ServerHandshake.rejection(r)))
                .isEqualTo("HTTP/1.1 426 Upgrade Required\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 30\r\n"
                        + "Connection: Upgrade, close\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "\r\n"
                        + "unsupported WebSocket version\n");
    }

    @Test
    void countsTheBodyInUtf8Bytes() {
        ByteBuffer out = ServerHandshake.rejection(503, "r\u00e9essayez", Headers.of("Retry-After", "5"));

        assertThat(StandardCharsets.UTF_8.decode(out).toString())
                .contains("Content-Length: 11\r\n")
                .contains("Retry-After: 5\r\n")
                .endsWith("\r\n\r\nr\u00e9essayez\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 101, 200, 299, 600})
    void refusesStatusesThatAreNotErrorsOrRedirects(int status) {
        assertThatThrownBy(() -> ServerHandshake.rejection(status, "x", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "content-length", "Connection", "Transfer-Encoding"})
    void refusesExtraHeadersThatTheErrorResponseSets(String name) {
        assertThatThrownBy(() -> ServerHandshake.rejection(400, "x", Headers.of(name, "y")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "101, Switching Protocols",
        "301, Moved Permanently",
        "302, Found",
        "307, Temporary Redirect",
        "308, Permanent Redirect",
        "400, Bad Request",
        "401, Unauthorized",
        "403, Forbidden",
        "404, Not Found",
        "405, Method Not Allowed",
        "408, Request Timeout",
        "414, URI Too Long",
        "426, Upgrade Required",
        "429, Too Many Requests",
        "431, Request Header Fields Too Large",
        "500, Internal Server Error",
        "503, Service Unavailable",
        "505, HTTP Version Not Supported",
        "418, Error"
    })
    void knowsTheReasonPhrases(int status, String phrase) {
        assertThat(ReasonPhrase.of(status)).isEqualTo(phrase);
    }

    @Test
    void outcomesCopyTheirLists() {
        Outcome.Accepted a = (Outcome.Accepted) plain.validate(request(REQUEST));

        assertThatThrownBy(() -> a.offeredSubprotocols().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Outcome.Rejected(400, null, Headers.EMPTY))
                .isInstanceOf(NullPointerException.class);
    }

    private static Outcome.Rejected assertRejected(ServerHandshake server, HttpHead.Request request, int status) {
        Outcome outcome = server.validate(request);
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        assertThat(r.status()).isEqualTo(status);
        // every rejection can be written, and reads back as the same status with a body after it
        ByteBuffer bytes = ServerHandshake.rejection(r);
        HttpHead.Response written = (HttpHead.Response)
                new HttpHeadParser(HttpHeadLimits.DEFAULT, HttpHeadParser.Kind.RESPONSE).parse(bytes);
        assertThat(written.status()).isEqualTo(status);
        assertThat(written.headers().first("Content-Length")).isEqualTo(Integer.toString(bytes.remaining()));
        return r;
    }
}
