package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.frame.WebSocketException;
import org.junit.jupiter.api.Test;

class ProtocolConfigTest {

    @Test
    void defaultsAreTheDesignsSafeDefaults() {
        ProtocolConfig c = ProtocolConfig.DEFAULT;
        assertThat(c.maxFrameSize()).isEqualTo(1 << 20);
        assertThat(c.maxMessageSize()).isEqualTo(1 << 20);
        assertThat(c.maxFragments()).isEqualTo(1024);
        assertThat(c.minFragmentSize()).isEqualTo(32);
        assertThat(c.autoPong()).isTrue();
        assertThat(c.assembleMessages()).isTrue();
    }

    @Test
    void toBuilderRoundTrips() {
        ProtocolConfig c = ProtocolConfig.builder()
                .maxFrameSize(125)
                .maxMessageSize(1)
                .maxFragments(1)
                .minFragmentSize(0)
                .autoPong(false)
                .assembleMessages(false)
                .build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().maxFragments(2).build().maxFragments()).isEqualTo(2);
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThatThrownBy(() -> ProtocolConfig.builder().maxFrameSize(124).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProtocolConfig.builder().maxMessageSize(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProtocolConfig.builder().maxFragments(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProtocolConfig.builder().minFragmentSize(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProtocolConfig.builder()
                        .maxMessageSize(Integer.MAX_VALUE - 7)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ProtocolConfig.builder()
                        .maxMessageSize(Integer.MAX_VALUE - 8)
                        .build()
                        .maxMessageSize())
                .isEqualTo(Integer.MAX_VALUE - 8);
    }

    @Test
    void closeCodesValidOnTheWire() {
        for (int code = -1; code <= 70_000; code++) {
            boolean expected =
                    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
            assertThat(CloseCodes.isValidOnWire(code)).as("%d", code).isEqualTo(expected);
        }
        for (int never : new int[] {CloseCodes.NO_STATUS, CloseCodes.ABNORMAL, CloseCodes.TLS_HANDSHAKE, 1004}) {
            assertThat(CloseCodes.isValidOnWire(never)).isFalse();
        }
        for (int sendable : new int[] {
            CloseCodes.NORMAL,
            CloseCodes.GOING_AWAY,
            CloseCodes.PROTOCOL_ERROR,
            CloseCodes.UNSUPPORTED_DATA,
            CloseCodes.INVALID_PAYLOAD,
            CloseCodes.POLICY_VIOLATION,
            CloseCodes.MESSAGE_TOO_BIG,
            CloseCodes.MANDATORY_EXTENSION,
            CloseCodes.INTERNAL_ERROR,
            CloseCodes.SERVICE_RESTART,
            CloseCodes.TRY_AGAIN_LATER,
            CloseCodes.BAD_GATEWAY
        }) {
            assertThat(CloseCodes.isValidOnWire(sendable)).as("%d", sendable).isTrue();
        }
        assertThat(CloseCodes.MAX_REASON_BYTES).isEqualTo(123);
    }

    @Test
    void webSocketExceptionKeepsItsCause() {
        IllegalStateException cause = new IllegalStateException();
        assertThat(new WebSocketException("x", cause).getCause()).isSameAs(cause);
    }
}
