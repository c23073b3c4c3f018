package io.duplex.frame;

import java.nio.ByteBuffer;

/**
 * Incremental RFC 6455 §5.2 frame parser: header → extended length → mask key → payload.
 *
 * <p>Any split of the input, down to one byte at a time, gives the same callbacks apart from how a
 * payload is chunked. A header that arrives whole is decoded straight from the input; a split
 * header is kept in a 14-byte scratch array. Payload bytes are unmasked in place and handed to the
 * {@link Listener} as a window of the caller's buffer (its position and limit temporarily set), so
 * a frame that arrives whole costs no allocation. Every limit is checked on the <em>declared</em>
 * length, before any payload byte is read (invariant 7 in docs/ARCHITECTURE.md).
 *
 * <p>Threading: not thread-safe; confined to one connection.
 */
public final class FrameParser {

    /** Receives the parts of each frame in order. */
    public interface Listener {
        /** A frame header was read and passed the frame-level rules. */
        void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length);

        /**
         * Unmasked payload bytes between {@code payload.position()} and {@code payload.limit()}.
         * The window is only valid during the call; the listener must not keep the buffer.
         */
        void onFramePayload(ByteBuffer payload);

        /** The frame's payload is complete (also called for empty frames). */
        void onFrameEnd();
    }

    private static final int MAX_HEADER = 14;

    /** Not final: a pooled parser is {@link #reset} for each engine that borrows it. */
    private boolean expectMasked;

    private final Listener listener;
    /**
     * A header split across reads is collected here; made on the first such header (~90 bytes an
     * idle connection that never sees one does not hold).
     */
    private ByteBuffer scratchBuffer;

    private long maxFrameSize;
    private int allowedRsv;

    private int scratchLength;
    private boolean inPayload;
    private long payloadRemaining;
    private long payloadOffset;
    private int maskKey;

    /**
     * @param expectMasked {@code true} for a server (client frames must be masked, RFC 6455 §5.1),
     *     {@code false} for a client (server frames must not be)
     * @param maxFrameSize the largest declared payload length accepted
     */
    public FrameParser(boolean expectMasked, long maxFrameSize, Listener listener) {
        this.expectMasked = expectMasked;
        this.maxFrameSize = maxFrameSize;
        this.listener = listener;
    }

    /** The RSV bits negotiated extensions claim; any other RSV bit fails the connection. */
    public void allowedRsv(int rsvMask) {
        this.allowedRsv = rsvMask & Rsv.ALL;
    }

    /** Changes the frame size limit for frames whose header has not been read yet. */
    public void maxFrameSize(long maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Forgets any partial frame and takes new settings, so that one parser (with its listener) can
     * serve engines one after another: a pool of receive state shared by the connections of one
     * thread, where an idle connection holds none.
     */
    public void reset(boolean expectMasked, long maxFrameSize, int rsvMask) {
        this.expectMasked = expectMasked;
        this.maxFrameSize = maxFrameSize;
        allowedRsv(rsvMask);
        scratchLength = 0;
        inPayload = false;
        payloadRemaining = 0;
        payloadOffset = 0;
        maskKey = 0;
    }

    /** True between frames (no partial header or payload buffered). */
    public boolean atFrameBoundary() {
        return !inPayload && scratchLength == 0;
    }

    /**
     * Consumes all of {@code in}, calling the listener for every frame part.
     *
     * @throws ProtocolViolationException at the first rule break; the parser is then unusable
     */
    public void parse(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (inPayload) {
                readPayload(in);
            } else if (scratchLength == 0 && in.remaining() >= 2) {
                int base = in.position();
                int size = headerSize(in, base);
                if (in.remaining() >= size) {
                    // Fast path: the whole header is in the input; decode it in place.
                    in.position(base + size);
                    decodeHeader(in, base);
                } else {
                    readSplitHeader(in);
                }
            } else {
                readSplitHeader(in);
            }
        }
    }

    private void readSplitHeader(ByteBuffer in) {
        if (scratchBuffer == null) {
            scratchBuffer = ByteBuffer.allocate(MAX_HEADER);
        }
        byte[] scratch = scratchBuffer.array();
        if (scratchLength < 2) {
            scratch[scratchLength++] = in.get();
            if (scratchLength < 2) {
                return;
            }
        }
        int size = headerSize(scratchBuffer, 0);
        int take = Math.min(size - scratchLength, in.remaining());
        in.get(scratch, scratchLength, take);
        scratchLength += take;
        if (scratchLength == size) {
            scratchLength = 0;
            decodeHeader(scratchBuffer, 0);
        }
    }

    /**
     * The header size from its first two bytes, after checking every rule those two bytes decide,
     * so that a bad frame fails before the rest of its header arrives.
     */
    private int headerSize(ByteBuffer b, int base) {
        int b0 = b.get(base) & 0xFF;
        int b1 = b.get(base + 1) & 0xFF;
        Opcode opcode = Opcode.of(b0);
        if (opcode == null) {
            throw new ProtocolViolationException(Violation.RESERVED_OPCODE);
        }
        if ((b0 & Rsv.ALL & ~allowedRsv) != 0) {
            throw new ProtocolViolationException(Violation.RESERVED_BITS);
        }
        boolean masked = (b1 & 0x80) != 0;
        if (masked != expectMasked) {
            throw new ProtocolViolationException(
                    expectMasked ? Violation.UNMASKED_CLIENT_FRAME : Violation.MASKED_SERVER_FRAME);
        }
        int len7 = b1 & 0x7F;
        if (opcode.isControl()) {
            // RFC 6455 §5.5: control frames must not be fragmented and carry ≤ 125 bytes.
            if ((b0 & 0x80) == 0) {
                throw new ProtocolViolationException(Violation.FRAGMENTED_CONTROL_FRAME);
            }
            if (len7 > 125) {
                throw new ProtocolViolationException(Violation.CONTROL_FRAME_TOO_LONG);
            }
        }
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        return 2 + extended + (masked ? 4 : 0);
    }

    private void decodeHeader(ByteBuffer b, int base) {
        int b0 = b.get(base) & 0xFF;
        int b1 = b.get(base + 1) & 0xFF;
        int len7 = b1 & 0x7F;
        long length;
        int at = base + 2;
        if (len7 == 126) {
            length = bigEndian(b, at, 2);
            at += 2;
            if (length < 126) {
                throw new ProtocolViolationException(Violation.NON_MINIMAL_LENGTH);
            }
        } else if (len7 == 127) {
            length = bigEndian(b, at, 8);
            at += 8;
            // RFC 6455 §5.2: the most significant bit MUST be 0.
            if (length < 0) {
                throw new ProtocolViolationException(Violation.LENGTH_TOP_BIT_SET);
            }
            if (length < 65536) {
                throw new ProtocolViolationException(Violation.NON_MINIMAL_LENGTH);
            }
        } else {
            length = len7;
        }
        if (length > maxFrameSize) {
            throw new ProtocolViolationException(Violation.FRAME_TOO_BIG);
        }
        maskKey = (b1 & 0x80) != 0 ? (int) bigEndian(b, at, 4) : 0;
        payloadRemaining = length;
        payloadOffset = 0;
        listener.onFrameHeader((b0 & 0x80) != 0, b0 & Rsv.ALL, Opcode.of(b0), length);
        if (length == 0) {
            listener.onFrameEnd();
        } else {
            inPayload = true;
        }
    }

    /**
     * RFC 6455 §5.2: multi-byte fields are in network byte order, whatever order the caller's
     * buffer is set to (a pooled direct buffer is often little-endian).
     */
    private static long bigEndian(ByteBuffer b, int at, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = (value << 8) | (b.get(at + i) & 0xFF);
        }
        return value;
    }

    private void readPayload(ByteBuffer in) {
        int start = in.position();
        int n = (int) Math.min(payloadRemaining, in.remaining());
        int end = start + n;
        Masking.mask(in, start, end, maskKey, payloadOffset);
        int limit = in.limit();
        in.limit(end);
        try {
            listener.onFramePayload(in);
        } finally {
            in.limit(limit);
            in.position(end);
        }
        payloadRemaining -= n;
        payloadOffset += n;
        if (payloadRemaining == 0) {
            inPayload = false;
            listener.onFrameEnd();
        }
    }
}
