package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.FakeExtensionFactory;
import io.duplex.frame.Rsv;
import java.net.URI;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHandshakeTest {

    /** {@code AcceptKey.newKey(new Random(42))}. */
    private static final String KEY = "NZ1BuveK/g3hu+euKMBFDA==";

    private final FakeExtensionFactory deflate = new FakeExtensionFactory(
            "permessage-deflate",
            Rsv.RSV1,
            ExtensionParameters.of("permessage-deflate").with("client_max_window_bits", null),
            ExtensionParameters.of("permessage-deflate"));
    private final FakeExtensionFactory other = new FakeExtensionFactory("x-other", Rsv.RSV2);

    private ClientHandshake.Builder builder(String uri) {
        return ClientHandshake.builder(URI.create(uri)).random(new Random(42));
    }

    private ClientHandshake full() {
        return builder("ws://example.com:8080/chat?room=1")
                .subprotocols(List.of("chat.v2", "chat"))
                .extensions(List.of(deflate, other))
                .origin("http://example.com:8080")
                .header("Authorization", "Bearer t")
                .build();
    }

    @Test
    void writesTheRequestBytes() {
        ClientHandshake handshake = full();

        assertThat(HttpHeadTest.ascii(handshake.request()))
                .isEqualTo("GET /chat?room=1 HTTP/1.1\r\n"
                        + "Host: example.com:8080\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + KEY + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Protocol: chat.v2, chat\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, "
                        + "permessage-deflate, x-other\r\n"
                        + "Origin: http://example.com:8080\r\n"
                        + "Authorization: Bearer t\r\n"
                        + "\r\n");
        assertThat(handshake.key()).isEqualTo(KEY);
        assertThat(handshake.uri()).isEqualTo(URI.create("ws://example.com:8080/chat?room=1"));
        assertThat(handshake.head().target()).isEqualTo("/chat?room=1");
        assertThat(handshake.request()).isNotSameAs(handshake.request());
    }

    @Test
    void writesAMinimalRequest() {
        assertThat(HttpHeadTest.ascii(builder("ws://example.com").build().request()))
                .isEqualTo("GET / HTTP/1.1\r\n"
                        + "Host: example.com\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + KEY + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ws://example.com/, example.com, /",
        "ws://example.com:80/a, example.com, /a",
        "ws://example.com:443/a, example.com:443, /a",
        "wss://example.com:443/a, example.com, /a",
        "WSS://example.com:80/a, example.com:80, /a",
        "wss://example.com:8443?q=1, example.com:8443, /?q=1",
        "ws://[::1]:9000/p%20q, [::1]:9000, /p%20q",
        "ws://[2001:db8::1]/, [2001:db8::1], /"
    })
    void derivesHostAndTargetFromTheUri(String uri, String host, String target) {
        HttpHead.Request head = builder(uri).build().head();

        assertThat(head.headers().first("Host")).isEqualTo(host);
        assertThat(head.target()).isEqualTo(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "example.com", "/chat", "ws:opaque", "ws:///nohost", "ws://h/#frag"})
    void refusesUrisThatAreNotWebSocketUris(String uri) {
        assertThatThrownBy(() -> ClientHandshake.builder(URI.create(uri))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Host",
                "upgrade",
                "CONNECTION",
                "Sec-WebSocket-Key",
                "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol",
                "Sec-WebSocket-Extensions",
                "Sec-WebSocket-Accept",
                "Origin",
                "Content-Length",
                "Transfer-Encoding"
            })
    void refusesHeadersTheHandshakeSets(String name) {
        assertThatThrownBy(() -> builder("ws://h/").header(name, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesIllegalUserInput() {
        assertThatThrownBy(() -> builder("ws://h/").header("X", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder("ws://h/").subprotocols(List.of("ok", "not ok")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder("ws://h/").extensions(List.of(deflate, deflate)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder("ws://h/").origin("http://h\r\nX: y").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usesASecureRandomKeyByDefault() {
        ClientHandshake a = ClientHandshake.builder(URI.create("ws://h/")).build();
        ClientHandshake b = ClientHandshake.builder(URI.create("ws://h/")).build();

        assertThat(AcceptKey.isValidKey(a.key())).isTrue();
        assertThat(a.key()).isNotEqualTo(b.key());
    }

    @Test
    void acceptsAValidResponseWithSubprotocolAndExtensions() {
        ClientHandshake handshake = full();
        HttpHead.Response response = response(
                101,
                "Upgrade",
                "WebSocket",
                "Connection",
                "keep-alive, upgrade",
                "Sec-WebSocket-Accept",
                AcceptKey.of(KEY),
                "Sec-WebSocket-Protocol",
                "chat",
                "Sec-WebSocket-Extensions",
                "x-other, permessage-deflate; client_max_window_bits=12");

        ClientHandshake.Result result = handshake.validate(response);

        assertThat(result.subprotocol()).isEqualTo("chat");
        assertThat(result.extensions())
                .extracting(Extension::negotiated)
                .containsExactly(
                        ExtensionParameters.of("x-other"),
                        ExtensionParameters.of("permessage-deflate").with("client_max_window_bits", "12"));
        assertThat(result.response()).isSameAs(response);
    }

    @Test
    void acceptsAMinimalResponse() {
        ClientHandshake.Result result = full().validate(valid());

        assertThat(result.subprotocol()).isNull();
        assertThat(result.extensions()).isEmpty();
    }

    @Test
    void failsOnAnotherStatusKeepingTheResponseHeaders() {
        HttpHead.Response unavailable = response(503, "Retry-After", "120");

        assertThatThrownBy(() -> full().validate(unavailable)).isInstanceOfSatisfying(HandshakeException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.headers().first("Retry-After")).isEqualTo("120");
        });
    }

    @Test
    void failsOnABadUpgradeHeader() {
        assertFails(without("Upgrade"));
        assertFails(valid("Upgrade", "websocket, h2c"));
        assertFails(valid("Upgrade", "h2c"));
    }

    @Test
    void failsWithoutConnectionUpgrade() {
        assertFails(without("Connection"));
        assertFails(valid("Connection", "keep-alive"));
    }

    @Test
    void failsOnAWrongOrRepeatedAccept() {
        assertFails(without("Sec-WebSocket-Accept"));
        assertFails(valid("Sec-WebSocket-Accept", AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ==")));
        assertFails(with(valid(), "Sec-WebSocket-Accept", AcceptKey.of(KEY)));
    }

    @Test
    void failsOnASubprotocolNotOffered() {
        assertFails(with(valid(), "Sec-WebSocket-Protocol", "other"));
        assertFails(with(valid(), "Sec-WebSocket-Protocol", "chat, chat.v2"));
        assertFails(with(with(valid(), "Sec-WebSocket-Protocol", "chat"), "Sec-WebSocket-Protocol", "chat"));
        assertFails(with(valid(), "Sec-WebSocket-Protocol", ""));
        ClientHandshake noProtocols = builder("ws://example.com:8080/").build();
        assertThatThrownBy(() -> noProtocols.validate(with(validFor(noProtocols), "Sec-WebSocket-Protocol", "chat")))
                .isInstanceOf(HandshakeException.class);
    }

    @Test
    void failsOnExtensionsNotOfferedOrMalformed() {
        assertFails(with(valid(), "Sec-WebSocket-Extensions", "x-unknown"));
        assertFails(with(valid(), "Sec-WebSocket-Extensions", "permessage-deflate; reject"));
        assertFails(with(valid(), "Sec-WebSocket-Extensions", "permessage-deflate;;"));
        assertFails(with(valid(), "Sec-WebSocket-Extensions", "x-other, x-other"));
        assertThat(other.created).allSatisfy(e -> assertThat(e.closed).isTrue());
    }

    @Test
    void refusesARequestHead() {
        assertThatThrownBy(() -> full().validate(new HttpHead.Request("GET", "/", "HTTP/1.1", Headers.EMPTY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultCopiesItsExtensions() {
        assertThatThrownBy(() -> full().validate(valid()).extensions().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private void assertFails(HttpHead.Response response) {
        assertThatThrownBy(() -> full().validate(response)).isInstanceOfSatisfying(HandshakeException.class, e -> {
            assertThat(e.status()).isEqualTo(101);
            assertThat(e.headers()).isEqualTo(response.headers());
        });
    }

    private static HttpHead.Response validFor(ClientHandshake handshake) {
        return response(
                101,
                "Upgrade",
                "websocket",
                "Connection",
                "Upgrade",
                "Sec-WebSocket-Accept",
                AcceptKey.of(handshake.key()));
    }

    private static HttpHead.Response valid() {
        return response(
                101, "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", AcceptKey.of(KEY));
    }

    private static HttpHead.Response valid(String name, String value) {
        Headers.Builder b = Headers.builder();
        for (Headers.Field f : valid().headers().fields()) {
            b.add(f.name(), f.name().equals(name) ? value : f.value());
        }
        return valid().withHeaders(b.build());
    }

    private static HttpHead.Response without(String name) {
        Headers.Builder b = Headers.builder();
        for (Headers.Field f : valid().headers().fields()) {
            if (!f.name().equals(name)) {
                b.add(f.name(), f.value());
            }
        }
        return valid().withHeaders(b.build());
    }

    private static HttpHead.Response with(HttpHead.Response r, String name, String value) {
        return r.withHeaders(r.headers().toBuilder().add(name, value).build());
    }

    private static HttpHead.Response response(int status, String... headers) {
        return new HttpHead.Response("HTTP/1.1", status, "", Headers.of(headers));
    }
}
