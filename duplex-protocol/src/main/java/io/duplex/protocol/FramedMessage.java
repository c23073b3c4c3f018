package io.duplex.protocol;

import io.duplex.extension.Extension;
import io.duplex.extension.SharedEncoding;
import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Opcode;
import io.duplex.frame.Utf8Validator;
import java.nio.ByteBuffer;

/**
 * A complete message framed once for many server connections (a broadcast): the plain unmasked
 * frame, and one frame per {@link SharedEncoding} that connections ask for (e.g. compressed once
 * for every permessage-deflate connection without context takeover), built on first use and kept.
 * {@link Protocol#sendPrepared} picks the frame that fits its connection, or encodes the payload
 * for that connection alone when its extensions keep state between messages.
 *
 * <p>Threading: safe to share and send from any thread; encoded frames are built under a lock the
 * first time one is asked for.
 */
public final class FramedMessage {

    private final boolean text;
    private final ByteBuffer payload;
    private final ByteBuffer frame;
    /** The last encoding asked for and its frame: one per message in practice (one config). */
    private SharedEncoding encoding;

    private ByteBuffer encodedFrame;

    private FramedMessage(boolean text, ByteBuffer payload) {
        this.text = text;
        this.payload = payload.asReadOnlyBuffer();
        this.frame = frame(text, 0, payload).asReadOnlyBuffer();
    }

    /** A text message from UTF-8 bytes, which it keeps (not copied). */
    public static FramedMessage text(ByteBuffer utf8) {
        if (!Utf8Validator.isValid(utf8.duplicate())) {
            throw new IllegalArgumentException("not valid UTF-8"); // RFC 6455 §8.1
        }
        return new FramedMessage(true, utf8);
    }

    /** A binary message; {@code data} is kept (not copied) and must not change afterwards. */
    public static FramedMessage binary(ByteBuffer data) {
        return new FramedMessage(false, data);
    }

    public boolean isText() {
        return text;
    }

    /** The payload, as a fresh read-only view. */
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    /** Payload size in bytes. */
    public int size() {
        return payload.remaining();
    }

    /** The plain frame (FIN, no RSV bits, unmasked), as a fresh read-only view. */
    public ByteBuffer frame() {
        return frame.duplicate();
    }

    /**
     * The plain frame itself, not a view: for {@link Protocol.Output#writeShared}, whose contract
     * is to read it with absolute indices only (it is read-only and its position never moves), so
     * a broadcast makes no view object per subscriber.
     */
    ByteBuffer sharedFrame() {
        return frame;
    }

    /** As {@link #frame(SharedEncoding)}, the frame itself for {@link Protocol.Output#writeShared}. */
    ByteBuffer sharedFrame(SharedEncoding encoding) {
        synchronized (this) {
            if (!encoding.equals(this.encoding)) {
                Extension.Encoded encoded = encoding.encode(text, payload.duplicate());
                this.encodedFrame = encoded.rsv() == 0 ? frame : frame(text, encoded.rsv(), encoded.payload());
                this.encoding = encoding;
            }
            return encodedFrame;
        }
    }

    /**
     * The frame as {@code encoding} makes it (RSV bits set when it transformed the payload; the
     * plain frame when it did not), encoded once however many connections ask.
     */
    public ByteBuffer frame(SharedEncoding encoding) {
        return sharedFrame(encoding).duplicate();
    }

    private static ByteBuffer frame(boolean text, int rsv, ByteBuffer payload) {
        int length = payload.remaining();
        ByteBuffer f = ByteBuffer.allocate(FrameEncoder.headerSize(length, false) + length);
        FrameEncoder.writeHeader(f, true, rsv, text ? Opcode.TEXT : Opcode.BINARY, length, false, 0);
        f.put(payload.duplicate());
        return f.flip().asReadOnlyBuffer();
    }
}
