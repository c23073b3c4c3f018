package io.duplex.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.duplex.deflate.DeflateConfig;
import io.duplex.deflate.DeflatedPayload;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.extension.ExtensionParameters;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Violation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Target 5: {@code DeflateExtension.decode} (the receiving half of permessage-deflate, RFC 7692
 * §7.2.2) on arbitrary bytes with a small output limit.
 *
 * <p>Input ({@link FuzzInput}): option bits 0–2 pick the limit from {@link #LIMITS}, bit 3 context
 * takeover; chunk lengths, whose bit 7 ends a message after that chunk; the body is the compressed
 * bytes of one or more messages, each cut into decode calls by the chunk lengths.
 *
 * <p>Oracles: the sink never receives more than the limit in a message nor more than the {@code
 * maxBytes} of the call; failures are only {@link ProtocolViolationException} with {@code
 * MESSAGE_TOO_BIG} or {@code INVALID_COMPRESSED_DATA}; the output is what the JDK's own {@link
 * Inflater}, used plainly on the whole message plus the {@code 00 00 ff ff} tail, gives — success
 * there within the limit means success here with the same bytes, and the reverse; codecs and
 * chunks are back in the (counting) pool after each message without context takeover, after every
 * failure, and at close.
 */
class InflateFuzzTest {

    static final int[] LIMITS = {0, 1, 5, 64, 1000, 8192, 16_384, 40_000};
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    @FuzzTest
    void decode(byte[] data) {
        FuzzInput in = FuzzInput.parse(data);
        int limit = LIMITS[in.options() & 7];
        boolean contextTakeover = in.option(3);
        CountingDeflaterPool pool = new CountingDeflaterPool();
        Extension extension = extension(pool, contextTakeover);
        Reference reference = new Reference(contextTakeover);
        try {
            for (List<FuzzInput.Chunk> message : messages(in)) {
                Outcome actual = decodeMessage(extension, in.body(), message, limit);
                Outcome expected = reference.inflate(in.body(), message, limit);
                actual.checkAgainst(expected);
                if (actual.failure != null || !contextTakeover) {
                    Check.equal(0, pool.inflatersOut(), "inflaters held after " + actual);
                }
                Check.equal(0, pool.chunksOut(), "chunks held after a message");
                if (actual.failure != null) {
                    break; // the connection fails: nothing more is decoded
                }
            }
        } finally {
            extension.close();
            reference.end();
        }
        pool.checkAllReturned("after close");
        pool.clear();
    }

