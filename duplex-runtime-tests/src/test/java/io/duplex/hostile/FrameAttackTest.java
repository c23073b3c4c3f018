package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketConfig;
import io.duplex.testkit.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames a client must never send, against a server with the default limits (1 MiB frames and
 * messages, 1024 fragments): each fails the connection with its close code (RFC 6455 §7.4.1),
 * the connection is freed, and a well-behaved client is served during and after.
 *
 * <p>Masked frames in the hex fixtures use the mask key {@code 00000000}, so the payload reads as
 * is: valid (RFC 6455 §5.3 asks for unpredictable keys, but a server cannot tell).
 */
class FrameAttackTest {
    static TargetServer target;
    static ExecutorService writers;

    @BeforeAll
    static void start() {
        target = TargetServer.start(WebSocketConfig.DEFAULT);
        writers = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        writers.shutdownNow();
        target.close();
    }

    static Stream<Arguments> protocolErrors() {
        return Stream.of(
                Arguments.of("unmasked client frame", "81 02 6869"),
                Arguments.of("64-bit length with the top bit set", "82 FF 8000000000000000 00000000"),
                Arguments.of("16-bit length encoding 5", "82 FE 0005 00000000 0102030405"),
                Arguments.of("64-bit length encoding 5", "82 FF 0000000000000005 00000000 0102030405"),
                Arguments.of("64-bit length encoding 65535", "82 FF 000000000000FFFF 00000000"),
                Arguments.of("RSV1 without an extension", "C1 82 00000000 6869"),
                Arguments.of("RSV2 without an extension", "A1 82 00000000 6869"),
                Arguments.of("RSV3 without an extension", "91 82 00000000 6869"),
                Arguments.of("ping of 126 bytes", "89 FE 007E 00000000" + "00".repeat(126)),
                Arguments.of("close of 126 bytes", "88 FE 007E 00000000 03E8" + "61".repeat(124)),
                Arguments.of("ping with a 64-bit length", "89 FF 0000000000010000 00000000"),
                Arguments.of("fragmented ping", "09 80 00000000"),
                Arguments.of("fragmented close", "08 82 00000000 03E8"),
                Arguments.of("continuation without a start", "80 82 00000000 6869"),
                Arguments.of("text inside a fragmented message", "01 81 00000000 61  81 81 00000000 62"),
                Arguments.of("binary inside a fragmented text", "01 81 00000000 61  02 81 00000000 62"),
                Arguments.of("close payload of 1 byte", "88 81 00000000 03"));
    }

    @ParameterizedTest(name = "{0} → 1002")
    @MethodSource("protocolErrors")
    void protocolErrorsFailWith1002(String name, String frames) throws IOException {
        target.assertFails(name, hex(frames), 1002);
    }

    @ParameterizedTest(name = "reserved opcode 0x{0} → 1002")
    @ValueSource(strings = {"3", "4", "5", "6", "7", "B", "C", "D", "E", "F"})
    void reservedOpcodesFailWith1002(String opcode) throws IOException {
        target.assertFails("opcode " + opcode, hex("8" + opcode + " 80 00000000"), 1002);
    }

    @ParameterizedTest(name = "close code {0} → 1002")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void closeCodesThatMayNotBeSentFailWith1002(int code) throws IOException {
        target.assertFails(
                "close code " + code, RawClient.masked(0x88, RawClient.closePayload(code, new byte[0])), 1002);
    }

