package io.duplex.testing;

import io.duplex.protocol.Role;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Hex fixtures for wire tests: {@code "81 05 48 65 6c 6c 6f"} to bytes and back, and the masking a
 * client applies, written naively (byte by byte) so fixtures never depend on the code under test.
 */
public final class Hex {
    /** The key fixtures are masked with; equal to the seeded key {@link ProtocolRecorder} gives clients. */
    public static final int MASK_KEY = 0x37fa213d;

    private static final HexFormat FORMAT = HexFormat.ofDelimiter(" ");

    private Hex() {}

    /** Parses hex; whitespace is ignored, case does not matter. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", "").toLowerCase());
    }

    /** A fresh heap buffer holding {@code hex}. */
    public static ByteBuffer buf(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    /** Canonical form: lower case, one space between bytes. */
    public static String of(byte[] b) {
        return FORMAT.formatHex(b);
    }

    /** The remaining bytes of {@code b}, which is not consumed. */
    public static String of(ByteBuffer b) {
        return of(toArray(b));
    }

    /** Canonical form of a fixture. */
    public static String canon(String hex) {
        return of(bytes(hex));
    }

    public static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** {@code n} bytes {@code 00 01 02 … ff 00 …}, for large payload fixtures. */
    public static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /**
     * The bytes a peer of {@code receiver} sends for these unmasked frame fixtures: unchanged for a
     * client (servers never mask), masked with {@link #MASK_KEY} for a server (clients always mask).
     */
    public static ByteBuffer wire(Role receiver, String... frames) {
        StringBuilder all = new StringBuilder();
        for (String f : frames) {
            all.append(f).append(' ');
        }
        byte[] plain = bytes(all.toString());
        return ByteBuffer.wrap(receiver == Role.SERVER ? mask(plain, MASK_KEY) : plain);
    }

    /**
     * Re-encodes a sequence of unmasked frames as masked ones. The last frame may be truncated (a
     * header only, or part of its payload): what is there is masked.
     */
    public static byte[] mask(byte[] frames, int key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < frames.length) {
            int b1 = frames[at + 1] & 0x7F;
            int ext = b1 == 126 ? 2 : b1 == 127 ? 8 : 0;
            long length = b1;
            for (int i = 0; i < ext; i++) {
                length = i == 0 ? frames[at + 2] & 0xFF : (length << 8) | (frames[at + 2 + i] & 0xFF);
            }
            out.write(frames[at]);
            out.write(frames[at + 1] | 0x80);
            out.write(frames, at + 2, ext);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(key >>> shift);
            }
            at += 2 + ext;
            for (int i = 0; i < length && at < frames.length; i++, at++) {
                out.write(frames[at] ^ (key >>> (24 - 8 * (i & 3))));
            }
        }
        return out.toByteArray();
    }
}
