package io.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.PreparedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes on the Redis channel: no Redis needed. */
class EnvelopeTest {
    static final byte[] NODE = "node-a".getBytes(StandardCharsets.UTF_8);

    @Test
    void textIsCarriedAsItsUtf8BytesWithTheSenderItsNumberAndTheTextFlag() {
        byte[] e = Envelope.encode(NODE, 0x0102L, PreparedMessage.text("h\u00e9"));
        assertThat(e).containsExactly(0x21, 6, 'n', 'o', 'd', 'e', '-', 'a', 0, 0, 0, 0, 0, 0, 1, 2, 'h', 0xc3, 0xa9);
        assertThat(Envelope.wellFormed(e)).isTrue();
        assertThat(Envelope.sender(e)).isEqualTo("node-a");
        assertThat(Envelope.sequence(e)).isEqualTo(0x0102L);
        assertThat(Envelope.sentBy(e, NODE)).isTrue();
        assertThat(Envelope.sentBy(e, "node-b".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(Envelope.sentBy(e, "node".getBytes(StandardCharsets.UTF_8))).isFalse();
        PreparedMessage m = Envelope.message(e);
        assertThat(m.isText()).isTrue();
        assertThat(StandardCharsets.UTF_8.decode(m.payload()).toString()).isEqualTo("h\u00e9");
    }

    @Test
    void binaryIsCarriedByteForByteEmptyIncluded() {
        byte[] payload = {0, (byte) 0xff, (byte) 0xc3, 0x28};
        byte[] e = Envelope.encode(NODE, Long.MAX_VALUE, PreparedMessage.binary(ByteBuffer.wrap(payload)));
        assertThat(e[0]).isEqualTo((byte) 0x20);
        assertThat(Envelope.sequence(e)).isEqualTo(Long.MAX_VALUE);
        PreparedMessage m = Envelope.message(e);
        assertThat(m.isText()).isFalse();
        byte[] back = new byte[m.size()];
        m.payload().get(back);
        assertThat(back).isEqualTo(payload);

        PreparedMessage empty =
                Envelope.message(Envelope.encode(NODE, 1, PreparedMessage.binary(ByteBuffer.allocate(0))));
        assertThat(empty.size()).isZero();
    }

    @Test
    void foreignOrTruncatedBytesAreNotEnvelopes() {
        assertThat(Envelope.wellFormed(new byte[0])).isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x21})).isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x11, 1, 'x'}))
                .as("version 1 (no publish number): a node of an older release")
                .isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x31, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 1}))
                .as("unknown version")
                .isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x21, 0, 0, 0, 0, 0, 0, 0, 0, 1}))
                .as("no node id")
                .isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x21, 5, 'x', 0, 0, 0, 0, 0, 0, 0, 1}))
                .as("id longer than the bytes")
                .isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x21, 1, 'x', 0, 0, 0, 1}))
                .as("number cut short")
                .isFalse();
        assertThat(Envelope.wellFormed("hello".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(Envelope.wellFormed(new byte[] {0x21, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 1}))
                .isTrue();
    }

    @Test
    void invalidUtf8InATextEnvelopeBecomesReplacementCharacters() {
        PreparedMessage m = Envelope.message(new byte[] {0x21, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xc3, 0x28});
        assertThat(StandardCharsets.UTF_8.decode(m.payload()).toString()).isEqualTo("\ufffd(");
    }

    @Test
    void nodeIdsMustFitTheOneByteLength() {
        assertThatThrownBy(() -> RedisBroker.builder().nodeId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisBroker.builder().nodeId("x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
        RedisBroker.builder().nodeId("\u00e9".repeat(127)); // 254 bytes
    }
}
