package io.duplex.protocol;

import io.duplex.extension.Extension;
import io.duplex.frame.FrameParser;
import io.duplex.frame.Opcode;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Utf8Validator;
import io.duplex.frame.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The receive side of {@link Protocol}: turns frame parts into messages (RFC 6455 §5.4), enforcing
 * fragmentation rules, the size and fragment-count limits (on declared lengths, before memory is
 * committed), UTF-8 validity (§8.1, fail fast) and extension decoding. Control frames are collected
 * (≤ 125 bytes) and handed back to the protocol.
 *
 * <p>Threading: confined to the owning connection.
 */
final class MessageReader implements FrameParser.Listener {

    /**
     * The frame parser feeding this reader: the two are one piece of receive state, lent together
     * by a {@link ReaderPool}.
     */
    final FrameParser parser = new FrameParser(true, 0, this);

    // The engine this reader works for, from bind to unbind.
    private Protocol owner;
    private ProtocolConfig config;
    private Protocol.EventSink events;
    private List<Extension> extensions = List.of();

    private final Utf8Validator utf8 = new Utf8Validator();
    /** Allocated on the first control frame: most idle connections never see one. */
    private ByteBuffer controlPayload;

    private boolean stopped;
    private ByteBuffer viewSource;
    private ByteBuffer view;

    // Current frame.
    private Opcode frameOpcode;
    private boolean frameFin;
    private long frameLength;
    private boolean frameWhole;

    // Current data message.
    private Opcode messageOpcode;
    private Extension decoder;
    private int fragments;
    /** Declared (raw, on-the-wire) payload bytes of the message's frames so far. */
    private long rawSize;
    /** Bytes counted against maxMessageSize: declared raw lengths, or decoded bytes with a decoder. */
    private long messageSize;

    /** Text messages up to this size are decoded from a direct buffer through {@link #decodeScratch}. */
    private static final int DECODE_SCRATCH = 4096;
    /** Made on the first such message; kept with the reader. */
    private byte[] decodeScratch;
    /**
     * Whether a {@link ReaderPool} lends this reader: only then does it keep a decode scratch (an
     * engine's own reader would keep 4 KiB per connection).
     */
    boolean pooled;

    /** Nothing stored: one shared empty array, not one per connection. */
    private static final byte[] NO_DATA = {};

    private byte[] data = NO_DATA;
    private int dataLength;

    /**
     * Starts working for {@code engine}, with nothing of a previous engine's frame or message left:
     * its role (masking, RFC 6455 §5.1), limits, negotiated RSV bits and extensions, its event sink,
     * and its control frames handed back to it.
     */
    void bind(Protocol engine) {
        this.owner = engine;
        this.config = engine.config();
        this.events = engine.events();
        this.extensions = engine.extensions();
        int rsv = 0;
        for (Extension e : extensions) {
            rsv |= e.rsv();
        }
        parser.reset(engine.role() == Role.SERVER, config.maxFrameSize(), rsv);
        stopped = false;
        frameOpcode = null;
        frameWhole = false;
        endMessage();
        data = NO_DATA;
    }

    /** Stops working for its engine and lets go of it (a pooled reader must not keep it reachable). */
    void unbind() {
        owner = null;
        config = null;
        events = null;
        extensions = List.of();
        decoder = null;
        data = NO_DATA;
    }

    /** Nothing of a frame or a message is held: the reader can go back to its pool. */
    boolean atRest() {
        return messageOpcode == null && parser.atFrameBoundary();
    }

    /** After a Close frame nothing more is read (RFC 6455 §5.5.1). */
    void stop() {
        stopped = true;
    }

