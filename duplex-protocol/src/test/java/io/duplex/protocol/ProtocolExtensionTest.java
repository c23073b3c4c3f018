package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Rsv;
import io.duplex.frame.Violation;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The extension plumbing of the engine, with small test extensions standing in for deflate. */
class ProtocolExtensionTest {

    /**
     * Transforms every byte ({@code b ^ mask}) and repeats it {@code factor} times on decode; leaves
     * messages shorter than {@code threshold} untransformed on encode. Ignores {@code maxBytes}, so
     * the engine's own limit is what is tested.
     */
    static class Xor implements Extension {
        final int rsv;
        final int mask;
        final int factor;
        final int threshold;
        final List<String> decodeCalls = new ArrayList<>();
        int closes;

        Xor(int rsv, int mask, int factor, int threshold) {
            this.rsv = rsv;
            this.mask = mask;
            this.factor = factor;
            this.threshold = threshold;
        }

        static Xor rsv1() {
            return new Xor(Rsv.RSV1, 0xFF, 1, 0);
        }

        @Override
        public ExtensionParameters negotiated() {
            return ExtensionParameters.of("x-xor");
        }

        @Override
        public int rsv() {
            return rsv;
        }

        @Override
        public Encoded encode(boolean text, ByteBuffer payload) {
            if (payload.remaining() < threshold) {
                return new Encoded(payload, 0);
            }
            return new Encoded(transform(payload, 1), rsv);
        }

        @Override
        public void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, DecodedSink out) {
            decodeCalls.add(payload.remaining() + (endOfMessage ? " end" : "") + " max " + maxBytes);
            ByteBuffer decoded = transform(payload, factor);
            payload.position(payload.limit());
            if (decoded.hasRemaining()) {
                out.accept(decoded);
            }
        }