    /**
     * {@link PerMessageDeflate#compressOnce} (the shared payload of a prepared message) inflates
     * back to the message through a receiving extension with a limit of exactly its length, and
     * fails with {@code MESSAGE_TOO_BIG} with one byte less; the message buffer is not changed and
     * the pool gets everything back. Input: byte 0 the level (mod 11, minus 1), then the message.
     */
    @FuzzTest
    void compressOnce(byte[] data) {
        int level = data.length > 0 ? (data[0] & 0xFF) % 11 - 1 : -1;
        byte[] message = data.length > 0 ? Arrays.copyOfRange(data, 1, data.length) : new byte[0];
        byte[] before = message.clone();
        CountingDeflaterPool pool = new CountingDeflaterPool();
        DeflatedPayload compressed = PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), level, pool);
        Check.that(Arrays.equals(before, message), () -> "compressOnce changed the message");
        Check.equal(message.length, compressed.uncompressedLength(), "uncompressedLength");
        Check.equal(compressed.compressedLength() < message.length, compressed.saves(), "saves()");
        byte[] wire = Observed.bytes(compressed.payload());
        List<FuzzInput.Chunk> whole = List.of(new FuzzInput.Chunk(0, wire.length, false));

        Extension extension = extension(pool, false);
        try {
            Outcome exact = decodeMessage(extension, wire, whole, message.length);
            Check.equal("ok:" + io.duplex.testing.Hex.of(message), exact.toString(), "inflated with the exact limit");
            if (message.length > 0) {
                Outcome under = decodeMessage(extension, wire, whole, message.length - 1);
                Check.equal(Violation.MESSAGE_TOO_BIG, under.failure, "inflated with one byte less");
            }
        } finally {
            extension.close();
        }
        pool.checkAllReturned("after compressOnce and decode");
        pool.clear();
    }

    static Extension extension(CountingDeflaterPool pool, boolean contextTakeover) {
        PerMessageDeflate factory = new PerMessageDeflate(DeflateConfig.builder()
                .contextTakeover(contextTakeover)
                .pool(pool)
                .build());
        ExtensionParameters offer = ExtensionParameters.of(PerMessageDeflate.NAME);
        if (!contextTakeover) {
            offer = offer.with("client_no_context_takeover", null);
        }
        return factory.serverAccept(List.of(offer)).orElseThrow(() -> new AssertionError("offer declined"));
    }

    /** The chunks grouped into messages: a flagged chunk ends one, and so does the last chunk. */
    static List<List<FuzzInput.Chunk>> messages(FuzzInput in) {
        List<FuzzInput.Chunk> chunks =
                in.chunkLengths().length == 0 ? List.of(new FuzzInput.Chunk(0, in.body().length, false)) : in.chunks();
        List<List<FuzzInput.Chunk>> messages = new ArrayList<>();
        List<FuzzInput.Chunk> current = new ArrayList<>();
        for (FuzzInput.Chunk c : chunks) {
            current.add(c);
            if (c.flag()) {
                messages.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty() || messages.isEmpty()) {
            messages.add(current);
        }
        return messages;
    }

    /** A message's decoded bytes, or the violation it failed with. */
    record Outcome(byte[] bytes, Violation failure) {
        void checkAgainst(Outcome reference) {
            if (failure == null || reference.failure == null) {
                Check.equal(reference.toString(), toString(), "decoded message vs the JDK's inflater");
            }
        }

        @Override
        public String toString() {
            return failure != null ? failure.toString() : "ok:" + io.duplex.testing.Hex.of(bytes);
        }
    }

    private static Outcome decodeMessage(Extension extension, byte[] body, List<FuzzInput.Chunk> chunks, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (int i = 0; i <= chunks.size(); i++) {
                // Every chunk, then the end of the message with no payload, as MessageReader does.
                ByteBuffer payload = i < chunks.size()
                        ? ByteBuffer.wrap(
                                body,
                                chunks.get(i).from(),
                                chunks.get(i).to() - chunks.get(i).from())
                        : ByteBuffer.allocate(0);
                boolean end = i == chunks.size();
                long maxBytes = limit - out.size();
                int before = out.size();
                extension.decode(payload, end, maxBytes, decoded -> {
                    out.write(decoded.array(), decoded.arrayOffset() + decoded.position(), decoded.remaining());
                    decoded.position(decoded.limit());
                    Check.that(out.size() <= limit, () -> "sink received " + out.size() + " > " + limit);
                });
                Check.that(out.size() - before <= maxBytes, () -> "one call gave more than its maxBytes");
                Check.that(!payload.hasRemaining(), () -> "decode left payload bytes unread");
            }
        } catch (ProtocolViolationException e) {
            Violation v = e.violation();
            Check.that(
                    v == Violation.MESSAGE_TOO_BIG || v == Violation.INVALID_COMPRESSED_DATA,
                    () -> "unexpected violation " + v);
            return new Outcome(null, v);
        }
        return new Outcome(out.toByteArray(), null);
    }

    /**
     * The JDK's {@link Inflater} used the plain way: the message's bytes then the tail (unless the
     * stream ended), inflating until nothing more comes; bytes after the end of the stream are
     * ignored (RFC 7692 §7.2.3.4 leaves them undefined; the engine drops them). With context
     * takeover the inflater lives on between messages unless the stream ended.
     */
    static final class Reference {
        private final boolean contextTakeover;
        private Inflater inflater;

        Reference(boolean contextTakeover) {
            this.contextTakeover = contextTakeover;
        }

        Outcome inflate(byte[] body, List<FuzzInput.Chunk> chunks, int limit) {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            int from = chunks.isEmpty() ? 0 : chunks.get(0).from();
            int to = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).to();
            byte[] input = Arrays.copyOfRange(body, from, to);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                inflater.setInput(input);
                drain(buf, out, limit);
                if (!inflater.finished()) {
                    inflater.setInput(TAIL);
                    drain(buf, out, limit);
                }
            } catch (DataFormatException e) {
                end();
                return new Outcome(null, Violation.INVALID_COMPRESSED_DATA);
            } catch (TooBig e) {
                end();
                return new Outcome(null, Violation.MESSAGE_TOO_BIG);
            }
            if (!contextTakeover || inflater.finished()) {
                end();
            }
            return new Outcome(out.toByteArray(), null);
        }

        private void drain(byte[] buf, ByteArrayOutputStream out, int limit) throws DataFormatException {
            int n;
            while (!inflater.finished() && (n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new TooBig();
                }
            }
        }

        void end() {
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }

    private static final class TooBig extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooBig() {
            super(null, null, false, false);
        }
    }
}
