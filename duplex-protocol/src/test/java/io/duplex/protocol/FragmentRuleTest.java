package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.frame.Violation;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fragment rule of {@link ProtocolConfig}: frame {@code n} of a message is accepted when {@code
 * n <= maxFragments} or when the frames so far declare at least {@code n * minFragmentSize} bytes;
 * otherwise the connection fails with 1008 (policy), never 1009 (size).
 */
class FragmentRuleTest {

    /** Three frames whatever their size, then 4 bytes a frame on average. */
    private static final ProtocolConfig RULE = ProtocolConfig.builder()
            .maxMessageSize(1000)
            .maxFragments(3)
            .minFragmentSize(4)
            .build();

    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void moreFragmentsThanTheCountAreAcceptedWhenTheyCarryTheMinimumAverage(Role role) {
        Protocol p = rec.builder(role).config(RULE).build();
        // Six frames of 4 bytes: frame 6 brings the message to 24 bytes = 6 × 4.
        p.receive(Hex.wire(
                role,
                "01 04 61 62 63 64",
                "00 04 65 66 67 68",
                "00 04 69 6a 6b 6c",
                "00 04 6d 6e 6f 70",
                "00 04 71 72 73 74",
                "80 04 75 76 77 78"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("abcdefghijklmnopqrstuvwx");
        // The first three frames may be empty: the count allowance is independent of size.
        p.receive(Hex.wire(role, "02 00", "00 00", "80 03 01 02 03"));
        assertThat(Hex.of(rec.next(Event.Binary.class).data())).isEqualTo("01 02 03");
        assertThat(p.state()).isEqualTo(State.OPEN);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void aFrameBelowTheAverageBeyondTheCountFailsWith1008(Role role) {
        Protocol p = rec.builder(role).config(RULE).build();
        // Four frames: 4 + 4 + 4 + 3 = 15 bytes < 4 × 4.
        p.receive(Hex.wire(role, "01 04 61 62 63 64", "00 04 65 66 67 68", "00 04 69 6a 6b 6c", "80 03 6d 6e 6f"));
        rec.assertFailed(role, Violation.TOO_MANY_FRAGMENTS);
        assertThat(Violation.TOO_MANY_FRAGMENTS.closeCode()).isEqualTo(1008);
        assertThat(p.failure()).isEqualTo(Violation.TOO_MANY_FRAGMENTS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void theDeclaredLengthOfTheFrameCountsBeforeItsPayloadArrives(Role role) {
        Protocol p = rec.builder(role).config(RULE).build();
        // Frame 4 declares 20 bytes: 3 + 20 ≥ 16, so its header is accepted with no payload yet.
        ByteBuffer wire = Hex.wire(role, "01 01 61", "00 01 62", "00 01 63", "80 14" + " 64".repeat(20));
        ByteBuffer header = wire.duplicate().limit(role == Role.SERVER ? 3 * 7 + 6 : 3 * 3 + 2);
        p.receive(header);
        assertThat(p.state()).isEqualTo(State.OPEN);
        rec.assertDone();
        p.receive(wire.position(header.limit()));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("abc" + "d".repeat(20));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void aMinimumOfZeroMakesTheCountHard(Role role) {
        ProtocolConfig hard = RULE.toBuilder().minFragmentSize(0).build();
        Protocol p = rec.builder(role).config(hard).build();
        p.receive(Hex.wire(
                role, "01 04 61 62 63 64", "00 04 65 66 67 68", "00 04 69 6a 6b 6c", "80 7d" + " 41".repeat(125)));
        rec.assertFailed(role, Violation.TOO_MANY_FRAGMENTS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void emptyContinuationsAreRefusedAtTheCountWhateverCameBefore(Role role) {
        Protocol p = rec.builder(role).config(RULE).build();
        // 100 bytes first pay for 25 frames, not for an endless run of empty ones.
        StringBuilder frames = new StringBuilder("01 64" + " 61".repeat(100));
        for (int i = 0; i < 24; i++) {
            frames.append(" 00 00");
        }
        p.receive(Hex.wire(role, frames.toString()));
        assertThat(p.state()).isEqualTo(State.OPEN);
        p.receive(Hex.wire(role, "00 00"));
        rec.assertFailed(role, Violation.TOO_MANY_FRAGMENTS);
    }

    @Test
    void aMebibyteInTenThousandFragmentsPassesTheDefaults() {
        int size = 1 << 20;
        Protocol p = rec.builder(Role.CLIENT).build();
        p.receive(ByteBuffer.wrap(fragmented(size, 10_000)));
        assertThat(rec.next(Event.Binary.class).data().remaining()).isEqualTo(size);
    }

    @Test
    void fourMebibytesInSixtyFourByteFragmentsPassWithA64MiBLimit() {
        // Autobahn 9.4.1's shape: 65,536 frames of 64 bytes.
        int size = 4 << 20;
        ProtocolConfig big = ProtocolConfig.builder()
                .maxMessageSize(64 << 20)
                .maxFrameSize(64 << 20)
                .build();
        Protocol p = rec.builder(Role.CLIENT).config(big).build();
        p.receive(ByteBuffer.wrap(fragmented(size, size / 64)));
        assertThat(rec.next(Event.Binary.class).data().remaining()).isEqualTo(size);
    }

    @Test
    void aMessageOverTheSizeLimitIsStill1009() {
        Protocol p = rec.builder(Role.CLIENT).build();
        p.receive(ByteBuffer.wrap(fragmented((1 << 20) + 64, 2_000)));
        rec.assertFailed(Role.CLIENT, Violation.MESSAGE_TOO_BIG);
    }

    /** A binary message of {@code size} bytes in {@code frames} unmasked frames of near-equal size. */
    static byte[] fragmented(int size, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + frames * 4);
        int sent = 0;
        for (int i = 0; i < frames; i++) {
            int n = (int) ((long) size * (i + 1) / frames) - sent;
            out.write((i == frames - 1 ? 0x80 : 0) | (i == 0 ? 0x02 : 0x00));
            if (n < 126) {
                out.write(n);
            } else {
                out.write(126);
                out.write(n >>> 8);
                out.write(n & 0xff);
            }
            out.write(new byte[n], 0, n);
            sent += n;
        }
        return out.toByteArray();
    }
}
