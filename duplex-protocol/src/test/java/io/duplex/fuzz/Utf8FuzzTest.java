package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Utf8Validator} against the JDK's strict UTF-8 decoder, whole and fed in chunks of the
 * fuzzer's choosing through every {@link FuzzInput.Flavor} of buffer.
 *
 * <p>Input ({@link FuzzInput}): option bits 0–1 the buffer flavor; chunk lengths; the bytes.
 *
 * <p>Oracles: complete and valid exactly when the JDK decodes the bytes; rejection at the first
 * bad byte, i.e. the bytes before it extend to valid UTF-8 and the bytes up to it do not; the
 * index returned is inside the chunk fed; the same verdict at the same byte however the bytes
 * are split; the validator never moves the buffer's position or limit.
 */
class Utf8FuzzTest {

    @FuzzTest
    void validate(byte[] data) {
        FuzzInput in = FuzzInput.parse(data);
        byte[] body = in.body();
        int whole = feed(body, List.of(new FuzzInput.Chunk(0, body.length, false)), FuzzInput.Flavor.HEAP);
        int chunked = feed(body, in.chunks(), FuzzInput.Flavor.of(in.options()));
        Check.equal(whole, chunked, "first bad byte, whole vs chunked");
        if (whole >= 0) {
            Check.that(
                    Observed.jdkExtendsToUtf8(Arrays.copyOf(body, whole)),
                    () -> "rejected at " + whole + ", later than the first byte that cannot be completed");
            Check.that(
                    !Observed.jdkExtendsToUtf8(Arrays.copyOf(body, whole + 1)), () -> "rejected too early at " + whole);
        } else {
            Check.that(Observed.jdkExtendsToUtf8(body), () -> "not rejected, but the JDK cannot complete it");
        }
        Utf8Validator v = new Utf8Validator();
        boolean valid = v.validate(ByteBuffer.wrap(body)) < 0 && v.isComplete();
        Check.equal(Observed.jdkAcceptsUtf8(body), valid, "valid per the JDK vs the validator");
        Check.equal(valid, Utf8Validator.isValid(ByteBuffer.wrap(body)), "isValid");
    }

    /** Feeds the chunks; returns the global index of the first bad byte, or -1. */
    private static int feed(byte[] body, List<FuzzInput.Chunk> chunks, FuzzInput.Flavor flavor) {
        Utf8Validator v = new Utf8Validator();
        int bad = -1;
        for (FuzzInput.Chunk c : chunks) {
            ByteBuffer b = FuzzInput.window(body, c.from(), c.to(), flavor);
            int position = b.position();
            int limit = b.limit();
            int at = v.validate(b);
            Check.that(b.position() == position && b.limit() == limit, () -> "validate moved the buffer");
            if (bad < 0 && at >= 0) {
                Check.that(at >= position && at < limit, () -> "index " + at + " outside the window");
                bad = c.from() + at - position;
            }
            if (bad >= 0) {
                Check.that(v.isRejected(), () -> "not rejected after an invalid byte");
            }
        }
        return bad;
    }
}