        private ByteBuffer transform(ByteBuffer in, int times) {
            ByteBuffer out = ByteBuffer.allocate(in.remaining() * times);
            for (int i = in.position(); i < in.limit(); i++) {
                for (int t = 0; t < times; t++) {
                    out.put((byte) (in.get(i) ^ mask));
                }
            }
            return out.flip();
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private final ProtocolRecorder rec = new ProtocolRecorder();
    private final Xor xor = Xor.rsv1();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    private Protocol with(Role role, ProtocolConfig config, Extension... extensions) {
        return rec.builder(role).config(config).extensions(List.of(extensions)).build();
    }

    private Protocol with(Role role, Extension... extensions) {
        return with(role, ProtocolConfig.DEFAULT, extensions);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void rsv1IsLegalOnTheFirstFrameOnceAnExtensionClaimsIt(Role role) {
        Protocol p = with(role, xor);
        assertThat(p.extensions()).containsExactly(xor);
        p.receive(Hex.wire(role, "c1 02 97 96")); // "hi" ^ ff
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("hi");
        assertThat(xor.decodeCalls).containsExactly("2 max 1048576", "0 end max 1048574");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void fragmentedTransformedMessageIsDecodedAcrossFrames(Role role) {
        Protocol p = with(role, xor);
        p.receive(Hex.wire(role, "42 02 fe fd", "89 00", "00 00", "80 01 fc"));
        assertThat(rec.takeEvents()).containsExactly("ping[0]:", "binary[3]:01 02 03");
        rec.takeOutput(); // the pong
        assertThat(xor.decodeCalls).containsExactly("2 max 1048576", "1 max 1048574", "0 end max 1048573");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void untransformedMessagesPassThrough(Role role) {
        Protocol p = with(role, xor);
        p.receive(Hex.wire(role, "81 02 68 69"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("hi");
        assertThat(xor.decodeCalls).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void rsv1OnAContinuationFails(Role role) {
        with(role, xor).receive(Hex.wire(role, "41 01 fe", "c0 01 fe"));
        rec.assertFailed(role, Violation.COMPRESSED_CONTROL_OR_CONTINUATION);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void rsv1OnControlFramesFails(Role role) {
        for (String b0 : List.of("c9", "ca", "c8")) {
            with(role, Xor.rsv1()).receive(Hex.wire(role, b0 + " 00"));
            rec.assertFailed(role, Violation.COMPRESSED_CONTROL_OR_CONTINUATION);
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void rsvBitsNoExtensionClaimsStillFail(Role role) {
        with(role, xor).receive(Hex.wire(role, "a1 00"));
        rec.assertFailed(role, Violation.RESERVED_BITS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void decodedOutputOverTheMessageLimitFails(Role role) {
        Xor expand = new Xor(Rsv.RSV1, 0, 4, 0);
        ProtocolConfig config = ProtocolConfig.builder().maxMessageSize(100).build();
        Protocol p = with(role, config, expand);
        // 25 bytes decode to exactly 100: accepted.
        p.receive(Hex.wire(role, "c2 19 " + Hex.of(new byte[25])));
        assertThat(rec.next(Event.Binary.class).data().remaining()).isEqualTo(100);
        // 26 bytes decode to 104.
        p.receive(Hex.wire(role, "c2 1a " + Hex.of(new byte[26])));
        rec.assertFailed(role, Violation.MESSAGE_TOO_BIG);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void decodedOutputOverTheMessageLimitAcrossFragmentsFails(Role role) {
        Xor expand = new Xor(Rsv.RSV1, 0, 2, 0);
        ProtocolConfig config = ProtocolConfig.builder().maxMessageSize(100).build();
        Protocol p = with(role, config, expand);
        p.receive(Hex.wire(role, "42 1e " + Hex.of(new byte[30]), "00 14 " + Hex.of(new byte[20])));
        assertThat(expand.decodeCalls).containsExactly("30 max 100", "20 max 40");
        rec.assertDone();
        p.receive(Hex.wire(role, "80 01 00"));
        rec.assertFailed(role, Violation.MESSAGE_TOO_BIG);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void decodedOutputOverTheMessageLimitAcrossFragmentsFailsWhenNotAssembling(Role role) {
        Xor expand = new Xor(Rsv.RSV1, 0, 2, 0);
        ProtocolConfig config = ProtocolConfig.builder()
                .maxMessageSize(100)
                .assembleMessages(false)
                .build();
        Protocol p = with(role, config, expand);
        p.receive(Hex.wire(role, "42 1e " + Hex.of(new byte[30]), "00 14 " + Hex.of(new byte[20])));
        assertThat(rec.takeEvents()).hasSize(2);
        assertThat(expand.decodeCalls).containsExactly("30 max 100", "20 max 40");
        p.receive(Hex.wire(role, "80 01 00"));
        rec.assertFailed(role, Violation.MESSAGE_TOO_BIG);
        // And a new message starts with the whole limit again.
        Protocol q = with(role, config, new Xor(Rsv.RSV1, 0, 2, 0));
        q.receive(Hex.wire(role, "42 19 " + Hex.of(new byte[25]), "80 19 " + Hex.of(new byte[25])));
        q.receive(Hex.wire(role, "c2 32 " + Hex.of(new byte[50])));
        assertThat(rec.takeEvents())
                .extracting(s -> s.substring(0, s.indexOf(']') + 1))
                .containsExactly("fragment(binary)[50]", "fragment(binary,last)[50]", "fragment(binary,last)[100]");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void invalidTransformedDataFailsWithTheExtensionsViolation(Role role) {
        Extension broken = new Xor(Rsv.RSV1, 0, 1, 0) {
            @Override
            public void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, DecodedSink out) {
                throw new ProtocolViolationException(Violation.INVALID_COMPRESSED_DATA);
            }
        };
        with(role, broken).receive(Hex.wire(role, "c1 01 00"));
        rec.assertFailed(role, Violation.INVALID_COMPRESSED_DATA);
    }

    @Test
    void encodeSetsRsv1OnTheFrame() {
        Protocol server = with(Role.SERVER, xor);
        server.sendText("hi");
        server.sendBinary(Hex.buf("00 01"));
        assertThat(rec.takeOutput()).isEqualTo("c1 02 97 96 c2 02 ff fe");
        Protocol client = with(Role.CLIENT, Xor.rsv1());
        client.sendText("hi");
        assertThat(rec.takeOutput()).isEqualTo(Hex.of(Hex.mask(Hex.bytes("c1 02 97 96"), Hex.MASK_KEY)));
    }

    @Test
    void messagesTheExtensionDeclinesGoOutPlain() {
        Protocol server = with(Role.SERVER, new Xor(Rsv.RSV1, 0xFF, 1, 3));
        server.sendText("hi");
        server.sendText("hey");
        assertThat(rec.takeOutput()).isEqualTo("81 02 68 69 c1 03 97 9a 86");
    }

    @Test
    void fragmentsAndControlFramesAreNeverTransformed() {
        Protocol server = with(Role.SERVER, xor);
        server.sendFragment(false, Hex.buf("01"), false);
        server.sendFragment(false, Hex.buf("02"), true);
        server.sendPing(Hex.buf("03"));
        server.sendClose(CloseCodes.NORMAL, "");
        assertThat(rec.takeOutput()).isEqualTo("02 01 01 80 01 02 89 01 03 88 02 03 e8");
    }

    @Test
    void extensionsAreChainedOnSendAndOneIsChosenByItsRsvBitsOnReceive() {
        Xor first = Xor.rsv1();
        Xor second = new Xor(Rsv.RSV2, 0x0F, 1, 0);
        Protocol server = with(Role.SERVER, first, second);
        server.sendBinary(Hex.buf("00"));
        assertThat(rec.takeOutput()).isEqualTo("e2 01 f0"); // 00 ^ ff ^ 0f, RSV1 | RSV2
        server.receive(Hex.wire(Role.SERVER, "a2 01 0f")); // RSV2 only: the second extension
        assertThat(Hex.of(rec.next(Event.Binary.class).data())).isEqualTo("00");
        assertThat(first.decodeCalls).isEmpty();
        // Two transforms on one received message are not supported.
        server.receive(Hex.wire(Role.SERVER, "e2 01 f0"));
        rec.assertFailed(Role.SERVER, Violation.RESERVED_BITS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void extensionsAreClosedOnceWhenThePeerCloses(Role role) {
        Xor second = new Xor(Rsv.RSV2, 0, 1, 0);
        Protocol p = with(role, xor, second);
        p.sendClose(CloseCodes.NORMAL, ""); // CLOSING: the peer may still send transformed data
        rec.takeOutput();
        p.receive(Hex.wire(role, "c1 01 be"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("A");
        assertThat(xor.closes).isZero();
        p.receive(Hex.wire(role, "88 02 03 e8"));
        assertThat(rec.next(Event.Close.class).clean()).isTrue();
        p.receiveEof();
        assertThat(xor.closes).isEqualTo(1);
        assertThat(second.closes).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void extensionsAreClosedOnceWhenTheConnectionFails(Role role) {
        Protocol p = with(role, xor);
        p.receive(Hex.wire(role, "83 00"));
        rec.assertFailed(role, Violation.RESERVED_OPCODE);
        p.receiveEof();
        p.fail(Violation.INVALID_UTF8);
        assertThat(xor.closes).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void extensionsAreClosedOnceWhenTheTransportEnds(Role role) {
        Protocol p = with(role, xor);
        p.receiveEof();
        p.receiveEof();
        assertThat(rec.next(Event.Close.class).code()).isEqualTo(CloseCodes.ABNORMAL);
        assertThat(xor.closes).isEqualTo(1);
    }
}
