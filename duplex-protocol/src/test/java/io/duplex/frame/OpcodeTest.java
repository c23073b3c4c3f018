package io.duplex.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpcodeTest {

    @Test
    void mapsEveryWireValue() {
        assertThat(Opcode.of(0x0)).isEqualTo(Opcode.CONTINUATION);
        assertThat(Opcode.of(0x1)).isEqualTo(Opcode.TEXT);
        assertThat(Opcode.of(0x2)).isEqualTo(Opcode.BINARY);
        assertThat(Opcode.of(0x8)).isEqualTo(Opcode.CLOSE);
        assertThat(Opcode.of(0x9)).isEqualTo(Opcode.PING);
        assertThat(Opcode.of(0xA)).isEqualTo(Opcode.PONG);
        for (int reserved : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            assertThat(Opcode.of(reserved)).as("%x", reserved).isNull();
        }
        // Only the low four bits count (the first header byte can be passed as is).
        assertThat(Opcode.of(0x81)).isEqualTo(Opcode.TEXT);
        for (Opcode op : Opcode.values()) {
            assertThat(Opcode.of(op.code())).isEqualTo(op);
        }
    }

    @Test
    void controlOpcodesHaveTheHighBitSet() {
        assertThat(Opcode.CLOSE.isControl()).isTrue();
        assertThat(Opcode.PING.isControl()).isTrue();
        assertThat(Opcode.PONG.isControl()).isTrue();
        assertThat(Opcode.CONTINUATION.isControl()).isFalse();
        assertThat(Opcode.TEXT.isControl()).isFalse();
        assertThat(Opcode.BINARY.isControl()).isFalse();
    }

    @Test
    void everyViolationMapsToAFailureCloseCodeAndASendableReason() {
        for (Violation v : Violation.values()) {
            assertThat(v.closeCode()).as(v.name()).isIn(1002, 1007, 1008, 1009, 1010);
            byte[] reason = v.reason().getBytes(StandardCharsets.UTF_8);
            assertThat(reason.length).as(v.name()).isBetween(1, 123);
            assertThat(new String(reason, StandardCharsets.US_ASCII)).isEqualTo(v.reason());
        }
        assertThat(Violation.INVALID_UTF8.closeCode()).isEqualTo(1007);
        assertThat(Violation.MESSAGE_TOO_BIG.closeCode()).isEqualTo(1009);
        assertThat(Violation.MISSING_EXTENSION.closeCode()).isEqualTo(1010);
    }

    @Test
    void exceptionCarriesItsViolation() {
        assertThat(new ProtocolViolationException(Violation.INVALID_COMPRESSED_DATA).violation())
                .isEqualTo(Violation.INVALID_COMPRESSED_DATA);
        ProtocolViolationException withDetail =
                new ProtocolViolationException(Violation.MESSAGE_TOO_BIG, "inflated past the limit");
        assertThat(withDetail.violation()).isEqualTo(Violation.MESSAGE_TOO_BIG);
        assertThat(withDetail).isInstanceOf(WebSocketException.class);
    }
}
