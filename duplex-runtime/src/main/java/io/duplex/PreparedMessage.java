package io.duplex;

import io.duplex.deflate.DeflatedPayload;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Opcode;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * A message encoded once and sent to many sockets (broadcast, pub/sub): the unmasked server frame
 * is built once, and the permessage-deflate frame is compressed at most once, for every
 * subscriber that negotiated no context takeover on the server's side (RFC 7692 §7.1.1.1).
 * Subscribers with context takeover get the message compressed in their own context.
 *
 * <p>Threading: immutable once built (the compressed frame is computed lazily under a lock);
 * safe to share and to send from any thread.
 */
public final class PreparedMessage {
    /** Below this size compression is not worth a frame of its own (DESIGN §6 threshold). */
    static final int COMPRESSION_THRESHOLD = 1024;

    private final boolean text;
    private final ByteBuffer payload;
    private final ByteBuffer frame;
    private ByteBuffer deflatedFrame;
    private boolean deflateTried;

    private PreparedMessage(boolean text, ByteBuffer payload) {
        this.text = text;
        this.payload = payload.asReadOnlyBuffer();
        this.frame = frame(text, 0, payload).asReadOnlyBuffer();
    }

    /** A text message. */
    public static PreparedMessage text(CharSequence text) {
        return new PreparedMessage(true, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A binary message; the bytes are copied. */
    public static PreparedMessage binary(ByteBuffer data) {
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return new PreparedMessage(false, copy);
    }

    public boolean isText() {
        return text;
    }

    /** The message payload (a read-only view). */
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    /** Payload size in bytes. */
    public int size() {
        return payload.remaining();
    }

    /** The whole unmasked frame (a read-only view). */
    public ByteBuffer frame() {
        return frame.duplicate();
    }

    /** The compressed frame with RSV1, or {@code null} when compressing would not pay. */
    public synchronized ByteBuffer deflatedFrame() {
        if (!deflateTried) {
            deflateTried = true;
            if (payload.remaining() >= COMPRESSION_THRESHOLD) {
                DeflatedPayload d = PerMessageDeflate.compressOnce(payload.duplicate(), Deflater.DEFAULT_COMPRESSION);
                if (d.saves()) {
                    deflatedFrame = frame(text, Rsv.RSV1, d.payload()).asReadOnlyBuffer();
                }
            }
        }
        return deflatedFrame == null ? null : deflatedFrame.duplicate();
    }

    private static ByteBuffer frame(boolean text, int rsv, ByteBuffer payload) {
        int length = payload.remaining();
        ByteBuffer f = ByteBuffer.allocate(FrameEncoder.headerSize(length, false) + length);
        FrameEncoder.writeHeader(f, true, rsv, text ? Opcode.TEXT : Opcode.BINARY, length, false, 0);
        f.put(payload.duplicate());
        return f.flip();
    }
}
