package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketConfig;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text that is not UTF-8 (RFC 6455 §8.1) fails the connection with 1007, as soon as the first bad
 * byte arrives; valid text split anywhere, even inside a code point, is accepted. Masked frames use
 * the key {@code 00000000} so payloads read as is.
 */
class Utf8AttackTest {
    static TargetServer target;

    @BeforeAll
    static void start() {
        target = TargetServer.start(WebSocketConfig.DEFAULT);
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    static Stream<Arguments> invalidText() {
        return Stream.of(
                Arguments.of("byte FF", "81 81 00000000 FF"),
                Arguments.of("lone continuation byte 80", "81 81 00000000 80"),
                Arguments.of("C3 followed by ASCII", "81 82 00000000 C328"),
                Arguments.of("overlong '/' C0 AF", "81 82 00000000 C0AF"),
                Arguments.of("overlong E0 80 AF", "81 83 00000000 E080AF"),
                Arguments.of("overlong F0 80 80 AF", "81 84 00000000 F08080AF"),
                Arguments.of("surrogate ED A0 80", "81 83 00000000 EDA080"),
                Arguments.of("low surrogate ED BF BF", "81 83 00000000 EDBFBF"),
                Arguments.of("above U+10FFFF F4 90 80 80", "81 84 00000000 F4908080"),
                Arguments.of("F5 lead byte", "81 81 00000000 F5"),
                Arguments.of("message ends inside a code point", "81 82 00000000 E282"),
                Arguments.of("bad byte in a continuation", "01 81 00000000 61  80 81 00000000 FF"),
                Arguments.of("fragmented message ends inside a code point", "01 82 00000000 E282  80 80 00000000"),
                Arguments.of("close reason C3 28", "88 84 00000000 03E8 C328"),
                Arguments.of("close reason surrogate", "88 85 00000000 03E8 EDA080"));
    }

    @ParameterizedTest(name = "{0} → 1007")
    @MethodSource("invalidText")
    void invalidUtf8FailsWith1007(String name, String frames) throws IOException {
        target.assertFails(name, hex(frames), 1007);
    }

    @Test
    void codePointSplitAcrossFragmentsIsAccepted() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            // "€" is E2 82 AC; "😀" is F0 9F 98 80: split after each of their bytes.
            peer.writeHex("01 82 00000000 41E2  00 81 00000000 82  00 82 00000000 ACF0  00 81 00000000 9F"
                    + "  80 82 00000000 9880");
            assertThat(peer.readFrame().text()).isEqualTo("A€😀");
        }
        target.awaitOnlyProbe();
        target.assertServes("after split code points");
    }

    @Test
    void badByteInTheFirstFragmentFailsBeforeTheRestIsSent() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            // The first of many fragments, with an invalid byte: the rest is never sent.
            peer.writeHex("01 84 00000000 616263FF");
            assertThat(peer.expectClose().closeCode()).isEqualTo(1007);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1007);
        }
        target.awaitOnlyProbe();
    }

    @Test
    void badByteEarlyInALongFrameFailsBeforeTheRestIsSent() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            // One text frame declared 512 KiB; only its first 1 KiB is sent, bad at byte 10.
            byte[] start = new byte[1024];
            java.util.Arrays.fill(start, (byte) 'a');
            start[10] = (byte) 0xC0;
            start[11] = (byte) 0xAF;
            peer.write(hex("81 FF 0000000000080000 00000000"));
            peer.write(start);
            assertThat(peer.expectClose().closeCode()).isEqualTo(1007);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1007);
            target.assertServes("during a long bad frame");
        }
        target.awaitOnlyProbe();
    }
}
