package io.duplex.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadWriterTest {

    @Test
    void writesAStatusLineAndFieldsInWireFormat() {
        Headers extra = Headers.of("A", "1", "b", "two");
        int size = HeadWriter.measuring()
                .statusLine("HTTP/1.1", 101, "Switching Protocols")
                .field("Sec-WebSocket-Accept", ascii("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
                .fields(extra)
                .size();

        ByteBuffer head = new HeadWriter(size)
                .statusLine("HTTP/1.1", 101, "Switching Protocols")
                .field("Sec-WebSocket-Accept", ascii("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
                .fields(extra)
                .end();

        assertThat(text(head))
                .isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                        + "A: 1\r\nb: two\r\n\r\n");
        assertThat(head.remaining()).isEqualTo(size).isEqualTo(head.capacity());
    }

    @Test
    void writesARequestLineAndLatin1Values() {
        int size = HeadWriter.measuring()
                .requestLine("GET", "/chat?x=1", "HTTP/1.1")
                .field("X", "caf\u00e9")
                .size();

        ByteBuffer head = new HeadWriter(size)
                .requestLine("GET", "/chat?x=1", "HTTP/1.1")
                .field("X", "caf\u00e9")
                .end();

        assertThat(text(head)).isEqualTo("GET /chat?x=1 HTTP/1.1\r\nX: caf\u00e9\r\n\r\n");
    }

    @Test
    void refusesAHeadThatDoesNotFillItsArray() {
        assertThatThrownBy(() -> new HeadWriter(100).field("A", "1").end()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HeadWriter.measuring().end()).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString();
    }
}
