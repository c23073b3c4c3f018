package io.duplex.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 §5.3 masking: {@code transformed[i] = original[i] XOR maskKey[(offset + i) mod 4]}.
 * Works 8 bytes at a time through a {@link VarHandle} view, for heap and direct buffers alike, and
 * is offset-aware so a payload unmasked across several split reads gives the same bytes.
 *
 * <p>Threading: stateless; safe from any thread (callers own the buffers they pass).
 */
public final class Masking {
    /**
     * In the machine's own byte order: XOR works byte by byte, so the key only has to be laid out
     * in the same order. A big-endian view swapped the bytes of every load and store on a
     * little-endian machine and kept C2 from vectorizing the loop; in the machine's order it is
     * vectorized (MaskingBenchmark, 64 KiB direct: 3.4× the throughput).
     */
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Masking() {}

    /**
     * XORs {@code buf[from, to)} in place with {@code maskKey} (big-endian: the first key byte is
     * the most significant), starting at key byte {@code keyOffset & 3}. Does not move the
     * buffer's position or limit.
     */
    public static void mask(ByteBuffer buf, int from, int to, int maskKey, long keyOffset) {
        if (maskKey == 0 || from >= to) {
            return;
        }
        // Rotate so that the byte at `from` is XORed with key byte (keyOffset & 3).
        int key = Integer.rotateLeft(maskKey, (int) (keyOffset & 3) * 8);
        long key8 = ((long) key << 32) | (key & 0xFFFF_FFFFL); // the key bytes in memory order, big-endian
        if (LITTLE_ENDIAN) {
            key8 = Long.reverseBytes(key8);
        }
        int i = from;
        for (int end8 = to - 7; i < end8; i += 8) {
            LONGS.set(buf, i, (long) LONGS.get(buf, i) ^ key8);
        }
        // i - from is a multiple of 8, so the remaining bytes start again at key byte 0.
        for (int k = 0; i < to; i++, k++) {
            buf.put(i, (byte) (buf.get(i) ^ (key >>> (24 - 8 * (k & 3)))));
        }
    }

    /** Masks a whole region starting at key byte 0. */
    public static void mask(ByteBuffer buf, int from, int to, int maskKey) {
        mask(buf, from, to, maskKey, 0);
    }
}
