package io.duplex.testkit;

import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Records what a {@link Protocol} emits: the {@link Event}s it delivers (as an {@link
 * Protocol.EventSink}) and the bytes it writes (as a {@link Protocol.Output}).
 *
 * <p>Event buffers are only valid during delivery, so every buffer is copied on arrival into a
 * fresh read-only heap buffer; recorded events therefore compare by content ({@link
 * ByteBuffer#equals} compares the remaining bytes), e.g. {@code new
 * Event.Binary(ByteBuffer.wrap(bytes))}. Reading a recorded buffer moves its position and changes
 * what it equals; {@code duplicate()} it first.
 *
 * <p>Tests consume events with {@link #takeEvent()}, {@link #takeEvent(Class)} or {@link
 * #takeEvents()} and end with {@link #assertNoMoreEvents()}, or use the handler in
 * try-with-resources so that {@link #close()} fails the test if an event was left unexamined:
 *
 * <pre>{@code
 * try (RecordingHandler server = new RecordingHandler()) {
 *     Protocol p = Protocol.builder(Role.SERVER).events(server).output(server).build();
 *     p.receive(ByteBuffer.wrap(FrameBuilder.text("hi").masked(1).build()));
 *     assertEquals(new Event.Text("hi"), server.takeEvent());
 * }
 * }</pre>
 *
 * <p>Threading: not thread-safe; use it on the thread that drives the protocol.
 */
public final class RecordingHandler implements Protocol.EventSink, Protocol.Output, AutoCloseable {

    private final Deque<Event> events = new ArrayDeque<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /** Creates an empty recorder. */
    public RecordingHandler() {}

    @Override
    public void onEvent(Event event) {
        events.addLast(copyOf(event));
    }

    /** Appends the header and payload bytes; moves neither buffer's position. */
    @Override
    public void write(ByteBuffer header, ByteBuffer payload) {
        written.writeBytes(bytesOf(header));
        written.writeBytes(bytesOf(payload));
    }

    /** Every byte written so far, in order. */
    public byte[] written() {
        return written.toByteArray();
    }

    /** Every byte written since the last call (or since creation), then forgets them. */
    public byte[] takeWritten() {
        byte[] bytes = written.toByteArray();
        written.reset();
        return bytes;
    }

    /** The events recorded and not yet taken, oldest first; does not consume them. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events recorded and not yet taken, oldest first, marking them consumed. */
    public List<Event> takeEvents() {
        List<Event> taken = new ArrayList<>(events);
        events.clear();
        return taken;
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

    /**
     * @throws AssertionError listing the events that were recorded but never taken
     */
    public void assertNoMoreEvents() {
        if (!events.isEmpty()) {
            throw new AssertionError("unexpected events left unconsumed: " + events);
        }
    }

    /** Teardown check: the same as {@link #assertNoMoreEvents()}. */
    @Override
    public void close() {
        assertNoMoreEvents();
    }

    private static Event copyOf(Event event) {
        // Java 17: no pattern matching for switch yet.
        if (event instanceof Event.Binary b) {
            return new Event.Binary(copy(b.data()));
        } else if (event instanceof Event.Fragment f) {
            return new Event.Fragment(f.text(), copy(f.data()), f.last());
        } else if (event instanceof Event.Ping p) {
            return new Event.Ping(copy(p.data()));
        } else if (event instanceof Event.Pong p) {
            return new Event.Pong(copy(p.data()));
        }
        return event; // Text and Close hold no buffers.
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        return ByteBuffer.wrap(bytesOf(buffer)).asReadOnlyBuffer();
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
