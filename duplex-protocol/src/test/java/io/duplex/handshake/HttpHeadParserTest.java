package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.handshake.HttpHeadParser.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadParserTest {

    private static final String FIREFOX_REQUEST = "GET /chat?room=1 HTTP/1.1\r\n"
            + "Host: example.com:8080\r\n"
            + "User-Agent: Mozilla/5.0\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Origin: http://example.com:8080\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Connection: keep-alive, Upgrade\r\n"
            + "Upgrade: websocket\r\n"
            + "X-Empty:\r\n"
            + "X-Ows: \t spaced \t \r\n"
            + "\r\n";

    private static final HttpHead.Request FIREFOX_HEAD = new HttpHead.Request(
            "GET",
            "/chat?room=1",
            "HTTP/1.1",
            Headers.builder()
                    .add("Host", "example.com:8080")
                    .add("User-Agent", "Mozilla/5.0")
                    .add("Sec-WebSocket-Version", "13")
                    .add("Origin", "http://example.com:8080")
                    .add("Sec-WebSocket-Extensions", "permessage-deflate")
                    .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                    .add("Connection", "keep-alive, Upgrade")
                    .add("Upgrade", "websocket")
                    .add("X-Empty", "")
                    .add("X-Ows", "spaced")
                    .build());

    private static final String RESPONSE = "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "\r\n";

    private static HttpHeadParser requestParser() {
        return new HttpHeadParser(HttpHeadLimits.DEFAULT, Kind.REQUEST);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void parsesARequestInOneRead() {
        ByteBuffer in = bytes(FIREFOX_REQUEST);

        assertThat(requestParser().parse(in)).isEqualTo(FIREFOX_HEAD);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void parsesAResponse() {
        HttpHead head = new HttpHeadParser(HttpHeadLimits.DEFAULT, Kind.RESPONSE).parse(bytes(RESPONSE));

        assertThat(head)
                .isEqualTo(new HttpHead.Response(
                        "HTTP/1.1",
                        101,
                        "Switching Protocols",
                        Headers.of(
                                "Upgrade",
                                "websocket",
                                "Connection",
                                "Upgrade",
                                "Sec-WebSocket-Accept",
                                "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")));
    }

    @Test
    void toleratesAStatusLineWithoutReasonPhrase() {
        assertThat(parseResponse("HTTP/1.1 101\r\n\r\n").reasonPhrase()).isEmpty();
        assertThat(parseResponse("HTTP/1.1 101 \r\n\r\n").reasonPhrase()).isEmpty();
        assertThat(parseResponse("HTTP/1.1 503 Service  Unavailable \r\n\r\n").reasonPhrase())
                .isEqualTo("Service  Unavailable ");
    }

    @Test
    void readsHeaderValuesAsLatin1() {
        ByteBuffer in = ByteBuffer.wrap(new byte[] {
            'G',
            'E',
            'T',
            ' ',
            '/',
            ' ',
            'H',
            'T',
            'T',
            'P',
            '/',
            '1',
            '.',
            '1',
            '\r',
            '\n',
            'X',
            ':',
            (byte) 0xE9,
            '\r',
            '\n',
            '\r',
            '\n'
        });

        assertThat(requestParser().parse(in).headers().first("x")).isEqualTo("\u00e9");
    }

    @Test
    void leavesBytesAfterTheHeadInTheBuffer() {
        ByteBuffer in = bytes(RESPONSE + "\u0081\u0002hi" + "HTTP/1.1 200 OK\r\n\r\n");

        HttpHead head = new HttpHeadParser(HttpHeadLimits.DEFAULT, Kind.RESPONSE).parse(in);

        assertThat(head).isNotNull();
        assertThat(in.position()).isEqualTo(RESPONSE.length());
        assertThat(HttpHeadTest.ascii(in)).isEqualTo("\u0081\u0002hiHTTP/1.1 200 OK\r\n\r\n");
    }

    @Test
    void returnsNullAndConsumesEverythingUntilTheHeadIsComplete() {
        HttpHeadParser parser = requestParser();
        ByteBuffer first = bytes(FIREFOX_REQUEST.substring(0, 40));

        assertThat(parser.parse(first)).isNull();
        assertThat(first.hasRemaining()).isFalse();
        assertThat(parser.parse(ByteBuffer.allocate(0))).isNull();
        assertThat(parser.parse(bytes(FIREFOX_REQUEST.substring(40)))).isEqualTo(FIREFOX_HEAD);
    }

    @Test
    void givesTheSameResultForEverySplitPoint() {
        String input = FIREFOX_REQUEST + "tail";
        for (int split = 0; split <= input.length(); split++) {
            HttpHeadParser parser = requestParser();
            ByteBuffer a = bytes(input.substring(0, split));
            ByteBuffer b = bytes(input.substring(split));
            HttpHead head = parser.parse(a);
            if (head == null) {
                head = parser.parse(b);
                assertThat(HttpHeadTest.ascii(b)).as("split %d", split).isEqualTo("tail");
            } else {
                assertThat(HttpHeadTest.ascii(a) + HttpHeadTest.ascii(b))
                        .as("split %d", split)
                        .isEqualTo("tail");
            }
            assertThat(head).as("split %d", split).isEqualTo(FIREFOX_HEAD);
        }
    }

    @Test
    void givesTheSameResultOneByteAtATime() {
        HttpHeadParser parser = requestParser();
        byte[] input = (FIREFOX_REQUEST + "X").getBytes(StandardCharsets.ISO_8859_1);
        HttpHead head = null;
        int i = 0;
        while (head == null) {
            ByteBuffer one = ByteBuffer.wrap(input, i++, 1);
            head = parser.parse(one);
            assertThat(one.hasRemaining()).isFalse();
        }
        assertThat(head).isEqualTo(FIREFOX_HEAD);
        assertThat(i).isEqualTo(input.length - 1);
    }

    @Test
    void refusesToParseAgainAfterAHead() {
        HttpHeadParser parser = requestParser();
        parser.parse(bytes(FIREFOX_REQUEST));

        assertThatThrownBy(() -> parser.parse(bytes(FIREFOX_REQUEST))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToParseAgainAfterAnError() {
        HttpHeadParser parser = requestParser();
        assertThatThrownBy(() -> parser.parse(bytes("GET / HTTP/1.1\n"))).isInstanceOf(HandshakeException.class);

        assertThatThrownBy(() -> parser.parse(bytes("\r\n"))).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET / HTTP/1.1\n\n",
                "GET / HTTP/1.1\r\nHost: a\n\r\n",
                "GET / HTTP/1.1\rX",
                "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
                "\r\nGET / HTTP/1.1\r\n\r\n",
                "GET\r\n\r\n",
                "GET /\r\n\r\n",
                "GET  / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1 \r\n\r\n",
                "GET / HTTP/1.1 extra\r\n\r\n",
                "G(T / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1\r\n\r\n",
                "GET / http/1.1\r\n\r\n",
                "GET /caf\u00e9 HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
                "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
                "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n",
                "GET / HTTP/1.1\r\n: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHo\u0000st: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\u007fb\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\u0001\r\n\r\n"
            })
    void rejectsMalformedRequestsWith400(String input) {
        assertStatus(Kind.REQUEST, input, 400);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1\r\n\r\n",
                "HTTP/1.1 10\r\n\r\n",
                "HTTP/1.1 1011 OK\r\n\r\n",
                "HTTP/1.1 1x1 OK\r\n\r\n",
                "HTTP/1.1 10x OK\r\n\r\n",
                "HTTP/1.1  101 OK\r\n\r\n",
                "HTTP/11 101 OK\r\n\r\n",
                "ICY 200 OK\r\n\r\n",
                "HTTP/1.1 099 OK\r\n\r\n",
                "HTTP/1.1 101 OK\u0001\r\n\r\n",
                "HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n"
            })
    void rejectsMalformedResponses(String input) {
        assertStatus(Kind.RESPONSE, input, 400);
    }

    @Test
    void acceptsARequestLineOfExactlyMaxLineLength() {
        HttpHeadLimits limits = new HttpHeadLimits(200, 100, 8192);
        String line = requestLine(200);

        assertThat(parse(limits, Kind.REQUEST, line + "\r\n\r\n")).isNotNull();
        assertThatThrownBy(() -> parse(limits, Kind.REQUEST, requestLine(201) + "\r\n\r\n"))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(414));
    }

    @Test
    void acceptsAHeaderLineOfExactlyMaxLineLength() {
        HttpHeadLimits limits = new HttpHeadLimits(300, 100, 8192);
        String ok = "GET / HTTP/1.1\r\n" + headerLine(300) + "\r\n\r\n";
        String tooLong = "GET / HTTP/1.1\r\n" + headerLine(301) + "\r\n\r\n";

        assertThat(parse(limits, Kind.REQUEST, ok).headers().size()).isEqualTo(1);
        assertStatus(limits, Kind.REQUEST, tooLong, 431);
    }

    @Test
    void aStatusLineTooLongIs431() {
        HttpHeadLimits limits = new HttpHeadLimits(22, 100, 8192);

        assertThat(parse(limits, Kind.RESPONSE, "HTTP/1.1 101 Switching\r\n\r\n"))
                .isNotNull();
        assertStatus(limits, Kind.RESPONSE, "HTTP/1.1 101 Switching!\r\n\r\n", 431);
    }

    @Test
    void acceptsExactlyMaxHeadersAndRejectsOneMore() {
        HttpHeadLimits limits = new HttpHeadLimits(8192, 3, 8192);
        String three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        String four = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";

        assertThat(parse(limits, Kind.REQUEST, three).headers().size()).isEqualTo(3);
        assertStatus(limits, Kind.REQUEST, four, 431);
        assertThat(parse(new HttpHeadLimits(8192, 0, 8192), Kind.REQUEST, "GET / HTTP/1.1\r\n\r\n"))
                .isNotNull();
    }

    @Test
    void acceptsAHeadOfExactlyMaxHeadSizeAndRejectsOneMore() {
        String head = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
        HttpHeadLimits exact = new HttpHeadLimits(8192, 100, head.length());
        HttpHeadLimits oneLess = new HttpHeadLimits(8192, 100, head.length() - 1);

        assertThat(parse(exact, Kind.REQUEST, head + "after")).isNotNull();
        assertStatus(oneLess, Kind.REQUEST, head, 431);
    }

    @Test
    void rejectsAnEndlessHeadAsSoonAsItIsTooBig() {
        HttpHeadParser parser = new HttpHeadParser(new HttpHeadLimits(8192, 100, 100), Kind.REQUEST);
        ByteBuffer in = bytes("GET / HTTP/1.1\r\n" + "A: 1\r\n".repeat(100));

        assertThatThrownBy(() -> parser.parse(in))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(431));
        assertThat(in.position()).isEqualTo(101);
    }

    @Test
    void parsesAHugeHeadInLinearTime() {
        int count = 20_000;
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < count; i++) {
            sb.append("X-Header-")
                    .append(i)
                    .append(": ")
                    .append("v".repeat(200))
                    .append("\r\n");
        }
        String head = sb.append("\r\n").toString();
        HttpHeadLimits big = new HttpHeadLimits(8192, count, head.length());

        assertThat(parse(big, Kind.REQUEST, head).headers().size()).isEqualTo(count);
    }

    @Test
    void defaultsMatchTheDesign() {
        assertThat(HttpHeadLimits.DEFAULT).isEqualTo(new HttpHeadLimits(8192, 100, 8192));
        assertThatThrownBy(() -> new HttpHeadLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpHeadLimits(1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpHeadLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String requestLine(int length) {
        return "GET /" + "a".repeat(length - "GET / HTTP/1.1".length()) + " HTTP/1.1";
    }

    private static String headerLine(int length) {
        return "X: " + "v".repeat(length - 3);
    }

    private static HttpHead.Response parseResponse(String input) {
        return (HttpHead.Response) parse(HttpHeadLimits.DEFAULT, Kind.RESPONSE, input);
    }

    private static HttpHead parse(HttpHeadLimits limits, Kind kind, String input) {
        return new HttpHeadParser(limits, kind).parse(bytes(input));
    }

    private static void assertStatus(Kind kind, String input, int status) {
        assertStatus(HttpHeadLimits.DEFAULT, kind, input, status);
    }

    private static void assertStatus(HttpHeadLimits limits, Kind kind, String input, int status) {
        assertThatThrownBy(() -> parse(limits, kind, input))
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
