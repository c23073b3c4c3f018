package io.duplex.deflate;

import io.duplex.extension.Extension;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Violation;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of permessage-deflate (RFC 7692 §7.2.2): the payload chunks of a message are
 * inflated as they arrive, {@code 00 00 ff ff} is appended at its end, and the output is capped by
 * the caller's limit while inflating, one pooled chunk at a time, so a small message that would
 * inflate to gigabytes costs at most the limit plus one byte of work.
 *
 * <p>Without context takeover an inflater is borrowed at the first chunk of a message and returned
 * at its end; with it, one inflater is kept for the connection's life. On any failure the inflater
 * goes back at once.
 *
 * <p>Threading: confined to the owning connection.
 */
final class MessageInflater {

    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final byte[] NO_INPUT = new byte[0];

    private final DeflaterPool pool;
    private final boolean contextTakeover;
    /** Borrowed for the current message, or (context takeover) for the connection's life. */
    private Inflater inflater;

    MessageInflater(DeflaterPool pool, boolean contextTakeover) {
        this.pool = pool;
        this.contextTakeover = contextTakeover;
    }

    void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, Extension.DecodedSink out) {
        if (inflater == null) {
            inflater = pool.borrowInflater();
        }
        long limit = Math.max(0, maxBytes);
        ByteBuffer chunk = pool.borrowChunk();
        try {
            long produced = 0;
            if (!inflater.finished()) {
                inflater.setInput(payload);
                produced = drain(produced, limit, chunk, out);
            }
            // RFC 7692 §7.2.3.4: bytes after a block with BFINAL set are not DEFLATE data.
            payload.position(payload.limit());
            if (endOfMessage) {
                if (!inflater.finished()) {
                    inflater.setInput(TAIL); // RFC 7692 §7.2.2
                    drain(produced, limit, chunk, out);
                }
                endMessage();
            }
        } catch (DataFormatException e) {
            release();
            throw new ProtocolViolationException(Violation.INVALID_COMPRESSED_DATA, e.getMessage());
        } catch (RuntimeException e) {
            // Too big, or the sink refused the bytes: nothing more of this message is inflated.
            release();
            throw e;
        } finally {
            pool.returnChunk(chunk);
        }
    }

    private long drain(long produced, long limit, ByteBuffer chunk, Extension.DecodedSink out)
            throws DataFormatException {
        int n;
        do {
            // Room for one byte more than allowed: that byte proves the message too big
            // without inflating any further (invariant 7 in docs/ARCHITECTURE.md).
            long left = limit - produced;
            chunk.clear();
            if (left < chunk.capacity()) {
                chunk.limit((int) left + 1);
            }
            n = inflater.inflate(chunk);
            produced += n;
            if (produced > limit) {
                throw new ProtocolViolationException(Violation.MESSAGE_TOO_BIG);
            }
            if (n > 0) {
                out.accept(chunk.flip());
            }
            // With output room left, zlib stops only when the input is used up or the stream
            // ended, so 0 bytes means there is nothing more to get now.
        } while (n > 0);
        return produced;
    }

    private void endMessage() {
        if (contextTakeover && !inflater.finished()) {
            inflater.setInput(NO_INPUT); // keep the window, not the caller's buffer
        } else {
            // No context takeover, or a peer that ended the stream with BFINAL (RFC 7692
            // §7.2.3.4), after which no window can be carried over.
            release();
        }
    }

    private void release() {
        pool.returnInflater(inflater);
        inflater = null;
    }

    /** Returns the inflater held, if any; idempotent. */
    void close() {
        if (inflater != null) {
            release();
        }
    }

    /** Whether this end currently holds an inflater (for tests). */
    boolean holdsInflater() {
        return inflater != null;
    }
}
