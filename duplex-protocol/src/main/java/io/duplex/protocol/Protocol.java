package io.duplex.protocol;

import io.duplex.extension.Extension;
import io.duplex.extension.SharedEncoding;
import io.duplex.frame.FrameEncoder;
import io.duplex.frame.Masking;
import io.duplex.frame.Opcode;
import io.duplex.frame.ProtocolViolationException;
import io.duplex.frame.Utf8Validator;
import io.duplex.frame.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The sans-I/O RFC 6455 engine for one open connection: bytes in ({@link #receive}) become {@link
 * Event}s; messages out ({@link #sendText}, {@link #sendBinary}, …) become bytes handed to an
 * {@link Output}. It owns the close handshake (§7) and fails the connection (§7.1.7) through one
 * path, {@link #fail}, which maps each {@link Violation} to its close code. It never touches
 * sockets, threads or clocks: {@link #closeExpected()} tells the runtime when to arm its timer.
 *
 * <p>Threading: not thread-safe; confined to the connection's event loop.
 */
public final class Protocol {

    /** Receives events; see {@link Event} for how long their buffers live. */
    @FunctionalInterface
    public interface EventSink {
        void onEvent(Event event);
    }

    /**
     * Receives outgoing frames as a header and a payload, so large payloads can be written with a
     * gathering write. The header buffer is reused: copy it during the call. The payload is either
     * the caller's buffer (server role, unmasked) or a fresh masked copy (client role); it must not
     * be modified by the output.
     */
    @FunctionalInterface
    public interface Output {
        void write(ByteBuffer header, ByteBuffer payload);

        /**
         * A complete frame shared by many engines (a {@link FramedMessage}'s, for a broadcast). It
         * is read-only and never changes, so the output may keep a reference to it until it is
         * written instead of copying it during the call; it must read it with absolute indices
         * only, never moving its position or limit, since other engines read the same buffer. By
         * default it is written as a header with an empty payload.
         */
        default void writeShared(ByteBuffer frame) {
            write(frame.duplicate(), EMPTY);
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final ProtocolConfig config;
    private final EventSink events;
    private final Output output;
    /**
     * Where a client's mask keys come from; null for a server, which never masks (RFC 6455 §5.1),
     * and that is how the role is kept: one field less per connection.
     */
    private final IntSupplier maskKeys;
    /**
     * The receive state: this engine's own for life, or, with a {@link #readers} pool, borrowed for
     * a receive call and null between messages.
     */
    private MessageReader reader;

    private final ReaderPool readers;
    private final boolean textAsUtf8;
    /** Where frame headers are written; the owner's shared scratch, or this engine's own. */
    private final ByteBuffer header;

    private final List<Extension> extensions;
    /** Made on the first fragmented message sent (most connections never send one). */
    private Utf8Validator sendingUtf8;

    private State state = State.OPEN;
    private boolean closeSent;
    private boolean closeReceived;
    private boolean closeDelivered;
    private boolean eof;
    /** This end failed the connection (RFC 6455 §7.1.7), for a violation or a local reason. */
    private boolean failed;

    private Violation failure;
    /** An outgoing fragmented message is in progress (RFC 6455 §5.4: no interleaving). */
    private boolean sendingFragments;
    /** Whether the outgoing fragmented message is text, validated as it goes (RFC 6455 §8.1). */
    private boolean sendingText;

    private Protocol(Builder b) {
        Role role = Objects.requireNonNull(b.role, "role");
        this.config = b.config;
        this.events = Objects.requireNonNull(b.events, "events");
        this.output = Objects.requireNonNull(b.output, "output");
        // Servers never mask (RFC 6455 §5.1): only clients need a key source.
        this.maskKeys = role == Role.SERVER ? null : b.maskKeys != null ? b.maskKeys : SecureMaskKeys.INSTANCE;
        this.extensions = List.copyOf(b.extensions);
        this.header = b.headerScratch != null ? b.headerScratch : ByteBuffer.allocate(FrameEncoder.MAX_HEADER_SIZE);
        this.readers = b.readers;
        this.textAsUtf8 = b.textAsUtf8;
        if (readers == null) {
            reader = new MessageReader();
            reader.bind(this);
        }
    }

    public static Builder builder(Role role) {
        return new Builder(role);
    }

    public Role role() {
        return maskKeys == null ? Role.SERVER : Role.CLIENT;
    }

    public State state() {
        return state;
    }

    public ProtocolConfig config() {
        return config;
    }

    /** Whether complete text messages arrive as {@link Event.TextUtf8} rather than {@link Event.Text}. */
    boolean textAsUtf8() {
        return textAsUtf8;
    }

    public List<Extension> extensions() {
        return extensions;
    }

    /** Where this engine's events go (for the reader it lends itself). */
    EventSink events() {
        return events;
    }

    /** The violation this end failed the connection for, or {@code null}. */
    public Violation failure() {
        return failure;
    }

    // ------------------------------------------------------------------ receive

    /**
     * Consumes all of {@code data} (unmasking it in place), emitting events as frames complete.
     * Bytes that arrive after the peer's Close frame are discarded (RFC 6455 §5.5.1).
     */
    public void receive(ByteBuffer data) {
        if (closeReceived || closeDelivered || failure != null || eof) {
            // RFC 6455 §5.5.1: nothing after a Close frame counts; nor after this end failed or
            // the transport ended.
            data.position(data.limit());
            return;
        }
        if (reader == null) {
            reader = readers.take();
            reader.bind(this);
        }
        try {
            reader.parser.parse(data);
        } catch (ProtocolViolationException e) {
            data.position(data.limit());
            if (closeReceived) {
                return; // RFC 6455 §5.5.1: nothing after a Close frame counts.
            }
            fail(e.violation());
        } finally {
            if (readers != null && reader != null && (reader.atRest() || closeReceived || closeDelivered)) {
                // Between messages, or nothing more will be read: the pool's again.
                readers.give(reader);
                reader = null;
            }
        }
    }

    /** The transport ended (TCP FIN or error). Delivers 1006 if the close handshake had not finished. */
    public void receiveEof() {
        if (eof) {
            return;
        }
        eof = true;
        state = State.CLOSED;
        deliverClose(CloseCodes.ABNORMAL, "", false, null);
    }

    /**
     * Fails the WebSocket connection (RFC 6455 §7.1.7): sends a Close frame with the violation's
     * code unless one was sent already, delivers a {@link Event.Close}, and moves to CLOSED so the
     * runtime closes the transport without waiting.
     */
    public void fail(Violation violation) {
        if (state == State.CLOSED) {
            return;
        }
        failure = violation;
        failWith(violation.closeCode(), violation.reason(), violation);
    }

    /**
     * Fails the connection (RFC 6455 §7.1.7) for a reason this end decided rather than a rule the
     * peer broke: a keepalive Pong that never came (1011), a peer that does not read what it is
     * sent (1008), a server going away without a handshake. The same single path as a {@link
     * Violation}: a Close frame with {@code code} unless one was sent already, an {@link
     * Event.Close} with {@code clean == false} and no violation, state CLOSED, and {@link
     * #shouldCloseTransport()} true. Does nothing once CLOSED.
     *
     * @throws IllegalArgumentException for a code that may not be sent or a reason over 123 bytes
     */
    public void fail(int code, String reason) {
        CloseCodes.checkSendable(code, reason);
        if (state == State.CLOSED) {
            return;
        }
        failWith(code, reason, null);
    }

    private void failWith(int code, String reason, Violation violation) {
        failed = true;
        if (!closeSent) {
            writeClose(code, reason);
        }
        state = State.CLOSED;
        deliverClose(code, reason, false, violation);
    }

    /** A control frame from the reader (RFC 6455 §5.5). */
    void onControl(Opcode opcode, ByteBuffer payload) {
        switch (opcode) {
            case PING -> {
                ByteBuffer copy = copy(payload);
                if (config.autoPong() && !closeSent) {
                    writeFrame(true, 0, Opcode.PONG, copy.duplicate());
                }
                events.onEvent(new Event.Ping(copy));
            }
            case PONG -> events.onEvent(new Event.Pong(copy(payload)));
            default -> onCloseFrame(payload);
        }
    }

    private void onCloseFrame(ByteBuffer payload) {
        int code;
        String reason;
        if (payload.remaining() == 0) {
            code = CloseCodes.NO_STATUS;
            reason = "";
        } else if (payload.remaining() == 1) {
            throw new ProtocolViolationException(Violation.CLOSE_PAYLOAD_ONE_BYTE);
        } else {
            code = payload.getShort() & 0xFFFF;
            if (!CloseCodes.isValidOnWire(code)) {
                throw new ProtocolViolationException(Violation.INVALID_CLOSE_CODE);
            }
            if (!Utf8Validator.isValid(payload)) {
                throw new ProtocolViolationException(Violation.INVALID_CLOSE_REASON_UTF8);
            }
            reason = StandardCharsets.UTF_8.decode(payload).toString();
        }
        closeReceived = true;
        reader.stop(); // called from the reader: it is held
        if (!closeSent) {
            // RFC 6455 §5.5.1: reply with a Close frame, typically echoing the status code.
            writeClose(code == CloseCodes.NO_STATUS ? -1 : code, "");
        }
        state = State.CLOSED;
        deliverClose(code, reason, true, null);
    }

    private void deliverClose(int code, String reason, boolean clean, Violation violation) {
        if (!closeDelivered) {
            closeDelivered = true;
            if (reader != null) {
                reader.stop();
            }
            // Nothing is encoded or decoded after this point: give pooled codecs back.
            for (Extension e : extensions) {
                e.close();
            }
            events.onEvent(new Event.Close(code, reason, clean, violation));
        }
    }

    // ------------------------------------------------------------------ send

    /** True while data messages may be sent (OPEN and no Close sent). */
    public boolean canSend() {
        return state == State.OPEN && !closeSent;
    }

    /**
     * Sends a complete message frame encoded once for many connections (a broadcast): the server
     * role only, since clients must mask every frame with a fresh key (RFC 6455 §5.3). The caller
     * vouches for the frame (FIN set, valid opcode, RSV1 only with a negotiated extension that
     * shares encoded payloads); the engine checks its own state.
     *
     * @throws IllegalStateException when data may not be sent now or this is a client
     */
    public void sendPreFramed(ByteBuffer frame) {
        if (maskKeys != null) {
            throw new IllegalStateException("pre-framed messages are unmasked: server role only");
        }
        checkCanSendData();
        if (sendingFragments) {
            throw new IllegalStateException("a fragmented message is in progress");
        }
        output.write(frame, EMPTY);
    }

    /**
     * Sends a message framed once for many connections. The server role writes a frame the
     * message already holds when its extensions allow: none negotiated (the plain frame), or one
     * whose {@link Extension#sharedEncoding()} is not {@code null} (the frame in that encoding,
     * built once for all such connections). Otherwise — a client, which must mask every frame with
     * a fresh key (RFC 6455 §5.3), or an extension that keeps state between messages — the
     * payload is encoded for this connection as {@link #sendBinary} would.
     *
     * @throws IllegalStateException when data may not be sent now
     */
    public void sendPrepared(FramedMessage message) {
        checkCanSendData();
        if (sendingFragments) {
            throw new IllegalStateException("a fragmented message is in progress");
        }
        if (maskKeys == null) {
            if (extensions.isEmpty()) {
                output.writeShared(message.sharedFrame());
                return;
            }
            SharedEncoding shared = extensions.size() == 1 ? extensions.get(0).sharedEncoding() : null;
            if (shared != null) {
                output.writeShared(message.sharedFrame(shared));
                return;
            }
        }
        sendMessage(message.isText(), message.payload());
    }

    /** Whether a fragmented message started with {@link #sendFragment} is still open. */
    public boolean isSendingFragments() {
        return sendingFragments;
    }

    /** Sends a text message (one frame, extensions applied). */
    public void sendText(CharSequence text) {
        sendMessage(true, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends a binary message (one frame, extensions applied). The server role may hand {@code
     * data} itself to the output; the caller must not change it until the output has written it.
     */
    public void sendBinary(ByteBuffer data) {
        sendMessage(false, data);
    }

    /** Sends a complete text message from already-encoded UTF-8 bytes (validated). */
    public void sendTextUtf8(ByteBuffer utf8) {
        if (!Utf8Validator.isValid(utf8)) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
        sendMessage(true, utf8);
    }

    private void sendMessage(boolean text, ByteBuffer payload) {
        checkCanSendData();
        if (sendingFragments) {
            throw new IllegalStateException("a fragmented message is in progress");
        }
        int rsv = 0;
        for (Extension e : extensions) {
            Extension.Encoded encoded = e.encode(text, payload);
            payload = encoded.payload();
            rsv |= encoded.rsv();
        }
        writeFrame(true, rsv, text ? Opcode.TEXT : Opcode.BINARY, payload);
    }

    /**
     * Sends one frame of a fragmented message (RFC 6455 §5.4); extensions are not applied.
     * The first call names the type, later calls continue it; {@code fin} ends it. Text is
     * validated as UTF-8 across fragments (a code point may span two of them, the message may
     * not end inside one); invalid text throws {@link IllegalArgumentException} and sends nothing.
     */
    public void sendFragment(boolean text, ByteBuffer data, boolean fin) {
        checkCanSendData();
        boolean first = !sendingFragments;
        if (first) {
            sendingText = text;
            if (sendingUtf8 == null) {
                sendingUtf8 = new Utf8Validator();
            }
            sendingUtf8.reset();
        }
        int saved = sendingUtf8.state();
        if (sendingText && (sendingUtf8.validate(data) >= 0 || (fin && !sendingUtf8.isComplete()))) {
            // Refused: nothing was sent, so the message can go on with valid text.
            sendingUtf8.restore(saved);
            throw new IllegalArgumentException("not valid UTF-8");
        }
        Opcode opcode = !first ? Opcode.CONTINUATION : text ? Opcode.TEXT : Opcode.BINARY;
        sendingFragments = !fin;
        writeFrame(fin, 0, opcode, data);
    }

    /** Sends a Ping with up to 125 bytes of application data (RFC 6455 §5.5.2). */
    public void sendPing(ByteBuffer data) {
        sendControl(Opcode.PING, data);
    }

    /** Sends an unsolicited Pong (a unidirectional heartbeat, RFC 6455 §5.5.3). */
    public void sendPong(ByteBuffer data) {
        sendControl(Opcode.PONG, data);
    }

    private void sendControl(Opcode opcode, ByteBuffer data) {
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("control frame payload over 125 bytes");
        }
        if (closeSent || state == State.CLOSED) {
            throw new IllegalStateException("close frame already sent");
        }
        writeFrame(true, 0, opcode, data);
    }

    /**
     * Starts the close handshake (RFC 6455 §7.1.2) with a code valid on the wire and a reason of at
     * most 123 UTF-8 bytes. Moves to CLOSING; {@link #closeExpected()} becomes true. Does nothing if
     * a Close was already sent.
     */
    public void sendClose(int code, String reason) {
        CloseCodes.checkSendable(code, reason);
        if (closeSent || state == State.CLOSED) {
            return;
        }
        writeClose(code, reason);
        state = State.CLOSING;
    }

    /**
     * Whether a frame or a data message has begun arriving and has not ended: part of a frame
     * (header or payload) has been read, or a fragmented message is waiting for its last frame. The
     * runtime bounds how long this may last (its message timeout); the engine keeps no clock
     * (invariant 1).
     */
    public boolean receivingMessage() {
        return state != State.CLOSED && reader != null && !reader.atRest();
    }

    /**
     * Whether the runtime should expect the transport to end soon and arm its close timer: a
     * Close frame was sent or received, or the connection failed.
     */
    public boolean closeExpected() {
        // A received Close is always answered (closeSent), so it needs no test of its own.
        return closeSent || state == State.CLOSED;
    }

    /**
     * Whether the runtime should close the transport now: after the handshake completes the server
     * closes TCP first (RFC 6455 §7.1.1); after a failure either side does (§7.1.7). A client that
     * completed the handshake waits for the server's FIN, bounded by its close timer.
     */
    public boolean shouldCloseTransport() {
        return state == State.CLOSED && (maskKeys == null || failed || eof);
    }

    private void checkCanSendData() {
        if (!canSend()) {
            throw new IllegalStateException("cannot send data in state " + state + (closeSent ? " (close sent)" : ""));
        }
    }

    private void writeClose(int code, String reason) {
        closeSent = true;
        ByteBuffer payload;
        if (code < 0) {
            payload = EMPTY;
        } else {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            payload = ByteBuffer.allocate(2 + r.length)
                    .putShort((short) code)
                    .put(r)
                    .flip();
        }
        writeFrame(true, 0, Opcode.CLOSE, payload);
    }

    private void writeFrame(boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        int length = payload.remaining();
        header.clear();
        if (maskKeys != null) {
            // RFC 6455 §5.3: a fresh, unpredictable mask key per frame; mask a copy, never the
            // caller's buffer.
            int key = maskKeys.getAsInt();
            FrameEncoder.writeHeader(header, fin, rsv, opcode, length, true, key);
            ByteBuffer masked = ByteBuffer.allocate(length);
            masked.put(payload.duplicate()).flip();
            Masking.mask(masked, 0, length, key);
            output.write(header.flip(), masked);
        } else {
            FrameEncoder.writeHeader(header, fin, rsv, opcode, length, false, 0);
            output.write(header.flip(), payload);
        }
    }

    private static ByteBuffer copy(ByteBuffer src) {
        ByteBuffer c = ByteBuffer.allocate(src.remaining());
        c.put(src).flip();
        return c;
    }

    /**
     * RFC 6455 §5.3 mask keys from a strong source, drawn in batches of 1,024 per thread: the
     * shared SecureRandom is synchronized and costs about a microsecond a call, and a batch per
     * thread (not per connection) keeps idle client connections small.
     */
    private static final class SecureMaskKeys implements IntSupplier {
        static final SecureMaskKeys INSTANCE = new SecureMaskKeys();
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final ThreadLocal<ByteBuffer> BATCH =
                ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096).position(4096));

        @Override
        public int getAsInt() {
            ByteBuffer batch = BATCH.get();
            if (!batch.hasRemaining()) {
                RANDOM.nextBytes(batch.array());
                batch.clear();
            }
            return batch.getInt();
        }
    }

    /** Builds a {@link Protocol}; not thread-safe. */
    public static final class Builder {
        private final Role role;
        private ProtocolConfig config = ProtocolConfig.DEFAULT;
        private EventSink events;
        private Output output;
        private IntSupplier maskKeys;
        private List<Extension> extensions = List.of();
        private ByteBuffer headerScratch;
        private ReaderPool readers;
        private boolean textAsUtf8;

        private Builder(Role role) {
            this.role = role;
        }

        public Builder config(ProtocolConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        public Builder events(EventSink events) {
            this.events = events;
            return this;
        }

        public Builder output(Output output) {
            this.output = output;
            return this;
        }

        /** The source of client mask keys; tests pass a seeded one. Defaults to {@link SecureRandom}. */
        public Builder maskKeys(IntSupplier maskKeys) {
            this.maskKeys = maskKeys;
            return this;
        }

        /** The extensions negotiated in the opening handshake, in negotiated order. */
        public Builder extensions(List<Extension> extensions) {
            this.extensions = extensions;
            return this;
        }

        /**
         * A buffer of at least {@link FrameEncoder#MAX_HEADER_SIZE} bytes to write frame headers
         * into, which the caller may share among engines that one thread drives (an event loop's
         * connections): {@link Output} copies the header during its call, so nothing outlives it.
         * Without one, the engine allocates its own (88 bytes per connection, idle or not).
         */
        public Builder headerScratch(ByteBuffer headerScratch) {
            if (headerScratch.capacity() < FrameEncoder.MAX_HEADER_SIZE || headerScratch.isReadOnly()) {
                throw new IllegalArgumentException(
                        "a writable header scratch of at least " + FrameEncoder.MAX_HEADER_SIZE + " bytes");
            }
            this.headerScratch = headerScratch;
            return this;
        }

        /**
         * A pool to borrow receive state from for each {@link #receive} call, which the caller
         * shares among engines that one thread drives (an event loop's connections). Without one,
         * the engine keeps its own for life (~180 bytes per connection, idle or not).
         */
        public Builder readers(ReaderPool readers) {
            this.readers = readers;
            return this;
        }

        /**
         * Delivers each complete text message as its validated UTF-8 bytes ({@link
         * Event.TextUtf8}, valid only during the call) instead of a decoded {@code String} ({@link
         * Event.Text}, the default). Validation (RFC 6455 §8.1) is the same either way.
         */
        public Builder textAsUtf8(boolean textAsUtf8) {
            this.textAsUtf8 = textAsUtf8;
            return this;
        }

        public Protocol build() {
            return new Protocol(this);
        }
    }
}
