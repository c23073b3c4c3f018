package io.duplex.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.frame.Violation;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ReaderPool;
import io.duplex.protocol.Role;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Records what a {@link Protocol} emits: the {@link Event}s it delivers (as an {@link
 * Protocol.EventSink}) and the bytes it writes (as a {@link Protocol.Output}).
 *
 * <p>Event buffers are only valid during delivery, so every buffer is copied on arrival into a
 * fresh read-only heap buffer; recorded events therefore compare by content ({@link
 * ByteBuffer#equals} compares the remaining bytes). Reading a recorded buffer moves its position
 * and changes what it equals; {@code duplicate()} it first.
 *
 * <p>Tests take what they expect ({@link #takeEvent()}, {@link #takeEvents()} as {@link
 * #describe} strings, {@link #takeAll()}, {@link #takeFrames()}, {@link #takeOutput()}) and end
 * with {@link #assertDone()} (no event and no byte left) or {@link #assertNoMoreEvents()}, or use
 * the recorder in try-with-resources so that {@link #close()} fails the test if an event was left
 * unexamined: nothing unexpected goes unnoticed.
 *
 * <pre>{@code
 * try (ProtocolRecorder server = new ProtocolRecorder()) {
 *     Protocol p = server.protocol(Role.SERVER);
 *     p.receive(ByteBuffer.wrap(FrameBuilder.text("hi").masked(1).build()));
 *     assertEquals(new Event.Text("hi"), server.takeEvent());
 * }
 * }</pre>
 *
 * <p>Threading: not thread-safe; use it on the thread that drives the protocol.
 */
public final class ProtocolRecorder implements Protocol.EventSink, Protocol.Output, AutoCloseable {

    /** A frame this end wrote, unmasked. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        /** The close code of a Close frame, or -1 when it has no payload. */
        public int closeCode() {
            assertThat(opcode).as("opcode").isEqualTo(0x8);
            return payload.length == 0 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Deque<Event> events = new ArrayDeque<>();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    /**
     * Receive state shared by every engine a recorder builds on one test thread, as an event loop's
     * connections share theirs: all recorder-based tests run the pooled path, with client and server
     * engines of one test borrowing the same readers. (Engines built without a pool are covered by
     * the fuzz tests and {@code ReaderPoolTest}.)
     */
    private static final ThreadLocal<ReaderPool> READERS = ThreadLocal.withInitial(() -> new ReaderPool(4));

    /**
     * A builder wired to this recorder, with the seeded mask key {@link Hex#MASK_KEY} and the test
     * thread's {@link ReaderPool}.
     */
    public Protocol.Builder builder(Role role) {
        return Protocol.builder(role)
                .events(this)
                .output(this)
                .maskKeys(() -> Hex.MASK_KEY)
                .readers(READERS.get());
    }

    public Protocol protocol(Role role) {
        return builder(role).build();
    }

    /** Creates an empty recorder. */
    public ProtocolRecorder() {}

    @Override
    public void onEvent(Event event) {
        events.addLast(snapshot(event));
    }

    @Override
    public void write(ByteBuffer header, ByteBuffer payload) {
        wire.writeBytes(Hex.toArray(header));
        wire.writeBytes(Hex.toArray(payload));
    }

    /**
     * The oldest unconsumed event.
     *
     * @throws AssertionError if there is none
     */
    public Event takeEvent() {
        Event event = events.pollFirst();
        if (event == null) {
            throw new AssertionError("expected an event but none was recorded");
        }
        return event;
    }

    /**
     * The oldest unconsumed event, which must be of type {@code type}.
     *
     * @throws AssertionError if there is none or it has another type (it is consumed anyway)
     */
    public <T extends Event> T takeEvent(Class<T> type) {
        Event event = takeEvent();
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + event);
        }
        return type.cast(event);
    }

    /** Short for {@link #takeEvent()}. */
    public Event next() {
        return takeEvent();
    }

    /** Short for {@link #takeEvent(Class)}. */
    public <T extends Event> T next(Class<T> type) {
        return takeEvent(type);
    }

    /** The events recorded and not yet taken, oldest first; does not consume them. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events recorded and not yet taken, oldest first, marking them consumed. */
    public List<Event> takeAll() {
        List<Event> taken = new ArrayList<>(events);
        events.clear();
        return taken;
    }

    /** All events not taken yet, as {@link #describe} strings. */
    public List<String> takeEvents() {
        List<String> list = new ArrayList<>();
        while (!events.isEmpty()) {
            list.add(describe(events.pollFirst()));
        }
        return list;
    }

    /** Everything written since the last take, in canonical hex. */
    public String takeOutput() {
        return Hex.of(takeBytes());
    }

    /** Every byte written since the last take, without taking it. */
    public byte[] written() {
        return wire.toByteArray();
    }

    /** Same as {@link #takeBytes()}. */
    public byte[] takeWritten() {
        return takeBytes();
    }

    /** Everything written since the last take, then forgets it. */
    public byte[] takeBytes() {
        byte[] b = wire.toByteArray();
        wire.reset();
        return b;
    }

    /** Everything written since the last take, split into frames and unmasked. */
    public List<Frame> takeFrames() {
        byte[] b = takeBytes();
        List<Frame> frames = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            int b0 = b[at] & 0xFF;
            int b1 = b[at + 1] & 0xFF;
            at += 2;
            long length = b1 & 0x7F;
            int ext = length == 126 ? 2 : length == 127 ? 8 : 0;
            if (ext > 0) {
                length = 0;
                for (int i = 0; i < ext; i++) {
                    length = (length << 8) | (b[at++] & 0xFF);
                }
            }
            boolean masked = (b1 & 0x80) != 0;
            int key = 0;
            if (masked) {
                key = ByteBuffer.wrap(b, at, 4).getInt();
                at += 4;
            }
            byte[] payload = new byte[(int) length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (b[at + i] ^ (key >>> (24 - 8 * (i & 3))));
            }
            at += (int) length;
            frames.add(new Frame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0F, masked, payload));
        }
        return frames;
    }

    /**
     * The engine failed the connection for {@code violation}: it wrote exactly one Close frame with
     * the violation's code (masked iff {@code role} is a client) and delivered an unclean {@link
     * Event.Close} carrying the violation. Nothing else was emitted.
     */
    public void assertFailed(Role role, Violation violation) {
        List<Frame> written = takeFrames();
        assertThat(written).as("frames written").hasSize(1);
        assertThat(written.get(0).masked()).as("masked").isEqualTo(role == Role.CLIENT);
        assertThat(written.get(0).closeCode()).as("close code written").isEqualTo(violation.closeCode());
        Event.Close close = next(Event.Close.class);
        assertThat(close.violation()).as("violation").isEqualTo(violation);
        assertThat(close.code()).as("close code").isEqualTo(violation.closeCode());
        assertThat(close.clean()).as("clean").isFalse();
        assertDone();
    }

    /** Nothing unexpected is left: every event and every written byte was taken. */
    public void assertDone() {
        assertThat(takeEvents()).as("events left").isEmpty();
        assertThat(takeOutput()).as("output left").isEmpty();
    }

    /**
     * @throws AssertionError listing the events that were recorded but never taken
     */
    public void assertNoMoreEvents() {
        if (!events.isEmpty()) {
            throw new AssertionError("unexpected events left unconsumed: " + events);
        }
    }

    /** Teardown check: the same as {@link #assertNoMoreEvents()} (written bytes may be left). */
    @Override
    public void close() {
        assertNoMoreEvents();
    }

    /**
     * A compact, comparable description: {@code text:Hello}, {@code utf8:Hello} (text delivered as
     * bytes), {@code binary[3]:01 02 03} (long
     * payloads by length and CRC), {@code close:1000,reason,clean,null}.
     */
    public static String describe(Event event) {
        if (event instanceof Event.Text t) {
            return "text:" + t.text();
        } else if (event instanceof Event.TextUtf8 t) {
            return "utf8:" + new String(Hex.toArray(t.utf8()), StandardCharsets.UTF_8);
        } else if (event instanceof Event.Binary b) {
            return "binary" + bytes(b.data());
        } else if (event instanceof Event.Fragment f) {
            return "fragment(" + (f.text() ? "text" : "binary") + (f.last() ? ",last)" : ")") + bytes(f.data());
        } else if (event instanceof Event.Ping p) {
            return "ping" + bytes(p.data());
        } else if (event instanceof Event.Pong p) {
            return "pong" + bytes(p.data());
        }
        Event.Close c = (Event.Close) event;
        return "close:" + c.code() + "," + c.reason() + "," + c.clean() + "," + c.violation();
    }

    private static String bytes(ByteBuffer b) {
        byte[] a = Hex.toArray(b);
        if (a.length <= 32) {
            return "[" + a.length + "]:" + Hex.of(a);
        }
        CRC32 crc = new CRC32();
        crc.update(a);
        return "[" + a.length + "]#" + Long.toHexString(crc.getValue());
    }

    private static Event snapshot(Event event) {
        if (event instanceof Event.TextUtf8 t) {
            return new Event.TextUtf8(copy(t.utf8()));
        } else if (event instanceof Event.Binary b) {
            return new Event.Binary(copy(b.data()));
        } else if (event instanceof Event.Fragment f) {
            return new Event.Fragment(f.text(), copy(f.data()), f.last());
        } else if (event instanceof Event.Ping p) {
            return new Event.Ping(copy(p.data()));
        } else if (event instanceof Event.Pong p) {
            return new Event.Pong(copy(p.data()));
        }
        return event;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(Hex.toArray(b)).asReadOnlyBuffer();
    }

    /** UTF-8 text as hex, for fixtures. */
    public static String utf8(String s) {
        return Hex.of(s.getBytes(StandardCharsets.UTF_8));
    }
}
