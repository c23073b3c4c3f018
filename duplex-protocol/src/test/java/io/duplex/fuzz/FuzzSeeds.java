package io.duplex.fuzz;

import io.duplex.handshake.AcceptKey;
import io.duplex.testing.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;

/**
 * Writes the seed corpus that the fuzz tests replay in a normal build (regression mode) and start
 * from when fuzzing: {@code src/test/resources/io/duplex/fuzz/<Class>Inputs/<method>/<name>}. The
 * seeds are written naively (hex, or the JDK's {@link Deflater}), never with the code under test.
 * Inputs Jazzer finds (crashes, or ones worth keeping) go into the same folders by hand.
 *
 * <p>Run from {@code duplex-protocol} after {@code mvn test-compile}: {@code java -cp
 * target/test-classes:target/classes io.duplex.fuzz.FuzzSeeds src/test/resources}.
 */
public final class FuzzSeeds {

    private final Path root;

    private FuzzSeeds(Path root) {
        this.root = root.resolve("io/duplex/fuzz");
    }

    public static void main(String[] args) throws IOException {
        FuzzSeeds seeds = new FuzzSeeds(Path.of(args.length > 0 ? args[0] : "src/test/resources"));
        seeds.frames();
        seeds.closeFrames();
        seeds.requests();
        seeds.responses();
        seeds.extensionHeaders();
        seeds.inflate();
        seeds.compressOnce();
        seeds.encodedFrames();
        seeds.protocolPairs();
        seeds.utf8();
    }

    // Frame stream options: bit 0 client, 1 assembly off, 2 deflate, 3 context takeover,
    // 4 auto-pong off, 5-6 buffer flavor (0 heap, 1 window, 2 slice, 3 direct little-endian).
    private static final int CLIENT = 1;
    private static final int FRAGMENTS = 2;
    private static final int DEFLATE = 4;
    private static final int TAKEOVER = 8;
    private static final int WINDOW = 1 << 5;
    private static final int SLICE = 2 << 5;
    private static final int DIRECT = 3 << 5;
    private static final int CLOSE_FIRST = 1 << 7;

