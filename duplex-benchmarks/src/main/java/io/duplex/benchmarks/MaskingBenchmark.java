package io.duplex.benchmarks;

import io.duplex.frame.Masking;
import io.duplex.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RFC 6455 §5.3 masking of one payload in place: {@link Masking#mask} (8 bytes at a time through a
 * {@code VarHandle}) against the textbook byte loop, on heap and direct buffers. Masking twice
 * restores the bytes, so no reset is needed between operations. MB/s = ops/s × {@link #size}.
 *
 * <p>Threading: JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    private static final int KEY = 0x37fa213d;

    /** Payload bytes. */
    @Param({"32", "1024", "65536"})
    public int size;

    /** {@code heap} ({@code ByteBuffer.allocate}) or {@code direct} ({@code allocateDirect}). */
    @Param({"heap", "direct"})
    public String buffer;

    /**
     * Whether the process first masked and validated heap and direct buffers alike, as a server
     * does that also dials out, assembles messages on the heap or checks text: the JDK's {@code
     * ByteBuffer} views share their code and profile across the process.
     */
    @Param({"false", "true"})
    public boolean polluted;

    private ByteBuffer buf;
    private final byte[] keyBytes = ByteBuffer.allocate(4).putInt(KEY).array();

    @Setup
    public void setUp() {
        buf = buffer.equals("direct") ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        byte[] bytes = new byte[size];
        new SplittableRandom(6455).nextBytes(bytes);
        buf.put(bytes).clear();
        if (polluted) {
            ByteBuffer heap = ByteBuffer.wrap(bytes);
            ByteBuffer direct = ByteBuffer.allocateDirect(size).put(bytes).clear();
            Utf8Validator validator = new Utf8Validator();
            for (int i = 0; i < 100_000; i++) {
                ByteBuffer b = (i & 1) == 0 ? heap : direct;
                Masking.mask(b, 0, size, KEY);
                validator.reset();
                validator.validate(b);
            }
        }
    }

    @Benchmark
    public ByteBuffer masking() {
        Masking.mask(buf, 0, size, KEY);
        return buf;
    }

    /** {@code b[i] ^= key[i % 4]}, one byte at a time, as most implementations start out. */
    @Benchmark
    public ByteBuffer naiveLoop() {
        ByteBuffer b = buf;
        byte[] k = keyBytes;
        for (int i = 0, n = size; i < n; i++) {
            b.put(i, (byte) (b.get(i) ^ k[i & 3]));
        }
        return b;
    }
}
