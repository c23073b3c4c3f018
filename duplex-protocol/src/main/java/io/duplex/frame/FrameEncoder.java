package io.duplex.frame;

import java.nio.ByteBuffer;

/**
 * Writes RFC 6455 §5.2 frame headers (2–14 bytes) into a caller's buffer, so the payload can follow
 * in the same buffer or go out separately in a gathering write. Lengths always use the minimal
 * encoding.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class FrameEncoder {
    /** The largest header: 2 + 8 (64-bit length) + 4 (mask key). */
    public static final int MAX_HEADER_SIZE = 14;

    private FrameEncoder() {}

    /** The header size for a payload of {@code length} bytes. */
    public static int headerSize(long length, boolean masked) {
        int size = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        return masked ? size + 4 : size;
    }

    /**
     * Writes a header at {@code dst}'s position and advances it.
     *
     * @param rsv the RSV bits as a mask over the first byte ({@link Rsv})
     * @param masked whether to set the MASK bit and write {@code maskKey} (clients, RFC 6455 §5.3)
     */
    public static void writeHeader(
            ByteBuffer dst, boolean fin, int rsv, Opcode opcode, long length, boolean masked, int maskKey) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        dst.put((byte) ((fin ? 0x80 : 0) | (rsv & 0x70) | opcode.code()));
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            dst.put((byte) (maskBit | (int) length));
        } else if (length <= 0xFFFF) {
            dst.put((byte) (maskBit | 126));
            putBigEndian(dst, length, 2);
        } else {
            dst.put((byte) (maskBit | 127));
            putBigEndian(dst, length, 8);
        }
        if (masked) {
            putBigEndian(dst, maskKey, 4);
        }
    }

    /** RFC 6455 §5.2: network byte order, whatever order {@code dst} is set to. */
    private static void putBigEndian(ByteBuffer dst, long value, int bytes) {
        for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
            dst.put((byte) (value >>> shift));
        }
    }
}