    private void frames() throws IOException {
        String dir = "FrameStreamFuzzTestInputs/frames";
        // RFC 6455 §5.7, as a server reads them (masked) and as a client does.
        write(dir, "rfc6455-masked-hello", input(0, "", "81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        write(dir, "rfc6455-unmasked-hello", input(CLIENT | WINDOW, "02", "81 05 48 65 6c 6c 6f"));
        write(
                dir,
                "rfc6455-fragmented-hello",
                input(CLIENT | FRAGMENTS | SLICE, "00 04", "01 03 48 65 6c 80 02 6c 6f"));
        write(
                dir,
                "rfc6455-ping-pong",
                input(
                        0,
                        "03 0a",
                        Hex.of(Hex.mask(Hex.bytes("89 05 48 65 6c 6c 6f 8a 05 48 65 6c 6c 6f"), 0x37fa213d))));
        write(
                dir,
                "rfc6455-binary-256-then-64k",
                input(
                        CLIENT | DIRECT,
                        "7f",
                        "82 7e 01 00 " + Hex.of(Hex.counting(256)) + " 82 7f 00 00 00 00 00 01 00 00"));
        // RFC 7692 §7.2.3: "Hello" compressed, fragmented, twice with a shared window, stored.
        write(dir, "rfc7692-hello", input(CLIENT | DEFLATE, "03", "c1 07 f2 48 cd c9 c9 07 00"));
        write(dir, "rfc7692-fragmented", input(CLIENT | DEFLATE | FRAGMENTS, "", "41 03 f2 48 cd 80 04 c9 c9 07 00"));
        write(
                dir,
                "rfc7692-shared-window",
                input(CLIENT | DEFLATE | TAKEOVER, "05", "c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"));
        write(dir, "rfc7692-stored", input(CLIENT | DEFLATE, "", "c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"));
        write(
                dir,
                "rfc7692-hello-masked",
                input(DEFLATE | WINDOW, "01", Hex.of(Hex.mask(Hex.bytes("c1 07 f2 48 cd c9 c9 07 00"), 0x37fa213d))));
        byte[] bomb = deflate(new byte[100_000]);
        write(dir, "deflate-bomb", input(CLIENT | DEFLATE, "7f", Hex.of(frameOf(0xC1, bomb))));
        write(dir, "deflate-invalid", input(CLIENT | DEFLATE, "", "c1 03 ff ff ff"));
        // A stream with every length encoding, a ping inside a fragmented text, a close.
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(Hex.bytes("81 00 82 01 2a"));
        s.writeBytes(frameOf(0x82, Hex.counting(200)));
        s.writeBytes(Hex.bytes("01 02 78 e2 89 04 70 69 6e 67 00 01 82 80 02 ac 79"));
        s.writeBytes(Hex.bytes("88 05 03 e8 62 79 65"));
        s.writeBytes(Hex.bytes("81 01 7a"));
        write(dir, "mixed-then-close-client", input(CLIENT | SLICE, "02 05 00 0c", Hex.of(s.toByteArray())));
        write(dir, "mixed-then-close-server", input(DIRECT, "0d 00", Hex.of(Hex.mask(s.toByteArray(), 0x01020304))));
        write(dir, "mixed-fragments", input(CLIENT | FRAGMENTS, "00", Hex.of(s.toByteArray())));
        // One of each violation.
        write(dir, "reserved-opcode", input(CLIENT, "", "83 00"));
        write(dir, "rsv1-without-extension", input(CLIENT, "", "c1 00"));
        write(dir, "unmasked-to-server", input(0, "", "81 00"));
        write(dir, "masked-to-client", input(CLIENT, "", "81 80 00 00 00 00"));
        write(dir, "non-minimal-length", input(CLIENT, "", "81 7e 00 05 68 65 6c 6c 6f"));
        write(dir, "length-top-bit", input(CLIENT, "", "82 7f 80 00 00 00 00 00 00 00"));
        write(dir, "control-too-long", input(CLIENT, "", "89 7e 00 7e"));
        write(dir, "fragmented-control", input(CLIENT, "", "09 00"));
        write(dir, "continuation-without-start", input(CLIENT, "", "80 00"));
        write(dir, "new-message-inside-fragmented", input(CLIENT, "", "01 00 01 00"));
        write(dir, "invalid-utf8", input(CLIENT, "", "81 02 c3 28"));
        write(dir, "invalid-utf8-split", input(CLIENT | FRAGMENTS, "", "01 01 e2 80 02 82 28"));
        write(dir, "too-many-fragments", input(CLIENT, "", "02 00" + " 00 00".repeat(16) + " 80 00"));
        write(dir, "message-too-big", input(CLIENT, "", "02 7e 0f a0 " + "00 ".repeat(4000) + "80 7e 0f a0"));
        write(dir, "frame-too-big", input(CLIENT, "", "82 7e 10 01"));
        write(dir, "rsv-on-continuation", input(CLIENT | DEFLATE, "", "41 03 f2 48 cd c0 04 c9 c9 07 00"));
        // This end sent its Close first (bit 7): no pong, no second Close, whatever comes.
        write(dir, "close-first-ping-then-close", input(CLOSE_FIRST | CLIENT, "", "89 01 61 88 02 03 e8"));
        write(dir, "close-first-then-violation", input(CLOSE_FIRST, "", "81 00"));
    }

    private void closeFrames() throws IOException {
        String dir = "ClosePayloadFuzzTestInputs/closeFrame";
        write(dir, "empty", "00");
        write(dir, "normal", "00 03 e8");
        write(dir, "normal-with-reason-client", "01 03 e8 62 79 65");
        write(dir, "utf8-reason-after-message", "06 0f a0 " + Hex.of("π 😀".getBytes(StandardCharsets.UTF_8)));
        write(dir, "one-byte", "00 03");
        write(dir, "code-1005", "00 03 ed");
        write(dir, "code-999", "01 03 e7");
        write(dir, "code-1016", "00 03 f8");
        write(dir, "code-5000", "00 13 88");
        write(dir, "invalid-utf8-reason", "00 03 e8 c3 28");
        write(dir, "surrogate-reason", "01 03 e8 ed a0 80");
        write(dir, "too-long", "00 03 e8 " + "61 ".repeat(124));
    }

    private static final String UPGRADE = "GET /chat?room=1 HTTP/1.1\r\n"
            + "Host: example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    private void requests() throws IOException {
        String dir = "HttpHeadFuzzTestInputs/request";
        // options: bits 0-1 limits (default, 40/3/200, 200/100/64, 16/0/8192), 2-3 origin policy
        // (same origin, allow list, any, origin required), 4 context takeover.
        write(dir, "upgrade", text(0, "", UPGRADE));
        write(dir, "upgrade-chunked-takeover", text(0x10, "00 10 03", UPGRADE + "\u0081\u0085"));
        write(
                dir,
                "rfc6455-example-any-origin",
                text(
                        0x08,
                        "07",
                        "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                + "Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
                                + "Sec-WebSocket-Version: 13\r\n\r\n"));
        write(
                dir,
                "rfc6455-example-cross-origin",
                text(0, "", UPGRADE.replace("Host: example.com", "Host: server.example.com:80")));
        write(dir, "old-version-426", text(0, "", UPGRADE.replace("Version: 13", "Version: 8")));
        write(dir, "absolute-form", text(0x08, "", UPGRADE.replace("/chat?room=1", "wss://example.com/chat")));
        write(dir, "post-405", text(0, "", UPGRADE.replace("GET", "POST")));
        write(dir, "http10-400", text(0, "", UPGRADE.replace("HTTP/1.1", "HTTP/1.0")));
        write(dir, "http20-505", text(0, "", UPGRADE.replace("HTTP/1.1", "HTTP/2.0")));
        write(dir, "too-many-headers-431", text(1, "", UPGRADE));
        write(dir, "long-request-line-414", text(3, "", "GET /a-long-path-indeed HTTP/1.1\r\n\r\n"));
        write(dir, "head-too-large-431", text(2, "", UPGRADE));
        write(dir, "obs-fold-400", text(0, "", "GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n"));
        write(dir, "bare-lf-400", text(0, "", "GET / HTTP/1.1\nHost: a\r\n\r\n"));
        write(dir, "no-colon-400", text(0, "", "GET / HTTP/1.1\r\nHost a\r\n\r\n"));
        write(dir, "space-before-colon-400", text(0, "", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"));
        write(dir, "incomplete", text(0, "01", "GET / HTTP/1.1\r\nHost: a\r\n"));
    }

    private void responses() throws IOException {
        String dir = "HttpHeadFuzzTestInputs/response";
        String key = HttpHeadFuzzTest.client(new CountingDeflaterPool(), false).key();
        String accepted = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.of(key) + "\r\n"
                + "Sec-WebSocket-Protocol: chat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"
                + "\r\n";
        write(dir, "switching-protocols", text(0, "", accepted));
        write(dir, "switching-protocols-chunked", text(0x10, "00 05", accepted.replace(" Switching Protocols", "")));
        write(
                dir,
                "rfc6455-example-wrong-accept",
                text(
                        0,
                        "",
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
        write(
                dir,
                "unoffered-extension",
                text(0, "", accepted.replace("permessage-deflate", "x-webkit-deflate-frame")));
        write(dir, "retry-after-503", text(0, "", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\r\nbody"));
        write(dir, "bad-status-400", text(0, "", "HTTP/1.1 1010 Nope\r\n\r\n"));
        write(dir, "status-line-too-long-431", text(3, "", "HTTP/1.1 200 OK and a long reason\r\n\r\n"));
    }

    private void extensionHeaders() throws IOException {
        String dir = "ExtensionHeaderFuzzTestInputs/parseFormat";
        write(dir, "client-offer", ascii("permessage-deflate; client_max_window_bits"));
        write(
                dir,
                "two-offers",
                ascii("permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
                        + "permessage-deflate; client_max_window_bits"));
        write(dir, "quoted", ascii("permessage-deflate; server_max_window_bits=\"15\"; server_no_context_takeover"));
        write(dir, "quoted-pair", ascii("foo; bar=\"b\\az\""));
        write(dir, "two-fields", ascii("x-webkit-deflate-frame\npermessage-deflate;client_no_context_takeover"));
        write(dir, "empty-elements", ascii(" , ,permessage-deflate ,\t, "));
        write(
                dir,
                "duplicate-parameter",
                ascii("permessage-deflate; server_no_context_takeover; server_no_context_takeover"));
        write(dir, "malformed", ascii("permessage-deflate; =1"));
        write(dir, "unterminated", ascii("a; b=\"c"));
    }

    private void inflate() throws IOException {
        String dir = "InflateFuzzTestInputs/decode";
        // options: bits 0-2 limit (0, 1, 5, 64, 1000, 8192, 16384, 40000), 3 context takeover;
        // a chunk length with bit 7 set ends a message.
        write(dir, "rfc7692-hello", input(5, "", "f2 48 cd c9 c9 07 00"));
        write(dir, "rfc7692-hello-chunked", input(5, "02 00", "f2 48 cd c9 c9 07 00"));
        write(dir, "rfc7692-shared-window", input(5 | 8, "86 04", "f2 48 cd c9 c9 07 00 f2 00 11 00 00"));
        write(dir, "rfc7692-stored", input(3, "", "00 05 00 fa ff 48 65 6c 6c 6f 00"));
        write(dir, "bfinal-then-garbage", input(5 | 8, "88 03", "f3 48 cd c9 c9 07 00 ff ff f2 48 cd c9 c9 07 00"));
        write(dir, "hello-over-limit", input(2, "", "f2 48 cd c9 c9 07 00"));
        write(dir, "bomb", input(4, "7f", Hex.of(deflate(new byte[1 << 20]))));
        write(dir, "invalid", input(5, "", "ff ff ff ff"));
        write(dir, "too-far-back", input(5, "", "f2 00 11 00 00"));
        write(dir, "empty", input(0, "", ""));
    }

    private void encodedFrames() throws IOException {
        String dir = "RoundTripFuzzTestInputs/encodedFrames";
        // options (bit 0 client, bit 1 assembly off), chunk size - 1, then commands:
        // kind|fragments<<2|ping-inside<<4, payload, cuts, [ping], (mask key, split) per frame.
        String hello = "00 00 05 48 65 6c 6c 6f 37 fa 21 3d 02";
        String fragmented = "1c 00 0d " + Hex.of("Hello, wörld".getBytes(StandardCharsets.UTF_8))
                + " 20 80 c0 04 70 69 6e 67 01 02 03 04 01 00 00 00 00 00 05 06 07 08 03 11 12 13 14 00 21 22 23 24 09";
        String binary = "01 01 2c " + Hex.of(Hex.counting(300)) + " 00 00 00 00 00";
        String control = "02 03 70 69 6e 37 fa 21 3d 01 03 00 00 00 00 00 00";
        write(dir, "server", "00 06 " + hello + " " + fragmented + " " + binary + " " + control);
        write(dir, "client-fragments", "03 00 " + hello + " " + fragmented + " " + control);
    }

    private void protocolPairs() throws IOException {
        String dir = "RoundTripFuzzTestInputs/protocolPair";
        // options (bit 0 deflate, 1 context takeover, 2 assembly off), threshold/8, level+1,
        // chunk size - 1, then commands: bit 0 server sends, bits 1-3 text, binary, text UTF-8,
        // fragmented text, fragmented binary, ping, pong, close.
        String commands = "00 00 05 48 65 6c 6c 6f" // client text "Hello"
                + " 03 00 03 01 02 03" // server binary
                + " 04 00 02 c3 a9" // client text from UTF-8
                + " 06 00 04 f0 9f 98 80 03 40 80 c0" // client fragmented text, cut inside the emoji
                + " 09 00 03 0a 0b 0c 01 80" // server fragmented binary
                + " 0a 04 70 69 6e 67" // client ping
                + " 0d 02 68 69" // server pong
                + " 0f 00 03 62 79 65"; // server closes 1000 "bye"
        write(dir, "plain", "00 00 00 ff " + commands);
        write(dir, "deflate", "01 00 00 02 " + commands);
        write(dir, "deflate-takeover-fragments", "07 00 0a 00 " + commands);
        write(dir, "no-commands", "00");
        // Huffman-only: the response limits the client's window to 9 bits (options bits 3-6 = 2).
        write(dir, "deflate-client-window-9", "11 00 00 00 " + commands);
        // A fragmented text from the client with an invalid fragment tried inside (bit 4):
        // finding F2 (KnownFindings).
        write(dir, "finding-f2-refused-fragment", "00 00 00 ff 16 00 03 61 62 63 01 80");
    }

    private void compressOnce() throws IOException {
        String dir = "InflateFuzzTestInputs/compressOnce";
        // byte 0: level (mod 11, minus 1); then the message.
        write(dir, "hello-default-level", "00 " + Hex.of("Hello".getBytes(StandardCharsets.UTF_8)));
        write(
                dir,
                "json-best",
                "0a " + Hex.of(("{\"id\":1,\"user\":\"alice\"},".repeat(20)).getBytes(StandardCharsets.UTF_8)));
        write(dir, "counting-stored", "01 " + Hex.of(Hex.counting(300)));
        write(dir, "huffman-friendly-level-1", "02 " + "61 62 ".repeat(100));
        write(dir, "empty", "00");
    }

    private void utf8() throws IOException {
        String dir = "Utf8FuzzTestInputs/validate";
        write(dir, "autobahn-6.2", input(0, "05", Hex.of("Hello-µ@ßöäüàá-UTF-8!!".getBytes(StandardCharsets.UTF_8))));
        write(dir, "kosme-split", input(1, "00", Hex.of("κόσμε 😀".getBytes(StandardCharsets.UTF_8))));
        write(
                dir,
                "long-ascii-then-bad",
                input(3, "0a 03", Hex.of("a".repeat(40).getBytes(StandardCharsets.UTF_8)) + " c3 28"));
        write(dir, "surrogate", input(2, "", "ed a0 80"));
        write(dir, "above-10ffff", input(0, "", "f4 90 80 80"));
        write(dir, "overlong", input(0, "", "c0 af e0 80 af f0 8f bf bf"));
        write(dir, "truncated", input(1, "01", "e2 82"));
    }

    // ---------------------------------------------------------------- helpers

    /** A {@link FuzzInput}: options, chunk lengths (hex, each length - 1), body (hex). */
    private static String input(int options, String lengths, String body) {
        int k = lengths.isBlank() ? 0 : Hex.bytes(lengths).length;
        return String.format("%02x %02x %s %s", options, k, lengths, body);
    }

    /** A {@link FuzzInput} whose body is ISO-8859-1 text. */
    private static String text(int options, String lengths, String body) {
        return input(options, lengths, Hex.of(body.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String ascii(String s) {
        return Hex.of(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] frameOf(int b0, byte[] payload) {
        return ClosePayloadFuzzTest.frame(b0, payload);
    }

    /** Raw DEFLATE, SYNC_FLUSHed, with the {@code 00 00 ff ff} tail removed (RFC 7692 §7.2.1). */
    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        byte[] out = new byte[data.length + 64];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(out, n - 4);
    }

    private void write(String dir, String name, String hex) throws IOException {
        Path file = root.resolve(dir).resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, Hex.bytes(hex));
    }
}
