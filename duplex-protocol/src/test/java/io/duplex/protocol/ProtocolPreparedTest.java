package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.extension.SharedEncoding;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Messages framed once for many connections: {@link Protocol#sendPrepared}, where the negotiated
 * extension — not the caller — decides whether a shared encoding fits the connection, and {@link
 * Protocol#sendPreFramed}, where the caller vouches for the frame.
 */
class ProtocolPreparedTest {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private Protocol protocol(Role role, List<Extension> extensions) {
        return Protocol.builder(role)
                .events(e -> {})
                .extensions(extensions)
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

    private String hexWritten() {
        String hex = HexFormat.of().formatHex(written.toByteArray());
        written.reset();
        return hex;
    }

    private static FramedMessage hello() {
        return FramedMessage.text(ByteBuffer.wrap("Hello".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withoutExtensionsTheServerWritesThePlainFrame() {
        protocol(Role.SERVER, List.of()).sendPrepared(hello());
        assertThat(hexWritten()).isEqualTo("810548656c6c6f"); // RFC 6455 §5.7
    }

    @Test
    void aClientMasksThePreparedMessageWithAFreshKey() {
        protocol(Role.CLIENT, List.of()).sendPrepared(hello());
        assertThat(hexWritten()).isEqualTo("818537fa213d7f9f4d5158"); // RFC 6455 §5.7, masked
    }

    @Test
    void aSharedEncodingIsComputedOnceForEveryConnectionThatAsksForAnEqualOne() {
        AtomicInteger encodings = new AtomicInteger();
        FramedMessage message = hello();
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Protocol server = protocol(Role.SERVER, List.of(new Reversing(new CountingEncoding(encodings))));
            server.sendPrepared(message);
            frames.add(hexWritten());
        }
        assertThat(encodings).hasValue(1);
        // RSV1 set, payload reversed ("olleH"), the same bytes for all three connections.
        assertThat(frames).containsOnly("c1056f6c6c6548");
    }

    @Test
    void anExtensionWithoutASharedEncodingEncodesForItsOwnConnection() {
        Reversing stateful = new Reversing(null);
        protocol(Role.SERVER, List.of(stateful)).sendPrepared(hello());
        assertThat(stateful.ownEncodings).isEqualTo(1);
        assertThat(hexWritten()).isEqualTo("c1056f6c6c6548");
    }

    @Test
    void permessageDeflateSharesItsEncodingOnlyWithoutContextTakeover() {
        PerMessageDeflate factory = new PerMessageDeflate();
        ExtensionParameters offer = ExtensionParameters.of(PerMessageDeflate.NAME);
        Extension a = factory.serverAccept(List.of(offer)).orElseThrow();
        Extension b = factory.serverAccept(List.of(offer)).orElseThrow();
        assertThat(a.sharedEncoding()).isNotNull().isEqualTo(b.sharedEncoding());

        PerMessageDeflate takeover = new PerMessageDeflate(
                DeflateConfig.builder().serverContextTakeover(true).build());
        Extension c = takeover.serverAccept(List.of(offer)).orElseThrow();
        assertThat(c.sharedEncoding()).isNull();
        a.close();
        b.close();
        c.close();
    }

    @Test
    void notInsideAFragmentedMessageNorAfterClose() {
        Protocol server = protocol(Role.SERVER, List.of());
        server.sendFragment(false, ByteBuffer.allocate(1), false);
        assertThatThrownBy(() -> server.sendPrepared(hello())).isInstanceOf(IllegalStateException.class);
        server.sendFragment(false, ByteBuffer.allocate(1), true);
        server.sendClose(1000, "");
        assertThatThrownBy(() -> server.sendPrepared(hello())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void preparedTextMustBeValidUtf8() {
        assertThatThrownBy(() -> FramedMessage.text(ByteBuffer.wrap(new byte[] {(byte) 0xc3})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ sendPreFramed

    @Test
    void serverWritesTheFrameAsIs() {
        Protocol server = protocol(Role.SERVER, List.of());
        server.sendPreFramed(ByteBuffer.wrap(HexFormat.of().parseHex("810548656c6c6f")));
        assertThat(hexWritten()).isEqualTo("810548656c6c6f");
        assertThat(server.isSendingFragments()).isFalse();
    }

    @Test
    void clientsMayNotSendUnmaskedPreFramedMessages() {
        Protocol client = protocol(Role.CLIENT, List.of());
        assertThatThrownBy(() -> client.sendPreFramed(ByteBuffer.allocate(2)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void preFramedNotInsideAFragmentedMessageNorAfterClose() {
        Protocol server = protocol(Role.SERVER, List.of());
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
        Protocol server = protocol(Role.SERVER, List.of());
        server.sendFragment(true, ByteBuffer.wrap("ab".getBytes()), false);
        assertThatThrownBy(() -> server.sendFragment(true, ByteBuffer.wrap(new byte[] {0x21, (byte) 0xff}), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(hexWritten()).isEqualTo("01026162"); // the first fragment only: the refused one wrote nothing
        server.sendFragment(true, ByteBuffer.wrap("d".getBytes()), true);
        assertThat(hexWritten()).isEqualTo("800164");
        assertThat(server.isSendingFragments()).isFalse();
    }

    /** Reverses payloads under RSV1: shared when given an encoding, per connection otherwise. */
    private static final class Reversing implements Extension {
        final SharedEncoding shared;
        int ownEncodings;

        Reversing(SharedEncoding shared) {
            this.shared = shared;
        }

        @Override
        public ExtensionParameters negotiated() {
            return ExtensionParameters.of("x-reverse");
        }

        @Override
        public int rsv() {
            return 0x40; // RSV1
        }

        @Override
        public Encoded encode(boolean text, ByteBuffer payload) {
            ownEncodings++;
            return new Encoded(reverse(payload), 0x40);
        }

        @Override
        public SharedEncoding sharedEncoding() {
            return shared;
        }

        @Override
        public void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, DecodedSink out) {
            out.accept(reverse(payload));
        }

        @Override
        public void close() {}
    }

    /** Equal to every other instance, as a stateless encoding would be; counts its encodings. */
    private record CountingEncoding(AtomicInteger count) implements SharedEncoding {
        @Override
        public Extension.Encoded encode(boolean text, ByteBuffer payload) {
            count.incrementAndGet();
            return new Extension.Encoded(reverse(payload), 0x40);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CountingEncoding;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    private static ByteBuffer reverse(ByteBuffer payload) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        for (int i = 0; i < b.length / 2; i++) {
            byte t = b[i];
            b[i] = b[b.length - 1 - i];
            b[b.length - 1 - i] = t;
        }
        return ByteBuffer.wrap(b);
    }
}
