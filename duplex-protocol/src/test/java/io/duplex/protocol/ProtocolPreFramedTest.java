package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link Protocol#sendPreFramed}: a frame encoded once for many connections. */
class ProtocolPreFramedTest {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private Protocol protocol(Role role) {
        return Protocol.builder(role)
                .events(e -> {})
                .output((h, p) -> {
                    byte[] a = new byte[h.remaining()];
                    h.get(a);
                    written.writeBytes(a);
                    byte[] b = new byte[p.remaining()];
                    p.get(b);
                    written.writeBytes(b);
                })
                .maskKeys(() -> 0x37fa213d)
                .build();
    }

    @Test
    void serverWritesTheFrameAsIs() {
        Protocol server = protocol(Role.SERVER);
        server.sendPreFramed(ByteBuffer.wrap(HexFormat.of().parseHex("810548656c6c6f")));
        assertThat(HexFormat.of().formatHex(written.toByteArray())).isEqualTo("810548656c6c6f");
        assertThat(server.isSendingFragments()).isFalse();
    }

    @Test
    void clientsMayNotSendUnmaskedPreFramedMessages() {
        Protocol client = protocol(Role.CLIENT);
        assertThatThrownBy(() -> client.sendPreFramed(ByteBuffer.allocate(2)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void notInsideAFragmentedMessageNorAfterClose() {
        Protocol server = protocol(Role.SERVER);
        server.sendFragment(true, ByteBuffer.wrap("a".getBytes()), false);
        assertThat(server.isSendingFragments()).isTrue();
        assertThatThrownBy(() -> server.sendPreFramed(ByteBuffer.allocate(2)))
                .isInstanceOf(IllegalStateException.class);
        server.sendFragment(true, ByteBuffer.wrap("b".getBytes()), true);
        server.sendClose(1000, "");
        assertThatThrownBy(() -> server.sendPreFramed(ByteBuffer.allocate(2)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRefusedTextFragmentLeavesTheMessageUsable() {
        Protocol server = protocol(Role.SERVER);
        server.sendFragment(true, ByteBuffer.wrap("ab".getBytes()), false);
        assertThatThrownBy(() -> server.sendFragment(true, ByteBuffer.wrap(new byte[] {0x21, (byte) 0xff}), false))
                .isInstanceOf(IllegalArgumentException.class);
        written.reset();
        server.sendFragment(true, ByteBuffer.wrap("d".getBytes()), true);
        assertThat(HexFormat.of().formatHex(written.toByteArray())).isEqualTo("800164");
        assertThat(server.isSendingFragments()).isFalse();
    }
}
