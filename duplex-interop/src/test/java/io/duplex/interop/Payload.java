package io.duplex.interop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The messages every peer sends, byte for byte the same as {@code payload.js}, {@code payload.py}
 * and the page's {@code interop.js}, so a size and a SHA-256 say what arrived.
 *
 * <p>Threading: stateless.
 */
final class Payload {
    /** Sizes that cross every length encoding: 7-bit (≤125), 16-bit (126…65535), 64-bit. */
    static final int[] SIZES = {0, 1, 125, 126, 64 * 1024, 1024 * 1024};

    static final String UTF8_SAMPLE = "héllo wörld — 你好 🌍";
    static final List<String> FRAGMENTS_TEXT = List.of("frag-one|", "frag-two|", "frag-three");

    /** How many messages the burst scenario sends back to back. */
    static final int BURST = 1000;

    /** One byte over the default 1 MiB message limit of Duplex (and of Python websockets). */
    static final int TOO_BIG = (1 << 20) + 1;

    /** A highly compressible 48 KiB text. */
    static final String COMPRESSIBLE = "compress me ".repeat(4096);

    private Payload() {}

    /** The i-th burst message: short, except every tenth, which is over the 1 KiB deflate threshold. */
    static String burst(int i) {
        return i % 10 == 9 ? "burst-" + i + "|" + text(2000) : "burst-" + i;
    }

    /**
     * 12000 lowercase letters: a 6000-letter pseudo-random block twice, so a compressor's matches
     * reach back 6000 bytes (beyond a 4 KiB window: catches window-size mistakes in deflate).
     */
    static String windowTrap() {
        byte[] b = new byte[12000];
        int x = 1;
        for (int i = 0; i < 6000; i++) {
            x = (x * 75 + 74) % 65537;
            b[i] = (byte) (97 + x % 26);
            b[i + 6000] = b[i];
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** {@code n} printable ASCII characters: code 32 + (i * 7) % 95. */
    static String text(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (32 + (i * 7) % 95);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** {@code n} bytes: (i * 31 + 7) & 0xff. */
    static byte[] binary(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** {@code binary(30)} in three 10-byte pieces. */
    static List<byte[]> binaryFragments() {
        byte[] all = binary(30);
        return List.of(
                Arrays.copyOfRange(all, 0, 10), Arrays.copyOfRange(all, 10, 20), Arrays.copyOfRange(all, 20, 30));
    }

    static String sha256(byte[] data) {
        return sha256(ByteBuffer.wrap(data));
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of the bytes between position and limit; the buffer itself is not moved. */
    static String sha256(ByteBuffer data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(data.duplicate());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
