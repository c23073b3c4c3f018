package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadTest {

    @Test
    void encodesARequest() {
        HttpHead.Request head = new HttpHead.Request("GET", "/chat?x=1", "HTTP/1.1", Headers.of("Host", "a"));

        assertThat(ascii(head.encode())).isEqualTo("GET /chat?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(head.withHeaders(Headers.EMPTY))
                .isEqualTo(new HttpHead.Request("GET", "/chat?x=1", "HTTP/1.1", Headers.EMPTY));
    }

    @Test
    void encodesAResponseInLatin1() {
        HttpHead.Response head = new HttpHead.Response("HTTP/1.1", 200, "OK", Headers.of("X", "caf\u00e9"));

        ByteBuffer bytes = head.encode();
        assertThat(ascii(bytes)).isEqualTo("HTTP/1.1 200 OK\r\nX: caf\u00e9\r\n\r\n");
        assertThat(bytes.remaining()).isEqualTo(28);
        assertThat(head.withHeaders(Headers.EMPTY).headers()).isSameAs(Headers.EMPTY);
        assertThat(ascii(new HttpHead.Response("HTTP/1.1", 101, "", Headers.EMPTY).encode()))
                .isEqualTo("HTTP/1.1 101 \r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G T", "GET\r", "G(T"})
    void refusesMethodsThatAreNotTokens(String method) {
        assertThatThrownBy(() -> new HttpHead.Request(method, "/", "HTTP/1.1", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a b", "/\t", "/\u007f", "/caf\u00e9", "/\r\nX: y"})
    void refusesTargetsThatAreNotVisibleAscii(String target) {
        assertThatThrownBy(() -> new HttpHead.Request("GET", target, "HTTP/1.1", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "HTTP/1.11", "HTTP/1", "http/1.1", "HTTP/x.1", "HTTP/-.1", "HTTP/1-1", "HTTP/1.x", "HTTPS/1."
            })
    void refusesMalformedVersions(String version) {
        assertThatThrownBy(() -> new HttpHead.Request("GET", "/", version, Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpHead.Response(version, 200, "OK", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsAnyDigitVersion() {
        assertThat(new HttpHead.Request("GET", "/", "HTTP/2.0", Headers.EMPTY).version())
                .isEqualTo("HTTP/2.0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 1000})
    void refusesStatusesWithoutThreeDigits(int status) {
        assertThatThrownBy(() -> new HttpHead.Response("HTTP/1.1", status, "", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheStatusBounds() {
        assertThat(new HttpHead.Response("HTTP/1.1", 100, "", Headers.EMPTY).status())
                .isEqualTo(100);
        assertThat(new HttpHead.Response("HTTP/1.1", 999, "", Headers.EMPTY).status())
                .isEqualTo(999);
    }

    @Test
    void refusesControlCharactersInTheReasonPhrase() {
        assertThatThrownBy(() -> new HttpHead.Response("HTTP/1.1", 200, "OK\r\nX: y", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requiresHeaders() {
        assertThatThrownBy(() -> new HttpHead.Request("GET", "/", "HTTP/1.1", null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HttpHead.Response("HTTP/1.1", 200, "OK", null))
                .isInstanceOf(NullPointerException.class);
    }

    static String ascii(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString();
    }
}
