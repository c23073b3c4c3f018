package io.duplex.benchmarks;

import io.duplex.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * UTF-8 validation of one text payload (RFC 6455 §8.1): {@link Utf8Validator} against the JDK's
 * {@link CharsetDecoder} with {@link CodingErrorAction#REPORT} decoding into a reused {@link
 * CharBuffer} (the JDK's allocation-free way to validate strictly), and {@code new String(bytes,
 * UTF_8)} for reference — what a Text event costs after validation; it replaces bad input rather
 * than reporting it, so it is not a validator. MB/s = ops/s × {@link #size}.
 *
 * <p>{@code ascii} is printable ASCII; {@code mixed} cycles through 1-, 2-, 3- and 4-byte sequences
 * (Latin, accented Latin, CJK, emoji) and is cut at a character boundary, padded with ASCII.
 *
 * <p>Threading: JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Utf8Benchmark {
    private static final String MIXED = "Grüße, 世界! Ça va? 😀 naïve café — ";

    /** Payload bytes. */
    @Param({"32", "1024", "65536"})
    public int size;

    /** {@code ascii} or {@code mixed}. */
    @Param({"ascii", "mixed"})
    public String text;

    private byte[] bytes;
    private ByteBuffer in;
    private CharBuffer out;
    private final Utf8Validator validator = new Utf8Validator();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    @Setup
    public void setUp() {
        bytes = text.equals("mixed") ? mixed(size) : ascii(size);
        in = ByteBuffer.wrap(bytes);
        out = CharBuffer.allocate(size);
        if (!Utf8Validator.isValid(in) || decode().isError()) {
            throw new IllegalStateException("benchmark input is not valid UTF-8");
        }
    }

    @Benchmark
    public boolean validator() {
        validator.reset();
        return validator.validate(in, 0, size) < 0 && validator.isComplete();
    }

    @Benchmark
    public CoderResult jdkDecoder() {
        return decode();
    }

    @Benchmark
    public String jdkNewString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private CoderResult decode() {
        decoder.reset();
        in.clear();
        out.clear();
        CoderResult result = decoder.decode(in, out, true);
        return result.isError() ? result : decoder.flush(out);
    }

    private static byte[] ascii(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (' ' + i % 95);
        }
        return b;
    }

    private static byte[] mixed(int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; ; i = MIXED.offsetByCodePoints(i, 1) % MIXED.length()) {
            byte[] cp = new String(Character.toChars(MIXED.codePointAt(i))).getBytes(StandardCharsets.UTF_8);
            if (cp.length > b.remaining()) {
                break;
            }
            b.put(cp);
        }
        while (b.hasRemaining()) {
            b.put((byte) 'x');
        }
        return b.array();
    }
}
