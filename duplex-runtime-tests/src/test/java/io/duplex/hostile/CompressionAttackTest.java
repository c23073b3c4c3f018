package io.duplex.hostile;

import static io.duplex.testkit.RawClient.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketConfig;
import io.duplex.testkit.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * permessage-deflate (RFC 7692) under attack, against a server with the default compression
 * (negotiated, no context takeover) and the default 1 MiB message limit, which bounds the inflated
 * size too. The raw peer offers the extension in its handshake and builds the frames itself.
 */
class CompressionAttackTest {
    static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate";
    static final String NEGOTIATED =
            "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n";

    static TargetServer target;

    @BeforeAll
    static void start() {
        target = TargetServer.start(WebSocketConfig.DEFAULT);
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    /**
     * {@code size} zero bytes as one raw DEFLATE stream, SYNC_FLUSHed, tail {@code 00 00 ff ff}
     * removed (RFC 7692 §7.2.1), built without holding the input in memory.
     */
    static byte[] deflatedZeros(long size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[64 * 1024];
        byte[] buf = new byte[64 * 1024];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long left = size; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!deflater.needsInput()) {
                out.write(buf, 0, deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH));
            }
        }
        return syncFlush(deflater, out, buf);
    }

    static byte[] deflated(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        return syncFlush(deflater, new ByteArrayOutputStream(), new byte[64 * 1024]);
    }

    private static byte[] syncFlush(Deflater deflater, ByteArrayOutputStream out, byte[] buf) {
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        deflater.end();
        byte[] all = out.toByteArray();
        assertThat(Arrays.copyOfRange(all, all.length - 4, all.length)).isEqualTo(hex("0000FFFF"));
        return Arrays.copyOf(all, all.length - 4);
    }

    @Test
    void decompressionBombFailsWith1009WithoutInflatingIt() throws IOException {
        byte[] bomb = deflatedZeros(16L << 20);
        assertThat(bomb.length).isLessThan(64 * 1024); // 16 MiB of zeros in ~16 KiB
        byte[] frame = RawClient.masked(0xC2, bomb); // FIN, RSV1, binary
        long before = TargetServer.usedHeap(true);
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo", OFFER)).contains(NEGOTIATED);
            long allocatedBefore = TargetServer.allocatedByServerLoops();
            peer.write(frame);
            assertThat(peer.expectClose().closeCode()).isEqualTo(1009);
            long allocated = TargetServer.allocatedByServerLoops() - allocatedBefore;
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
            assertThat(target.serverClose(peer).code()).isEqualTo(1009);
            // Inflation stops one byte past the 1 MiB limit: the server did not even allocate
            // (let alone hold) anything near the 16 MiB the bomb inflates to.
            System.out.printf("bomb: the server's loops allocated %d KiB for it%n", allocated >> 10);
            assertThat(allocated).isLessThan(8L << 20);
            assertThat(TargetServer.usedHeap(false) - before).isLessThan(16L << 20);
            target.assertServes("during the bomb");
        }
        target.awaitOnlyProbe();
    }

    @Test
    void decompressionBombSpreadOverFragmentsFailsWith1009() throws IOException {
        byte[] bomb = deflatedZeros(4L << 20);
        int half = bomb.length / 2;
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.writeBytes(RawClient.masked(0x42, Arrays.copyOf(bomb, half))); // RSV1 on the first only
        frames.writeBytes(RawClient.masked(0x80, Arrays.copyOfRange(bomb, half, bomb.length)));
        target.assertFails("fragmented bomb", frames.toByteArray(), 1009, OFFER);
    }

    @Test
    void compressedMessageUnderTheLimitIsAccepted() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo", OFFER)).contains(NEGOTIATED);
            peer.sendFrame(0xC1, deflated(RawClient.utf8("squeezed")));
            RawClient.Frame echo = peer.readFrame();
            assertThat(echo.b0()).isEqualTo(0x81); // under the 1 KiB threshold: sent uncompressed
            assertThat(echo.text()).isEqualTo("squeezed");
        }
        target.awaitOnlyProbe();
    }

    static Stream<Arguments> compressionErrors() {
        return Stream.of(
                Arguments.of("RSV1 on a ping", "C9 80 00000000", 1002),
                Arguments.of("RSV1 on a close", "C8 82 00000000 03E8", 1002),
                Arguments.of("RSV1 on a continuation", "01 81 00000000 61  C0 81 00000000 62", 1002),
                Arguments.of("RSV2 (not negotiated)", "A1 81 00000000 61", 1002),
                Arguments.of("RSV1 and RSV2", "E1 81 00000000 61", 1002),
                Arguments.of("reserved DEFLATE block type", "C2 81 00000000 FF", 1007),
                Arguments.of("compressed text that inflates to bad UTF-8", null, 1007));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("compressionErrors")
    void compressionRuleBreaksFailTheConnection(String name, String frames, int code) throws IOException {
        byte[] attack = frames != null ? hex(frames) : RawClient.masked(0xC1, deflated(hex("C0AF")));
        target.assertFails(name, attack, code, OFFER);
    }

    static Stream<Arguments> abusiveOffers() {
        return Stream.of(
                Arguments.of("server_max_window_bits=7", "permessage-deflate; server_max_window_bits=7"),
                Arguments.of("server_max_window_bits=16", "permessage-deflate; server_max_window_bits=16"),
                Arguments.of("server_max_window_bits=abc", "permessage-deflate; server_max_window_bits=abc"),
                Arguments.of("server_max_window_bits=08", "permessage-deflate; server_max_window_bits=08"),
                Arguments.of("server_max_window_bits without a value", "permessage-deflate; server_max_window_bits"),
                Arguments.of("client_max_window_bits=7", "permessage-deflate; client_max_window_bits=7"),
                Arguments.of(
                        "duplicate server_no_context_takeover",
                        "permessage-deflate; server_no_context_takeover; server_no_context_takeover"),
                Arguments.of(
                        "duplicate client_max_window_bits",
                        "permessage-deflate; client_max_window_bits=9; client_max_window_bits=9"),
                Arguments.of(
                        "a value on client_no_context_takeover", "permessage-deflate; client_no_context_takeover=1"),
                Arguments.of("unknown parameter", "permessage-deflate; x-bomb=1"),
                Arguments.of("unknown extension only", "x-webkit-deflate-frame"));
    }

    /**
     * RFC 7692 §5: a server declines an offer it cannot accept and goes on without the extension;
     * the handshake does not fail. Without the extension, RSV1 is then a protocol error.
     */
    @ParameterizedTest(name = "{0} → 101 without the extension")
    @MethodSource("abusiveOffers")
    void unacceptableOffersAreDeclined(String name, String offer) throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            String response = peer.upgrade("/echo", "Sec-WebSocket-Extensions: " + offer);
            assertThat(response).startsWith("HTTP/1.1 101 ").doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
            peer.sendFrame(0x81, RawClient.utf8(name));
            assertThat(peer.readFrame().text()).isEqualTo(name);
            peer.sendFrame(0xC1, deflated(RawClient.utf8("not negotiated")));
            assertThat(peer.expectClose().closeCode()).isEqualTo(1002);
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        target.assertServes("after " + name);
    }

    static Stream<Arguments> acceptableOffers() {
        return Stream.of(
                Arguments.of("permessage-deflate; server_max_window_bits=7, permessage-deflate", NEGOTIATED),
                Arguments.of(
                        "permessage-deflate; server_max_window_bits=10",
                        "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover;"
                                + " client_no_context_takeover; server_max_window_bits=10\r\n"),
                Arguments.of(
                        "permessage-deflate; server_max_window_bits=15",
                        "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover;"
                                + " client_no_context_takeover; server_max_window_bits=15\r\n"),
                Arguments.of("permessage-deflate; client_max_window_bits", NEGOTIATED),
                Arguments.of("x-unknown; a=1, permessage-deflate; client_max_window_bits=8", NEGOTIATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptableOffers")
    void fallbackAndValidWindowOffersAreAccepted(String offer, String negotiated) throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo", "Sec-WebSocket-Extensions: " + offer))
                    .startsWith("HTTP/1.1 101 ")
                    .contains(negotiated);
            peer.sendFrame(0xC1, deflated(RawClient.utf8("inflated")));
            assertThat(peer.readFrame().text()).isEqualTo("inflated");
        }
        target.awaitOnlyProbe();
    }

    /** RFC 7692 §7.1.2.1: a small server window is echoed and honoured (Huffman-only, no back-references). */
    @Test
    void aSmallServerWindowIsHonouredWithHuffmanOnlyCompression() throws Exception {
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=8"))
                    .startsWith("HTTP/1.1 101 ")
                    .contains("server_max_window_bits=8\r\n");
            byte[] message = RawClient.utf8("ab".repeat(4096));
            peer.sendFrame(0xC1, deflated(message));
            RawClient.Frame echo = peer.readFrame();
            assertThat(echo.b0()).isEqualTo(0xC1); // compressed (RSV1), whole
            // With an LZ77 window this would be a few dozen bytes; Huffman-only needs ≥ 1 bit a byte.
            assertThat(echo.payload().length).isGreaterThanOrEqualTo(message.length / 8);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            inflater.setInput(concat(echo.payload(), new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
            byte[] out = new byte[message.length];
            assertThat(inflater.inflate(out)).isEqualTo(message.length);
            inflater.end();
            assertThat(out).isEqualTo(message);
        }
        target.awaitOnlyProbe();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void hugeExtensionsHeaderGets431() throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            String offer = "Sec-WebSocket-Extensions: permessage-deflate" + "; client_max_window_bits".repeat(400);
            peer.write(RawClient.upgradeRequest("/echo", target.port(), offer));
            assertThat(peer.readHead()).startsWith("HTTP/1.1 431 ");
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        target.assertServes("after a huge extensions header");
    }

    @Test
    void sixtyFourOffersAreNegotiated() throws IOException {
        // 63 offers to decline, then one to take: the most ExtensionHeader parses (MAX_ELEMENTS).
        String offer = "Sec-WebSocket-Extensions: " + "permessage-deflate; server_max_window_bits=7, ".repeat(63)
                + "permessage-deflate";
        try (RawClient peer = RawClient.connect(target.port())) {
            assertThat(peer.upgrade("/echo", offer)).startsWith("HTTP/1.1 101 ").contains(NEGOTIATED);
        }
        target.awaitOnlyProbe();
    }

    @ParameterizedTest(name = "{0} → 400")
    @MethodSource("overlongOffers")
    void tooManyExtensionElementsOrParametersGet400(String name, String offer) throws IOException {
        try (RawClient peer = RawClient.connect(target.port())) {
            peer.write(RawClient.upgradeRequest("/echo", target.port(), "Sec-WebSocket-Extensions: " + offer));
            assertThat(peer.readHead()).startsWith("HTTP/1.1 400 ");
            assertThat(peer.awaitEnd(TargetServer.FREED_WITHIN)).isTrue();
        }
        target.awaitOnlyProbe();
        target.assertServes("after " + name);
    }

    static Stream<Arguments> overlongOffers() {
        return Stream.of(
                Arguments.of("65 offers", "permessage-deflate, ".repeat(64) + "permessage-deflate"),
                Arguments.of("65 parameters", "permessage-deflate" + "; a".repeat(65)),
                Arguments.of("malformed list", "permessage-deflate;; server_no_context_takeover"));
    }
}