    @Override
    public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
        if (stopped) {
            throw new ProtocolViolationException(Violation.DATA_AFTER_CLOSE);
        }
        frameOpcode = opcode;
        frameFin = fin;
        frameLength = length;
        frameWhole = false;
        if (opcode.isControl() || opcode == Opcode.CONTINUATION) {
            // RFC 7692 §6.1: per-message extensions flag the first frame only; control frames
            // and continuations carry no RSV bits.
            if (rsv != 0) {
                throw new ProtocolViolationException(Violation.COMPRESSED_CONTROL_OR_CONTINUATION);
            }
            if (opcode.isControl()) {
                if (controlPayload == null) {
                    controlPayload = ByteBuffer.allocate(125);
                }
                controlPayload.clear();
                return;
            }
            if (messageOpcode == null) {
                throw new ProtocolViolationException(Violation.CONTINUATION_WITHOUT_START);
            }
            rawSize += length;
            if (++fragments > config.maxFragments() && !fragmentsPaidFor()) {
                // The fragment rule of ProtocolConfig, on declared lengths (invariant 7): a message
                // may have any number of frames as long as they carry minFragmentSize bytes each on
                // average; only the first maxFragments frames may be smaller. RFC 6455 §5.4 puts
                // no bound on fragments, so this is policy (1008), not size (1009).
                throw new ProtocolViolationException(Violation.TOO_MANY_FRAGMENTS);
            }
        } else {
            if (messageOpcode != null) {
                throw new ProtocolViolationException(Violation.NEW_MESSAGE_INSIDE_FRAGMENTED);
            }
            messageOpcode = opcode;
            fragments = 1;
            rawSize = length;
            messageSize = 0;
            dataLength = 0;
            utf8.reset();
            decoder = rsv == 0 ? null : decoderFor(rsv);
        }
        if (decoder == null) {
            // Limits on the declared length, before any byte is stored (invariant 7 in docs/ARCHITECTURE.md).
            if (messageSize + length > config.maxMessageSize()) {
                throw new ProtocolViolationException(Violation.MESSAGE_TOO_BIG);
            }
            messageSize += length;
            // A frame that is a whole message and arrives in one read needs no copy.
            frameWhole = fin && opcode != Opcode.CONTINUATION && config.assembleMessages();
        }
    }

    private boolean fragmentsPaidFor() {
        int min = config.minFragmentSize();
        return min > 0 && rawSize >= (long) fragments * min;
    }

    private Extension decoderFor(int rsv) {
        for (Extension extension : extensions) {
            if (extension.rsv() == rsv) {
                return extension;
            }
        }
        // Several extensions transforming one message is not supported (see ARCHITECTURE.md).
        throw new ProtocolViolationException(Violation.RESERVED_BITS);
    }

    @Override
    public void onFramePayload(ByteBuffer payload) {
        if (frameOpcode.isControl()) {
            controlPayload.put(payload);
        } else if (decoder != null) {
            decoder.decode(payload, false, config.maxMessageSize() - messageSize, this::append);
        } else if (frameWhole && payload.remaining() == frameLength) {
            deliverWhole(payload);
        } else {
            frameWhole = false;
            append(payload);
        }
    }

    @Override
    public void onFrameEnd() {
        if (frameOpcode.isControl()) {
            owner.onControl(frameOpcode, controlPayload.flip());
            return;
        }
        if (frameWhole) {
            // Delivered from onFramePayload, or an empty message.
            if (frameLength == 0) {
                deliver(ByteBuffer.allocate(0));
            }
            endMessage();
            return;
        }
        if (frameFin && decoder != null) {
            decoder.decode(ByteBuffer.allocate(0), true, config.maxMessageSize() - messageSize, this::append);
        }
        if (!config.assembleMessages()) {
            if (frameFin) {
                checkUtf8Complete();
            }
            events.onEvent(new Event.Fragment(
                    messageOpcode == Opcode.TEXT,
                    ByteBuffer.wrap(data, 0, dataLength).slice(),
                    frameFin));
            data = NO_DATA;
            dataLength = 0;
        } else if (frameFin) {
            deliver(ByteBuffer.wrap(data, 0, dataLength));
            data = NO_DATA;
        }
        if (frameFin) {
            endMessage();
        }
    }

    private void endMessage() {
        messageOpcode = null;
        decoder = null;
        dataLength = 0;
    }

    private void deliverWhole(ByteBuffer payload) {
        if (messageOpcode == Opcode.TEXT) {
            int bad = utf8.validate(payload);
            if (bad >= 0 || !utf8.isComplete()) {
                throw new ProtocolViolationException(Violation.INVALID_UTF8);
            }
        }
        // A view, not the caller's buffer object: a handler that clears or flips what it gets
        // must not disturb the runtime's read buffer. It shares the bytes (no copy), and is reused
        // while the caller reads into the same buffer, so whole frames cost no allocation.
        deliver(view(payload));
    }

    private ByteBuffer view(ByteBuffer payload) {
        if (payload != viewSource) {
            viewSource = payload;
            view = payload.duplicate();
        }
        view.limit(view.capacity()).position(payload.position()).limit(payload.limit());
        return view;
    }

    private void deliver(ByteBuffer payload) {
        if (messageOpcode == Opcode.TEXT) {
            checkUtf8Complete();
            events.onEvent(owner.textAsUtf8() ? new Event.TextUtf8(payload) : new Event.Text(decode(payload)));
        } else {
            events.onEvent(new Event.Binary(payload));
        }
    }

    private void checkUtf8Complete() {
        if (messageOpcode == Opcode.TEXT && !utf8.isComplete()) {
            // RFC 6455 §8.1: the message ended inside a code point.
            throw new ProtocolViolationException(Violation.INVALID_UTF8);
        }
    }

    private String decode(ByteBuffer utf8Bytes) {
        if (utf8Bytes.hasArray()) {
            return new String(
                    utf8Bytes.array(),
                    utf8Bytes.arrayOffset() + utf8Bytes.position(),
                    utf8Bytes.remaining(),
                    StandardCharsets.UTF_8);
        }
        // A direct (read) buffer: one bulk copy, then the String constructor's fast path, which
        // beats CharsetDecoder several times over on short messages. Already validated above.
        // Small messages are copied into a scratch array the reader keeps (a pooled reader: one
        // per loop in practice), so the String's own array is the only allocation.
        int n = utf8Bytes.remaining();
        byte[] bytes;
        if (n <= DECODE_SCRATCH && pooled) {
            if (decodeScratch == null) {
                decodeScratch = new byte[DECODE_SCRATCH];
            }
            bytes = decodeScratch;
        } else {
            bytes = new byte[n];
        }
        utf8Bytes.get(utf8Bytes.position(), bytes, 0, n);
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Stores message bytes, validating text as it arrives so a bad byte fails at once. */
    private void append(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (decoder != null) {
            // Raw sizes were checked on the declared length; decoded bytes count as they appear,
            // over the whole message even when fragments are delivered one by one.
            if (messageSize + n > config.maxMessageSize()) {
                throw new ProtocolViolationException(Violation.MESSAGE_TOO_BIG);
            }
            messageSize += n;
        }
        if (messageOpcode == Opcode.TEXT && utf8.validate(bytes) >= 0) {
            throw new ProtocolViolationException(Violation.INVALID_UTF8);
        }
        if (dataLength + n > data.length) {
            grow(dataLength + n);
        }
        bytes.get(data, dataLength, n);
        dataLength += n;
    }

    private void grow(int needed) {
        // Without a decoder the declared lengths are known and already checked against the limit
        // (the message's so far, or the frame's when fragments are delivered one by one): grow to
        // their end at once, so a frame split across reads is stored once, not once per doubling.
        // Doubling still bounds the copies of a message made of many small fragments. A decoder's
        // output size is unknown: double, never past the limit.
        long target = Math.max(needed, Math.max(data.length * 2L, 256));
        if (decoder == null) {
            long declared = config.assembleMessages() ? messageSize : frameLength;
            target = Math.max(needed, Math.max(declared, Math.min(target, declared * 2)));
        }
        int capacity = (int) Math.min(target, config.maxMessageSize());
        byte[] bigger = new byte[capacity];
        System.arraycopy(data, 0, bigger, 0, dataLength);
        data = bigger;
    }
}