    @Test
    void declaredTwoGibFrameIsRefusedFromItsHeaderAlone() throws IOException {
        long before = TargetServer.usedHeap(true);
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            long allocatedBefore = TargetServer.allocatedByServerLoops();
            // Header only: binary, masked, 64-bit length 2^31, mask key. Not one payload byte.
            peer.writeHex("82 FF 0000000080000000 00000000");
            assertThat(peer.expectClose().closeCode()).isEqualTo(1009);
            assertThat(TargetServer.allocatedByServerLoops() - allocatedBefore).isLessThan(1L << 20);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1009);
        }
        // Nothing of the declared size was committed (invariant 7 in docs/ARCHITECTURE.md).
        assertThat(TargetServer.usedHeap(false) - before).isLessThan(64L << 20);
        target.awaitOnlyProbe();
        target.assertServes("after 2 GiB");
    }

    @Test
    void justOverTheFrameLimitIsRefusedFromItsHeader() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            peer.writeHex("82 FF 0000000000100001 00000000"); // 1 MiB + 1
            assertThat(peer.expectClose().closeCode()).isEqualTo(1009);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
    }

    @Test
    void aHundredThousandOneByteFragmentsFailWith1008AtTheFragmentLimit() throws Exception {
        byte[] flood = fragments(100_000);
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            // Written from another thread: the Close must be read while the flood is going out.
            Future<?> writer = writers.submit(() -> writeUntilRefused(peer, flood));
            assertThat(peer.expectClose().closeCode()).isEqualTo(1008);
            target.assertServes("during the fragment flood");
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1008);
            writer.get(10, TimeUnit.SECONDS);
            assertThat(target.textsFrom(peer)).isEmpty();
        }
        target.awaitOnlyProbe();
    }

    @Test
    void emptyFragmentsForeverFailWith1008() throws Exception {
        byte[] batch = new byte[1000 * 6];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(hex("00 80 00000000"), 0, batch, i * 6, 6);
        }
        AtomicBoolean stop = new AtomicBoolean();
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            peer.writeHex("01 80 00000000"); // an empty first fragment, then empty continuations
            Future<?> writer = writers.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                try {
                    while (!stop.get() && System.nanoTime() < deadline) {
                        peer.out.write(batch);
                    }
                } catch (IOException e) {
                    // refused by the server: the point
                }
                return null;
            });
            assertThat(peer.expectClose().closeCode()).isEqualTo(1008);
            stop.set(true);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1008);
            writer.get(10, TimeUnit.SECONDS);
        }
        target.awaitOnlyProbe();
        target.assertServes("after empty fragments");
    }

    @Test
    void maxFragmentsIsAllowedOneMoreIsNot() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            peer.write(fragments(1024)); // exactly the default limit
            assertThat(peer.readFrame().text()).isEqualTo("a".repeat(1024));
        }
        target.assertFails("1025 fragments", fragments(1025), 1008);
    }

    @Test
    void aMebibyteInTenThousandFragmentsIsWithinTheDefaultLimits() throws Exception {
        // Not refused for its fragmentation: 10,000 frames of ≈ 105 bytes pass the fragment rule
        // (1,024 frames whatever their size, then 32 bytes a frame on average).
        int size = 1 << 20;
        int frames = 10_000;
        ByteArrayOutputStream all = new ByteArrayOutputStream(size + frames * 8);
        int sent = 0;
        for (int i = 0; i < frames; i++) {
            int n = (int) ((long) size * (i + 1) / frames) - sent;
            int b0 = (i == frames - 1 ? 0x80 : 0) | (i == 0 ? RawClient.BINARY : RawClient.CONTINUATION);
            all.writeBytes(RawClient.frame(b0, new byte[n], true));
            sent += n;
        }
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            Future<?> writer = writers.submit(() -> {
                peer.write(all.toByteArray());
                return null;
            });
            RawClient.Frame echo = peer.readFrame();
            assertThat(echo.opcode()).isEqualTo(RawClient.BINARY);
            assertThat(echo.payload()).hasSize(size);
            writer.get(10, TimeUnit.SECONDS);
        }
        target.awaitOnlyProbe();
    }

    /** A text message of {@code n} one-byte fragments. */
    static byte[] fragments(int n) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(n * 7);
        all.writeBytes(hex("01 81 00000000 61"));
        for (int i = 1; i < n - 1; i++) {
            all.writeBytes(hex("00 81 00000000 61"));
        }
        all.writeBytes(hex("80 81 00000000 61"));
        return all.toByteArray();
    }

    @Test
    void peerThatNeverHangsUpAfterAFailureIsReleasedAnyway() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            long t0 = System.nanoTime();
            peer.writeHex("81 02 6869"); // unmasked: 1002
            assertThat(peer.expectClose().closeCode()).isEqualTo(1002);
            // The peer keeps its end open and silent: the server waits at most a second (or the
            // close timeout, if shorter) for its FIN, then lets go.
            target.awaitOnlyProbe();
            assertThat(TargetServer.millisSince(t0)).isLessThan(3000);
            assertThat(peer.awaitEnd(Duration.ofSeconds(1))).isTrue();
        }
    }

    @Test
    void framesAfterACloseFrameAreIgnored() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo")).startsWith("HTTP/1.1 101 ");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(RawClient.masked(0x88, RawClient.closePayload(1000, RawClient.utf8("bye"))));
            both.writeBytes(RawClient.masked(0x81, RawClient.utf8("after close")));
            both.writeBytes(hex("0F 80 00000000")); // even an invalid frame: nothing counts
            peer.write(both.toByteArray());
            RawClient.Frame close = peer.expectClose(); // fails on an echo before it
            assertThat(close.closeCode()).isEqualTo(1000);
            peer.sendFrame(0x81, RawClient.utf8("later still")); // after the answer, too
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer)).isEqualTo(new TargetServer.Closed(1000, "bye", true));
            assertThat(target.textsFrom(peer)).isEmpty();
        }
        target.awaitOnlyProbe();
        target.assertServes("after data after close");
    }

    static Void writeUntilRefused(RawClient peer, byte[] bytes) {
        try {
            for (int off = 0; off < bytes.length; off += 16 * 1024) {
                int n = Math.min(16 * 1024, bytes.length - off);
                peer.out.write(bytes, off, n);
            }
        } catch (IOException e) {
            // refused by the server: the point
        }
        return null;
    }
}
