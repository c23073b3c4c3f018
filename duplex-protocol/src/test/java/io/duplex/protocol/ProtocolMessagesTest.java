package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.frame.Violation;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Data and control messages in both directions, message assembly, fragments, zero-copy. */
class ProtocolMessagesTest {

    private static final ProtocolConfig FRAGMENTS =
            ProtocolConfig.builder().assembleMessages(false).build();

    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    // ------------------------------------------------------------------ receive

    @ParameterizedTest
    @EnumSource(Role.class)
    void controlFramesInterleavedWithinAFragmentedMessage(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "01 03 48 65 6c", "89 02 70 31", "8a 00", "00 01 6c", "89 00", "80 01 6f"));
        assertThat(rec.takeEvents()).containsExactly("ping[2]:70 31", "pong[0]:", "ping[0]:", "text:Hello");
        List<ProtocolRecorder.Frame> pongs = rec.takeFrames();
        assertThat(pongs).extracting(ProtocolRecorder.Frame::opcode).containsExactly(0xA, 0xA);
        assertThat(Hex.of(pongs.get(0).payload())).isEqualTo("70 31");
        assertThat(pongs.get(1).payload()).isEmpty();
        assertThat(pongs).allSatisfy(f -> assertThat(f.masked()).isEqualTo(role == Role.CLIENT));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void autoPongCanBeTurnedOff(Role role) {
        Protocol p = rec.builder(role)
                .config(ProtocolConfig.builder().autoPong(false).build())
                .build();
        p.receive(Hex.wire(role, "89 03 01 02 03"));
        assertThat(Hex.of(rec.next(Event.Ping.class).data())).isEqualTo("01 02 03");
        p.sendPong(Hex.buf("01 02 03"));
        assertThat(rec.takeFrames()).singleElement().satisfies(f -> {
            assertThat(f.opcode()).isEqualTo(0xA);
            assertThat(Hex.of(f.payload())).isEqualTo("01 02 03");
        });
    }

    @Test
    void pingEventKeepsItsPayloadAfterTheReadBufferIsReused() {
        List<Event> raw = new ArrayList<>();
        Protocol p = Protocol.builder(Role.CLIENT)
                .events(raw::add)
                .output(rec)
                .maskKeys(() -> 0)
                .build();
        ByteBuffer in = Hex.buf("89 02 61 62 8a 01 63");
        p.receive(in);
        in.clear().put(new byte[in.capacity()]);
        assertThat(Hex.of(((Event.Ping) raw.get(0)).data())).isEqualTo("61 62");
        assertThat(Hex.of(((Event.Pong) raw.get(1)).data())).isEqualTo("63");
        assertThat(rec.takeOutput()).isEqualTo("8a 82 00 00 00 00 61 62");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void emptyMessagesOfBothKinds(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "81 00", "82 00", "01 00", "80 00", "02 00", "00 00", "80 00"));
        assertThat(rec.takeEvents()).containsExactly("text:", "binary[0]:", "text:", "binary[0]:");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void textSplitInsideACodePointAcrossFragmentsIsAssembled(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "01 02 41 e2", "00 01 82", "80 02 ac 42"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("A€B");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void largeFragmentedBinaryIsAssembled(Role role) {
        byte[] payload = Hex.counting(200_000);
        String first = "02 7f 00 00 00 00 00 01 86 a0 " + Hex.of(java.util.Arrays.copyOfRange(payload, 0, 100_000));
        String second =
                "80 7f 00 00 00 00 00 01 86 a0 " + Hex.of(java.util.Arrays.copyOfRange(payload, 100_000, 200_000));
        Protocol p = rec.protocol(role);
        ByteBuffer wire = Hex.wire(role, first, second);
        // Arrives in reads of 1000 bytes.
        while (wire.hasRemaining()) {
            ByteBuffer chunk = wire.slice();
            chunk.limit(Math.min(1000, chunk.remaining()));
            p.receive(chunk);
            wire.position(wire.position() + chunk.limit());
        }
        assertThat(Hex.toArray(rec.next(Event.Binary.class).data())).isEqualTo(payload);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void fragmentsAreDeliveredAsTheyCompleteWhenAssemblyIsOff(Role role) {
        Protocol p = rec.builder(role).config(FRAGMENTS).build();
        p.receive(Hex.wire(role, "01 03 48 65 6c"));
        assertThat(rec.next()).isEqualTo(new Event.Fragment(true, Hex.buf("48 65 6c"), false));
        p.receive(Hex.wire(role, "89 00", "80 02 6c 6f"));
        assertThat(rec.takeEvents()).containsExactly("ping[0]:", "fragment(text,last)[2]:6c 6f");
        rec.takeOutput(); // the pong
        p.receive(Hex.wire(role, "82 02 01 02", "02 00", "00 01 03", "80 00"));
        assertThat(rec.takeEvents())
                .containsExactly(
                        "fragment(binary,last)[2]:01 02",
                        "fragment(binary)[0]:",
                        "fragment(binary)[1]:03",
                        "fragment(binary,last)[0]:");
        // A code point may span fragments; the message must still end on a boundary.
        p.receive(Hex.wire(role, "01 02 41 e2", "80 02 82 ac"));
        assertThat(rec.takeEvents()).containsExactly("fragment(text)[2]:41 e2", "fragment(text,last)[2]:82 ac");
        p.receive(Hex.wire(role, "01 01 e2", "80 01 82"));
        assertThat(ProtocolRecorder.describe(rec.next())).isEqualTo("fragment(text)[1]:e2");
        rec.assertFailed(role, Violation.INVALID_UTF8);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void fragmentModeStillFailsFastOnInvalidUtf8(Role role) {
        Protocol p = rec.builder(role).config(FRAGMENTS).build();
        p.receive(Hex.wire(role, "01 7e 00 c8 41 42 ff"));
        rec.assertFailed(role, Violation.INVALID_UTF8);
    }

    /**
     * With {@code textAsUtf8}, a whole or fragmented text message arrives as its bytes, still
     * validated: a bad byte fails the connection with 1007 as before. Engines of both kinds
     * share the recorder's reader pool, so a reader lent to one and then the other delivers each
     * its own way.
     */
    @ParameterizedTest
    @EnumSource(Role.class)
    void textAsUtf8DeliversTheValidatedBytes(Role role) {
        Protocol bytes = rec.builder(role).textAsUtf8(true).build();
        Protocol strings = rec.protocol(role);
        bytes.receive(Hex.wire(role, "81 05 c3 a9 74 c3 a9"));
        strings.receive(Hex.wire(role, "81 02 6f 6b"));
        bytes.receive(Hex.wire(role, "01 03 48 c3 a9", "80 02 6c 6f"));
        assertThat(rec.takeEvents()).containsExactly("utf8:été", "text:ok", "utf8:Hélo");

        bytes.receive(Hex.wire(role, "81 03 41 ed a0"));
        rec.assertFailed(role, Violation.INVALID_UTF8);
    }

    @Test
    void textAsUtf8HandsOverAWindowOfTheInputWhenTheFrameIsWhole() {
        List<ByteBuffer> seen = new ArrayList<>();
        Protocol p = Protocol.builder(Role.SERVER)
                .textAsUtf8(true)
                .events(e -> seen.add(((Event.TextUtf8) e).utf8()))
                .output(rec)
                .build();
        ByteBuffer in = Hex.wire(Role.SERVER, "81 02 6f 6b");
        p.receive(in);
        assertThat(seen).singleElement().satisfies(b -> {
            assertThat(b.array()).isSameAs(in.array());
            assertThat(Hex.of(b)).isEqualTo("6f 6b");
        });
    }

    // ------------------------------------------------------------------ zero-copy

    @Test
    void wholeFrameInOneReadIsDeliveredAsAWindowOfTheInput() {
        List<ByteBuffer> seen = new ArrayList<>();
        Protocol p = Protocol.builder(Role.SERVER)
                .events(e -> seen.add(((Event.Binary) e).data()))
                .output(rec)
                .build();
        ByteBuffer in = Hex.wire(Role.SERVER, "82 03 01 02 03");
        byte[] backing = in.array();
        p.receive(in);
        assertThat(seen).singleElement().satisfies(b -> {
            assertThat(b.hasArray()).isTrue();
            assertThat(b.array()).isSameAs(backing);
        });
    }

    @Test
    void splitFrameIsCopied() {
        List<String> seen = new ArrayList<>();
        List<Boolean> shared = new ArrayList<>();
        ByteBuffer first = Hex.wire(Role.SERVER, "82 03 01 02");
        ByteBuffer second = Hex.buf("03"); // the third payload byte, masked with key byte 2
        second.put(0, (byte) (0x03 ^ 0x21));
        Protocol p = Protocol.builder(Role.SERVER)
                .events(e -> {
                    ByteBuffer data = ((Event.Binary) e).data();
                    seen.add(Hex.of(data));
                    shared.add(data.array() == first.array() || data.array() == second.array());
                })
                .output(rec)
                .build();
        p.receive(first);
        p.receive(second);
        assertThat(seen).containsExactly("01 02 03");
        assertThat(shared).containsExactly(false);
    }

    @Test
    void wholeTextFrameFromADirectBufferIsDecoded() {
        ByteBuffer in = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
        in.put(Hex.bytes("81 07 c3 a9 74 c3 a9 21 21")).flip();
        rec.protocol(Role.CLIENT).receive(in);
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("été!!");
    }

    @Test
    void textFromAReadOnlyBufferIsDecoded() {
        ByteBuffer in = Hex.buf("81 02 6f 6b").asReadOnlyBuffer();
        rec.protocol(Role.CLIENT).receive(in);
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("ok");
        assertThat(in.hasRemaining()).isFalse();
    }

    // ------------------------------------------------------------------ send

    @Test
    void sendTextEncodesUtf8() {
        rec.protocol(Role.SERVER).sendText("é€");
        assertThat(rec.takeOutput()).isEqualTo("81 05 c3 a9 e2 82 ac");
    }

    @Test
    void sendTextUtf8ValidatesTheBytes() {
        Protocol p = rec.protocol(Role.SERVER);
        ByteBuffer valid = Hex.buf("c3 a9");
        p.sendTextUtf8(valid);
        assertThat(rec.takeOutput()).isEqualTo("81 02 c3 a9");
        for (String bad : List.of("c3", "ff", "ed a0 80", "41 c0 80")) {
            assertThatThrownBy(() -> p.sendTextUtf8(Hex.buf(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        rec.assertDone();
        assertThat(p.canSend()).isTrue();
    }

    @Test
    void sendFragmentSequencing() {
        Protocol p = rec.protocol(Role.SERVER);
        p.sendFragment(false, Hex.buf("01"), false);
        // Another message may not start while one is in progress…
        assertThatThrownBy(() -> p.sendText("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendBinary(Hex.buf("02"))).isInstanceOf(IllegalStateException.class);
        // … control frames may interleave, and later fragments are continuations whatever their type.
        p.sendPing(Hex.buf("aa"));
        p.sendFragment(true, Hex.buf("02"), false);
        p.sendFragment(false, Hex.buf(""), true);
        assertThat(rec.takeOutput()).isEqualTo("02 01 01 89 01 aa 00 01 02 80 00");
        // A new message starts afresh.
        p.sendFragment(true, Hex.buf("41"), true);
        p.sendText("B");
        assertThat(rec.takeOutput()).isEqualTo("81 01 41 81 01 42");
    }

    @Test
    void clientFragmentsAreMaskedEachWithAFreshKey() {
        int[] keys = {0x01020304, 0x0a0b0c0d};
        int[] next = {0};
        Protocol p = Protocol.builder(Role.CLIENT)
                .events(rec)
                .output(rec)
                .maskKeys(() -> keys[next[0]++])
                .build();
        p.sendFragment(true, Hex.buf("41 42"), false);
        p.sendFragment(true, Hex.buf("43"), true);
        assertThat(rec.takeOutput()).isEqualTo("01 82 01 02 03 04 40 40 80 81 0a 0b 0c 0d 49");
    }

    @Test
    void sendFragmentRejectsInvalidUtf8InText() {
        Protocol p = rec.protocol(Role.SERVER);
        assertThatThrownBy(() -> p.sendFragment(true, Hex.buf("41 ff"), false))
                .isInstanceOf(IllegalArgumentException.class);
        rec.assertDone();
        // A code point may span fragments, but the message must end on a boundary.
        p.sendFragment(true, Hex.buf("41 e2"), false);
        p.sendFragment(true, Hex.buf("82"), false);
        assertThatThrownBy(() -> p.sendFragment(true, Hex.buf(""), true)).isInstanceOf(IllegalArgumentException.class);
        p.sendFragment(true, Hex.buf("ac"), true);
        assertThat(rec.takeOutput()).isEqualTo("01 02 41 e2 00 01 82 80 01 ac");
        // Binary fragments are not text.
        p.sendFragment(false, Hex.buf("ff"), true);
        assertThat(rec.takeOutput()).isEqualTo("82 01 ff");
    }

    @Test
    void controlPayloadsAreLimitedTo125Bytes() {
        Protocol p = rec.protocol(Role.SERVER);
        assertThatThrownBy(() -> p.sendPing(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendPong(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
        p.sendPing(ByteBuffer.allocate(125));
        assertThat(rec.takeBytes()).hasSize(127);
    }

    @Test
    void serverHandsTheCallersBufferToTheOutputWithoutCopying() {
        List<ByteBuffer> payloads = new ArrayList<>();
        Protocol p = Protocol.builder(Role.SERVER)
                .events(rec)
                .output((header, payload) -> payloads.add(payload))
                .build();
        ByteBuffer data = ByteBuffer.allocateDirect(70_000);
        p.sendBinary(data);
        assertThat(payloads).singleElement().isSameAs(data);
    }

    @Test
    void clientWithoutASeededSourceUsesFreshRandomKeys() {
        Protocol p = Protocol.builder(Role.CLIENT).events(rec).output(rec).build();
        for (int i = 0; i < 70; i++) { // more than one batch of keys
            p.sendText("hello");
        }
        List<ProtocolRecorder.Frame> frames = rec.takeFrames();
        assertThat(frames).hasSize(70).allSatisfy(f -> {
            assertThat(f.masked()).isTrue();
            assertThat(new String(f.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("hello");
        });
    }

    @Test
    void accessors() {
        ProtocolConfig config = ProtocolConfig.builder().maxFragments(7).build();
        Protocol p = rec.builder(Role.CLIENT).config(config).build();
        assertThat(p.role()).isEqualTo(Role.CLIENT);
        assertThat(p.config()).isSameAs(config);
        assertThat(p.extensions()).isEmpty();
        assertThat(p.failure()).isNull();
        assertThat(p.state()).isEqualTo(State.OPEN);
    }

    @Test
    void builderRequiresRoleSinkAndOutput() {
        assertThatThrownBy(() -> Protocol.builder(null).events(rec).output(rec).build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Protocol.builder(Role.SERVER).output(rec).build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Protocol.builder(Role.SERVER).events(rec).build())
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Protocol.builder(Role.SERVER).config(null)).isInstanceOf(NullPointerException.class);
    }
}
