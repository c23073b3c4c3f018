package io.duplex.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout most fuzz targets here share, so that seeds stay readable as hex:
 *
 * <pre>
 * byte 0          options (each target documents its bits)
 * byte 1          low nibble k: how many chunk lengths follow (0 = one byte at a time)
 * bytes 2..2+k    chunk lengths, each (b &amp; 0x7F) + 1; bit 7 is a per-chunk flag some targets use
 * the rest        the body: wire bytes, an HTTP head, compressed data…
 * </pre>
 *
 * The chunk lengths are used cyclically to cut the body, so the fuzzer controls the split points
 * directly (coverage-guided) instead of through a random seed.
 */
record FuzzInput(int options, int[] chunkLengths, boolean[] chunkFlags, byte[] body) {

    static FuzzInput parse(byte[] data) {
        int options = data.length > 0 ? data[0] & 0xFF : 0;
        int k = data.length > 1 ? data[1] & 0x0F : 0;
        int at = Math.min(2, data.length);
        k = Math.min(k, data.length - at);
        int[] lengths = new int[k];
        boolean[] flags = new boolean[k];
        for (int i = 0; i < k; i++) {
            lengths[i] = (data[at + i] & 0x7F) + 1;
            flags[i] = (data[at + i] & 0x80) != 0;
        }
        at += k;
        return new FuzzInput(options, lengths, flags, Arrays.copyOfRange(data, at, data.length));
    }

    boolean option(int bit) {
        return (options & (1 << bit)) != 0;
    }

    /** One cut of the body: bytes {@code [from, to)} and the flag of the length that made it. */
    record Chunk(int from, int to, boolean flag) {}

    /** The body cut by the chunk lengths, cyclically; one byte at a time when there are none. */
    List<Chunk> chunks() {
        List<Chunk> chunks = new ArrayList<>();
        int at = 0;
        for (int i = 0; at < body.length; i++) {
            int n = chunkLengths.length == 0 ? 1 : chunkLengths[i % chunkLengths.length];
            boolean flag = chunkLengths.length != 0 && chunkFlags[i % chunkLengths.length];
            int to = Math.min(body.length, at + n);
            chunks.add(new Chunk(at, to, flag));
            at = to;
        }
        return chunks;
    }

    /**
     * How a chunk is handed to the code under test; the transport's buffers come in all these
     * shapes, and code that mixes absolute and relative indices breaks on some of them.
     */
    enum Flavor {
        /** A heap buffer over exactly the bytes. */
        HEAP,
        /** A heap buffer with position and limit inside a larger array, guard bytes around. */
        WINDOW,
        /** A slice (non-zero array offset) of a larger array, guard bytes around. */
        SLICE,
        /** A little-endian direct buffer with guard bytes around, as pooled read buffers are. */
        DIRECT_LE;

        static Flavor of(int bits) {
            return values()[bits & 3];
        }
    }

    static final int GUARD = 7;
    static final byte GUARD_BYTE = (byte) 0xA5;

    /**
     * A buffer holding {@code src[from, to)} between position and limit, in the given flavor. The
     * bytes outside the window are {@link #GUARD_BYTE}s, which {@link #checkGuards} verifies.
     */
    static ByteBuffer window(byte[] src, int from, int to, Flavor flavor) {
        int n = to - from;
        if (flavor == Flavor.HEAP) {
            return ByteBuffer.wrap(Arrays.copyOfRange(src, from, to));
        }
        ByteBuffer outer = flavor == Flavor.DIRECT_LE
                ? ByteBuffer.allocateDirect(n + 2 * GUARD).order(ByteOrder.LITTLE_ENDIAN)
                : ByteBuffer.allocate(n + 2 * GUARD);
        for (int i = 0; i < outer.capacity(); i++) {
            outer.put(i, GUARD_BYTE);
        }
        outer.position(GUARD);
        outer.put(src, from, n);
        outer.position(GUARD).limit(GUARD + n);
        return flavor == Flavor.SLICE ? outer.slice() : outer;
    }

    /** The guard bytes around a {@link #window} are untouched (nothing wrote outside it). */
    static void checkGuards(ByteBuffer window, Flavor flavor) {
        if (flavor == Flavor.HEAP) {
            return;
        }
        ByteBuffer outer = window.duplicate().clear(); // absolute gets are bounded by the limit
        int start = GUARD;
        if (flavor == Flavor.SLICE) {
            byte[] a = window.array();
            int off = window.arrayOffset();
            for (int i = 0; i < off; i++) {
                Check.that(a[i] == GUARD_BYTE, () -> "byte written before the slice");
            }
            for (int i = off + window.capacity(); i < a.length; i++) {
                Check.that(a[i] == GUARD_BYTE, () -> "byte written after the slice");
            }
            return;
        }
        for (int i = 0; i < start; i++) {
            Check.that(outer.get(i) == GUARD_BYTE, () -> "byte written before the window");
        }
        for (int i = outer.capacity() - GUARD; i < outer.capacity(); i++) {
            Check.that(outer.get(i) == GUARD_BYTE, () -> "byte written after the window");
        }
    }
}
