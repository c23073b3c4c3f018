package io.duplex.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class MaskingTest {

    private static final int KEY = 0x37fa213d;

    /** RFC 6455 §5.3, byte by byte: {@code b[i] ^= key[(keyOffset + i - from) mod 4]}. */
    private static void naiveMask(byte[] b, int from, int to, int key, long keyOffset) {
        for (int i = from; i < to; i++) {
            int k = (int) ((keyOffset + i - from) & 3);
            b[i] ^= (byte) (key >>> (24 - 8 * k));
        }
    }

    /** Random bytes, a region of them to mask with a key and key offset, and the reference result. */
    private record Region(byte[] original, int from, int to, int key, long keyOffset, byte[] expected) {
        /** Up to {@code maxLength} bytes; the region starts at most {@code maxFrom} bytes in. */
        static Region random(Random random, int maxLength, int maxFrom) {
            int length = random.nextInt(maxLength + 1);
            int from = random.nextInt(Math.min(length, maxFrom) + 1);
            int to = from + random.nextInt(length - from + 1);
            int key = random.nextInt();
            long keyOffset = random.nextInt(8);
            byte[] original = new byte[length];
            random.nextBytes(original);
            byte[] expected = original.clone();
            naiveMask(expected, from, to, key, keyOffset);
            return new Region(original, from, to, key, keyOffset, expected);
        }
    }

    private static final IntFunction<ByteBuffer> HEAP = ByteBuffer::allocate;
    private static final IntFunction<ByteBuffer> DIRECT = ByteBuffer::allocateDirect;
    private static final IntFunction<ByteBuffer> HEAP_LITTLE_ENDIAN =
            n -> ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    private static final IntFunction<ByteBuffer> DIRECT_LITTLE_ENDIAN =
            n -> ByteBuffer.allocateDirect(n).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void rfc6455HelloExample() {
        ByteBuffer b = Hex.buf("48 65 6c 6c 6f");
        Masking.mask(b, 0, 5, KEY);
        assertThat(Hex.of(b)).isEqualTo("7f 9f 4d 51 58");
        Masking.mask(b, 0, 5, KEY);
        assertThat(Hex.of(b)).isEqualTo("48 65 6c 6c 6f");
    }

    @Test
    void matchesNaiveReferenceForRandomRegionsAndOffsets() {
        Random random = new Random(6455);
        for (IntFunction<ByteBuffer> kind : List.of(HEAP, DIRECT, HEAP_LITTLE_ENDIAN, DIRECT_LITTLE_ENDIAN)) {
            for (int round = 0; round < 3000; round++) {
                Region r = Region.random(random, 100, 100);
                int length = r.original.length, from = r.from, to = r.to, key = r.key;
                long keyOffset = r.keyOffset;
                byte[] original = r.original, expected = r.expected;

                ByteBuffer buf = kind.apply(length);
                buf.put(original).position(Math.min(3, length)).limit(length);
                Masking.mask(buf, from, to, key, keyOffset);

                assertThat(buf.position()).isEqualTo(Math.min(3, length));
                assertThat(buf.limit()).isEqualTo(length);
                assertThat(contents(buf))
                        .as("len %d [%d,%d) key %08x off %d", length, from, to, key, keyOffset)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void splitApplicationEqualsWholeApplication() {
        Random random = new Random(7);
        for (IntFunction<ByteBuffer> kind : List.of(HEAP, DIRECT)) {
            for (int round = 0; round < 2000; round++) {
                int n = random.nextInt(101);
                int k = random.nextInt(n + 1);
                int key = random.nextInt();
                byte[] original = new byte[n];
                random.nextBytes(original);

                ByteBuffer whole = kind.apply(n).put(original);
                Masking.mask(whole, 0, n, key);
                ByteBuffer split = kind.apply(n).put(original);
                Masking.mask(split, 0, k, key, 0);
                Masking.mask(split, k, n, key, k);

                assertThat(contents(split)).as("n %d k %d", n, k).isEqualTo(contents(whole));
            }
        }
    }

    @Test
    void keyOffsetIsTakenModuloFour() {
        byte[] a = Hex.counting(50);
        ByteBuffer x = ByteBuffer.wrap(a.clone());
        ByteBuffer y = ByteBuffer.wrap(a.clone());
        Masking.mask(x, 0, 50, KEY, 1);
        Masking.mask(y, 0, 50, KEY, 4_000_000_001L);
        assertThat(x.array()).isEqualTo(y.array());
    }

    @Test
    void zeroKeyAndEmptyRegionsChangeNothing() {
        ByteBuffer b = Hex.buf("01 02 03 04 05 06 07 08 09");
        Masking.mask(b, 0, 9, 0);
        Masking.mask(b, 4, 4, KEY);
        Masking.mask(b, 5, 2, KEY);
        assertThat(Hex.of(b)).isEqualTo("01 02 03 04 05 06 07 08 09");
        // A read-only buffer is never touched when there is nothing to do.
        Masking.mask(b.asReadOnlyBuffer(), 0, 9, 0);
    }

    /**
     * Both ways of masking a direct buffer (in place through the view, and through the per-thread
     * array a chunk at a time), and heap buffers that are slices of a larger array, against the
     * reference over regions that cross several chunks.
     */
    @Test
    void directPathsAndHeapSlicesMatchReferenceAcrossChunks() {
        Random random = new Random(7692);
        for (int round = 0; round < 120; round++) {
            Region r = Region.random(random, 3 * Masking.CHUNK + 49, 20);
            int length = r.original.length, from = r.from, to = r.to, key = r.key;
            long keyOffset = r.keyOffset;
            byte[] original = r.original, expected = r.expected;

            for (boolean directView : new boolean[] {true, false}) {
                ByteBuffer direct =
                        ByteBuffer.allocateDirect(length).put(original).clear();
                Masking.mask(direct, from, to, key, keyOffset, directView);
                assertThat(contents(direct))
                        .as("direct, view %b, len %d [%d,%d)", directView, length, from, to)
                        .isEqualTo(expected);
            }
            int skip = 1 + random.nextInt(7);
            ByteBuffer slice = ByteBuffer.allocate(skip + length).position(skip).slice();
            slice.put(original).clear();
            Masking.mask(slice, from, to, key, keyOffset);
            assertThat(slice.arrayOffset()).isEqualTo(skip);
            assertThat(contents(slice))
                    .as("heap slice, len %d [%d,%d)", length, from, to)
                    .isEqualTo(expected);
        }
    }

    @Test
    void readOnlyBuffersAreRefused() {
        for (ByteBuffer b : List.of(ByteBuffer.allocate(9), ByteBuffer.allocateDirect(9))) {
            ByteBuffer readOnly = b.asReadOnlyBuffer();
            assertThatThrownBy(() -> Masking.mask(readOnly, 0, 9, KEY)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    private static byte[] contents(ByteBuffer b) {
        byte[] a = new byte[b.capacity()];
        for (int i = 0; i < a.length; i++) {
            a[i] = b.get(i);
        }
        return a;
    }
}
