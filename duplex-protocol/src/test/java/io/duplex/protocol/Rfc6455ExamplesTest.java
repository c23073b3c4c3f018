package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6455 §5.7, byte for byte, in both directions. */
class Rfc6455ExamplesTest {

    private static final String HELLO = "81 05 48 65 6c 6c 6f";
    private static final String MASKED_HELLO = "81 85 37 fa 21 3d 7f 9f 4d 51 58";
    private static final String MASKED_PONG = "8a 85 37 fa 21 3d 7f 9f 4d 51 58";
    private static final String HEADER_256 = "82 7e 01 00";
    private static final String HEADER_64K = "82 7f 00 00 00 00 00 01 00 00";

    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    // ------------------------------------------------------------------ encoder side

    @Test
    void serverSendsUnmaskedHello() {
        rec.protocol(Role.SERVER).sendText("Hello");
        assertThat(rec.takeOutput()).isEqualTo(HELLO);
    }

    @Test
    void clientSendsMaskedHelloWithTheSeededKey() {
        rec.protocol(Role.CLIENT).sendText("Hello");
        assertThat(rec.takeOutput()).isEqualTo(MASKED_HELLO);
    }

    @Test
    void serverSendsFragmentedUnmaskedText() {
        Protocol server = rec.protocol(Role.SERVER);
        server.sendFragment(true, Hex.buf("48 65 6c"), false);
        assertThat(rec.takeOutput()).isEqualTo("01 03 48 65 6c");
        server.sendFragment(true, Hex.buf("6c 6f"), true);
        assertThat(rec.takeOutput()).isEqualTo("80 02 6c 6f");
    }

    @Test
    void serverSendsUnmaskedPing() {
        rec.protocol(Role.SERVER).sendPing(Hex.buf("48 65 6c 6c 6f"));
        assertThat(rec.takeOutput()).isEqualTo("89 05 48 65 6c 6c 6f");
    }

    @Test
    void clientSendsMaskedPong() {
        rec.protocol(Role.CLIENT).sendPong(Hex.buf("48 65 6c 6c 6f"));
        assertThat(rec.takeOutput()).isEqualTo(MASKED_PONG);
    }

    @Test
    void serverSends256ByteBinaryWithSixteenBitLength() {
        ByteBuffer data = ByteBuffer.wrap(Hex.counting(256));
        rec.protocol(Role.SERVER).sendBinary(data);
        assertThat(rec.takeOutput()).isEqualTo(Hex.canon(HEADER_256 + Hex.of(Hex.counting(256))));
        assertThat(data.remaining()).isEqualTo(256);
    }

    @Test
    void serverSends64KiBBinaryWithSixtyFourBitLength() {
        rec.protocol(Role.SERVER).sendBinary(ByteBuffer.wrap(Hex.counting(65536)));
        assertThat(rec.takeOutput()).isEqualTo(Hex.canon(HEADER_64K + Hex.of(Hex.counting(65536))));
    }

    @Test
    void clientMasksLargeBinariesAndLeavesTheCallersBufferAlone() {
        Protocol client = rec.protocol(Role.CLIENT);
        for (String header : new String[] {HEADER_256, HEADER_64K}) {
            byte[] payload = Hex.counting(header.equals(HEADER_256) ? 256 : 65536);
            ByteBuffer data = ByteBuffer.wrap(payload.clone());
            client.sendBinary(data);
            byte[] expected = Hex.mask(Hex.bytes(header + Hex.of(payload)), Hex.MASK_KEY);
            assertThat(rec.takeOutput()).isEqualTo(Hex.of(expected));
            assertThat(data.array()).isEqualTo(payload);
            assertThat(data.remaining()).isEqualTo(payload.length);
        }
    }

    // ------------------------------------------------------------------ parser side

    @Test
    void clientReceivesUnmaskedHello() {
        rec.protocol(Role.CLIENT).receive(Hex.buf(HELLO));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("Hello");
    }

    @Test
    void serverReceivesMaskedHello() {
        rec.protocol(Role.SERVER).receive(Hex.buf(MASKED_HELLO));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("Hello");
    }

    @Test
    void clientReceivesFragmentedUnmaskedText() {
        Protocol client = rec.protocol(Role.CLIENT);
        client.receive(Hex.buf("01 03 48 65 6c"));
        assertThat(rec.takeEvents()).isEmpty();
        client.receive(Hex.buf("80 02 6c 6f"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("Hello");
    }

    @Test
    void clientAnswersUnmaskedPingWithTheRfcsMaskedPong() {
        rec.protocol(Role.CLIENT).receive(Hex.buf("89 05 48 65 6c 6c 6f"));
        assertThat(Hex.of(rec.next(Event.Ping.class).data())).isEqualTo("48 65 6c 6c 6f");
        assertThat(rec.takeOutput()).isEqualTo(MASKED_PONG);
    }

    @Test
    void serverReceivesMaskedPong() {
        rec.protocol(Role.SERVER).receive(Hex.buf(MASKED_PONG));
        assertThat(Hex.of(rec.next(Event.Pong.class).data())).isEqualTo("48 65 6c 6c 6f");
    }

    @Test
    void serverAnswersMaskedPingWithUnmaskedPong() {
        rec.protocol(Role.SERVER).receive(Hex.buf("89 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertThat(Hex.of(rec.next(Event.Ping.class).data())).isEqualTo("48 65 6c 6c 6f");
        assertThat(rec.takeOutput()).isEqualTo("8a 05 48 65 6c 6c 6f");
    }

    @Test
    void bothRolesReceiveLargeBinaries() {
        for (Role role : Role.values()) {
            Protocol p = rec.protocol(role);
            p.receive(Hex.wire(role, HEADER_256 + Hex.of(Hex.counting(256))));
            assertThat(Hex.toArray(rec.next(Event.Binary.class).data())).isEqualTo(Hex.counting(256));
            p.receive(Hex.wire(role, HEADER_64K + Hex.of(Hex.counting(65536))));
            assertThat(Hex.toArray(rec.next(Event.Binary.class).data())).isEqualTo(Hex.counting(65536));
        }
    }
}
