package io.duplex.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    private static String header(boolean fin, int rsv, Opcode opcode, long length, boolean masked, int key) {
        ByteBuffer dst = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE);
        FrameEncoder.writeHeader(dst, fin, rsv, opcode, length, masked, key);
        assertThat(dst.position()).isEqualTo(FrameEncoder.headerSize(length, masked));
        return Hex.of(dst.flip());
    }

    @Test
    void rfc6455ExampleHeaders() {
        assertThat(header(true, 0, Opcode.TEXT, 5, false, 0)).isEqualTo("81 05");
        assertThat(header(true, 0, Opcode.TEXT, 5, true, 0x37fa213d)).isEqualTo("81 85 37 fa 21 3d");
        assertThat(header(false, 0, Opcode.TEXT, 3, false, 0)).isEqualTo("01 03");
        assertThat(header(true, 0, Opcode.CONTINUATION, 2, false, 0)).isEqualTo("80 02");
        assertThat(header(true, 0, Opcode.PING, 5, false, 0)).isEqualTo("89 05");
        assertThat(header(true, 0, Opcode.PONG, 5, true, 0x37fa213d)).isEqualTo("8a 85 37 fa 21 3d");
        assertThat(header(true, 0, Opcode.BINARY, 256, false, 0)).isEqualTo("82 7e 01 00");
        assertThat(header(true, 0, Opcode.BINARY, 65536, false, 0)).isEqualTo("82 7f 00 00 00 00 00 01 00 00");
    }

    @Test
    void usesTheMinimalLengthEncodingAtEachBoundary() {
        assertThat(header(true, 0, Opcode.BINARY, 0, false, 0)).isEqualTo("82 00");
        assertThat(header(true, 0, Opcode.BINARY, 125, false, 0)).isEqualTo("82 7d");
        assertThat(header(true, 0, Opcode.BINARY, 126, false, 0)).isEqualTo("82 7e 00 7e");
        assertThat(header(true, 0, Opcode.BINARY, 65535, false, 0)).isEqualTo("82 7e ff ff");
        assertThat(header(true, 0, Opcode.BINARY, 65536, true, 0x01020304))
                .isEqualTo("82 ff 00 00 00 00 00 01 00 00 01 02 03 04");
        assertThat(header(true, 0, Opcode.BINARY, Long.MAX_VALUE, false, 0)).isEqualTo("82 7f 7f ff ff ff ff ff ff ff");
    }

    @Test
    void headerSizes() {
        assertThat(FrameEncoder.headerSize(0, false)).isEqualTo(2);
        assertThat(FrameEncoder.headerSize(125, true)).isEqualTo(6);
        assertThat(FrameEncoder.headerSize(126, false)).isEqualTo(4);
        assertThat(FrameEncoder.headerSize(65535, true)).isEqualTo(8);
        assertThat(FrameEncoder.headerSize(65536, false)).isEqualTo(10);
        assertThat(FrameEncoder.headerSize(65536, true)).isEqualTo(FrameEncoder.MAX_HEADER_SIZE);
    }

    @Test
    void setsRsvBitsOnlyWithinTheRsvField() {
        assertThat(header(true, Rsv.RSV1, Opcode.TEXT, 0, false, 0)).isEqualTo("c1 00");
        assertThat(header(false, Rsv.ALL, Opcode.BINARY, 0, false, 0)).isEqualTo("72 00");
        assertThat(header(true, 0xFF, Opcode.CLOSE, 0, false, 0)).isEqualTo("f8 00");
    }

    @Test
    void rejectsNegativeLength() {
        ByteBuffer dst = ByteBuffer.allocate(14);
        assertThatThrownBy(() -> FrameEncoder.writeHeader(dst, true, 0, Opcode.BINARY, -1, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dst.position()).isZero();
    }

    @Test
    void writesBigEndianWhateverTheDestinationsByteOrder() {
        for (ByteBuffer dst : new ByteBuffer[] {
            ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN),
            ByteBuffer.allocateDirect(20).order(ByteOrder.LITTLE_ENDIAN)
        }) {
            dst.put((byte) 0xEE);
            FrameEncoder.writeHeader(dst, true, 0, Opcode.BINARY, 256, true, 0x37fa213d);
            FrameEncoder.writeHeader(dst, true, 0, Opcode.BINARY, 65536, false, 0);
            assertThat(Hex.of(dst.flip())).isEqualTo("ee 82 fe 01 00 37 fa 21 3d 82 7f 00 00 00 00 00 01 00 00");
        }
    }
}
