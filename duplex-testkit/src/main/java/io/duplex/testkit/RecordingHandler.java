package io.duplex.testkit;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link WebSocketHandler} that records every event of one connection (or of every connection
 * of a route, when the test opens one at a time), for tests on real sockets.
 *
 * <p>Each callback is recorded twice: in {@link #events()}, every event in arrival order (see
 * {@link #await(Class, Predicate)} to wait for one), and by kind in the queues and futures below,
 * from which a test takes what it expects ({@link #nextText()}, {@link #nextMessage()}, {@link
 * #awaitClose()}…). Buffers are copied on arrival (they are only valid during the callback). Every
 * wait is bounded by {@link Await#WAIT}; nothing sleeps. At teardown, {@link #assertNothingLeft()}
 * fails if a message, ping, pong or error arrived that the test never took.
 *
 * <pre>{@code
 * RecordingHandler onServer = new RecordingHandler();
 * server = Loopback.server().route("/ws", onServer).start();
 * WebSocket ws = Await.await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
 * ws.send("hi");
 * assertThat(onServer.nextText()).isEqualTo("hi");
 * ws.close(1000, "bye");
 * assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1000, "bye", true));
 * onServer.assertNothingLeft();
 * }</pre>
 *
 * <p>Subclass it to add behaviour to a callback (call {@code super} to keep the record).
 *
 * <p>Threading: callbacks may run on any thread (the connection's event loop or a handler
 * executor); the queues, futures and the event log are thread-safe, so the test thread may read
 * them at any time.
 */
public class RecordingHandler implements WebSocketHandler {
    /** How long the waits of this class last; the same as {@link Await#WAIT}. */
    public static final Duration WAIT = Await.WAIT;

    /** One recorded callback, as kept by {@link #events()}. */
    public sealed interface Event {}

    /** {@code onOpen}, with the negotiated subprotocol (or null) and extensions. */
    public record Open(String subprotocol, List<String> extensions) implements Event {}

    /** {@code onText}. */
    public record Text(String text) implements Event {}

    /** {@code onBinary}; the data is a copy. */
    public record Binary(ByteBuffer data) implements Event {}

    /** {@code onPing}; the data is a copy. */
    public record Ping(ByteBuffer data) implements Event {}

    /** {@code onPong}; the data is a copy. */
    public record Pong(ByteBuffer data) implements Event {}

    /** How a connection ended, as {@code onClose} reported it. */
    public record Closed(int code, String reason, boolean clean) implements Event {}

    /** {@code onError}. */
    public record Error(Throwable error) implements Event {}

    /** {@code onDrain}. */
    public record Drain() implements Event {}

    /** Completed by the first {@code onOpen}. */
    public final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    /** Text messages not taken yet. */
    public final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** Binary messages not taken yet (copies). */
    public final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    /** Both kinds of message in arrival order: a {@code String} per text, a {@code byte[]} per binary. */
    public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    /** Pings not taken yet (copies). */
    public final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
    /** Pongs not taken yet (copies). */
    public final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
    /** Errors not taken yet. */
    public final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    /** Completed by the first {@code onClose}. */
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    /** How many times {@code onClose} was called (must be once per connection). */
    public final AtomicInteger closeCalls = new AtomicInteger();
    /** How many times {@code onDrain} was called. */
    public final AtomicInteger drains = new AtomicInteger();

    private final List<Event> events = new ArrayList<>();

    /** Creates a handler that has recorded nothing. */
    public RecordingHandler() {}

    @Override
    public void onOpen(WebSocket ws) {
        record(new Open(ws.subprotocol(), ws.extensions()));
        opened.complete(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        record(new Text(text));
        texts.add(text);
        messages.add(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        record(new Binary(copy(data)));
        binaries.add(copy(data));
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        messages.add(bytes);
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        record(new Ping(copy(data)));
        pings.add(copy(data));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        record(new Pong(copy(data)));
        pongs.add(copy(data));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        Closed c = new Closed(code, reason, wasClean);
        record(c);
        closeCalls.incrementAndGet();
        closed.complete(c);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        record(new Error(error));
        errors.add(error);
    }

    @Override
    public void onDrain(WebSocket ws) {
        record(new Drain());
        drains.incrementAndGet();
    }

    /** The socket, once {@code onOpen} has run (bounded wait). */
    public WebSocket awaitOpen() {
        return Await.await(opened);
    }

    /** How the connection closed, once {@code onClose} has run (bounded wait). */
    public Closed awaitClose() {
        return Await.await(closed);
    }

    /** Takes the next text message (bounded wait). */
    public String nextText() {
        return Await.poll(texts);
    }

    /** Takes the next binary message (bounded wait). */
    public ByteBuffer nextBinary() {
        return Await.poll(binaries);
    }

    /**
     * Takes the next message of either kind, in arrival order (bounded wait): a {@code String} for
     * a text message, a {@code byte[]} for a binary one. Do not mix with {@link #nextText()} on
     * the same handler: each message is queued in both.
     */
    public Object nextMessage() {
        return Await.poll(messages);
    }

    /** Every event recorded so far, in arrival order (a snapshot). */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The first recorded event of this type, waiting up to {@link #WAIT} for it. */
    public <E extends Event> E await(Class<E> type) {
        return await(type, e -> true);
    }

    /** The first recorded event of this type that matches, waiting up to {@link #WAIT} for it. */
    public <E extends Event> E await(Class<E> type, Predicate<? super E> matches) {
        return await(type, matches, WAIT);
    }

    /**
     * The first recorded event of this type that matches, waiting up to {@code within} for it (for
     * peers slower than {@link #WAIT} allows, such as a browser or another process).
     */
    public synchronized <E extends Event> E await(Class<E> type, Predicate<? super E> matches, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            for (Event e : events) {
                if (type.isInstance(e) && matches.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + within + "; recorded: " + events);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Teardown check: fails if a text, binary, ping, pong or error was recorded that the test did
     * not take from its queue, or if {@code onClose} ran more than once.
     */
    public void assertNothingLeft() {
        List<String> left = new ArrayList<>();
        texts.forEach(t -> left.add("text " + t));
        binaries.forEach(b -> left.add("binary of " + b.remaining() + " bytes"));
        pings.forEach(b -> left.add("ping of " + b.remaining() + " bytes"));
        pongs.forEach(b -> left.add("pong of " + b.remaining() + " bytes"));
        errors.forEach(e -> left.add("error " + e));
        if (closeCalls.get() > 1) {
            left.add("onClose called " + closeCalls.get() + " times");
        }
        if (!left.isEmpty()) {
            throw new AssertionError("unexpected events left: " + left);
        }
    }

    /** A heap copy of the remaining bytes of {@code data}; {@code data} is not consumed. */
    public static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    /** The ASCII bytes of {@code ascii} in a heap buffer. */
    public static ByteBuffer bytes(String ascii) {
        return ByteBuffer.wrap(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    private synchronized void record(Event event) {
        events.add(event);
        notifyAll();
    }
}
