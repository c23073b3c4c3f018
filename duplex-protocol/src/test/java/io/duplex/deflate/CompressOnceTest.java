package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.bytes;
import static io.duplex.deflate.DeflateTesting.decode;
import static io.duplex.deflate.DeflateTesting.hex;
import static io.duplex.deflate.DeflateTesting.json;
import static io.duplex.deflate.DeflateTesting.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.deflate.DeflateTesting.Pair;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** A payload compressed once serves every connection that sends without context takeover. */
class CompressOnceTest {

    @Test
    void itIsWhatEachSuchConnectionWouldHaveSentAndEveryPeerDecodesIt() {
        byte[] message = json(20_000, 1);
        DeflatedPayload once = PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), -1);

        try (Pair a = Pair.negotiate(DeflateConfig.DEFAULT);
                Pair b = Pair.negotiate(DeflateConfig.DEFAULT)) {
            assertThat(a.server().sharesCompressedPayloads()).isTrue();
            // Whatever the connection sent before does not matter.
            a.server().encode(true, ByteBuffer.wrap(json(5000, 2)));
            assertThat(a.server().encode(true, ByteBuffer.wrap(message)).payload())
                    .isEqualTo(once.payload());
            assertThat(decode(a.client(), once.payload())).isEqualTo(message);
            assertThat(decode(b.client(), once.payload())).isEqualTo(message);
            assertThat(decode(b.client(), once.payload())).isEqualTo(message);
        }
    }

    @Test
    void theViewsAreIndependentAndReadOnly() {
        DeflatedPayload once = PerMessageDeflate.compressOnce(ByteBuffer.wrap(json(3000, 3)), 6);
        ByteBuffer first = once.payload();
        first.get();

        assertThat(once.payload().remaining()).isEqualTo(once.compressedLength());
        assertThat(first.isReadOnly()).isTrue();
        assertThatThrownBy(() -> first.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(once.uncompressedLength()).isEqualTo(3000);
        assertThat(once.saves()).isTrue();
        assertThat(once).hasToString("DeflatedPayload[3000 -> " + once.compressedLength() + " bytes]");
    }

    @Test
    void incompressibleDataDoesNotSave() {
        DeflatedPayload once = PerMessageDeflate.compressOnce(ByteBuffer.wrap(random(3000, 4)), 6);

        assertThat(once.saves()).isFalse();
    }

    @Test
    void anEmptyPayloadIsOneEmptyBlock() {
        // RFC 7692 §7.2.3.6.
        DeflatedPayload once = PerMessageDeflate.compressOnce(ByteBuffer.allocate(0), 6);

        assertThat(hex(once.payload())).isEqualTo("00");
        assertThat(bytes(once.payload())).hasSize(1);
    }

    @Test
    void theInputIsNotConsumed() {
        ByteBuffer input = ByteBuffer.wrap(json(2000, 5));

        PerMessageDeflate.compressOnce(input, 6);

        assertThat(input.position()).isZero();
    }

    @Test
    void rejectsABadLevel() {
        assertThatThrownBy(() -> PerMessageDeflate.compressOnce(ByteBuffer.allocate(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PerMessageDeflate.compressOnce(ByteBuffer.allocate(1), -2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
