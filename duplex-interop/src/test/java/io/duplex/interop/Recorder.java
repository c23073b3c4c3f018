package io.duplex.interop;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What one Duplex connection saw, in order: a {@link WebSocketHandler} that records every callback
 * as an {@link Event} and lets a test wait (bounded) for one.
 *
 * <p>Threading: callbacks arrive on the connection's event loop; {@link #await} and {@link
 * #events()} are called from the test thread. All state is guarded by {@code this}.
 */
class Recorder implements WebSocketHandler {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** One recorded callback. */
    sealed interface Event {}

    record Open(String subprotocol, List<String> extensions) implements Event {}

    /** A whole message: its type, byte length and digest; short texts are kept as they are. */
    record Message(String type, long length, String sha256, String text) implements Event {
        static Message text(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return new Message("text", bytes.length, Payload.sha256(bytes), bytes.length <= 200 ? text : null);
        }

        static Message binary(ByteBuffer data) {
            return new Message("binary", data.remaining(), Payload.sha256(data), null);
        }

        static Message binary(byte[] data) {
            return binary(ByteBuffer.wrap(data));
        }
    }

    record Ping(String data) implements Event {}

    record Pong(String data) implements Event {}

    record Closed(int code, String reason, boolean clean) implements Event {}

    record Error(String error) implements Event {}

    private final List<Event> events = new ArrayList<>();

    synchronized void add(Event event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The first recorded event of this type, waiting up to {@link #TIMEOUT} for it. */
    <E extends Event> E await(Class<E> type) {
        return await(type, e -> true);
    }

    /** The first recorded event of this type that matches, waiting up to {@link #TIMEOUT}. */
    synchronized <E extends Event> E await(Class<E> type, Predicate<? super E> matches) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (Event e : events) {
                if (type.isInstance(e) && matches.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + TIMEOUT + "; recorded: " + events);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        add(new Open(ws.subprotocol(), ws.extensions()));
    }

    @Override
    public void onText(WebSocket ws, String text) {
        add(Message.text(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        add(Message.binary(data));
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer data) {
        add(new Ping(StandardCharsets.UTF_8.decode(data.duplicate()).toString()));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        add(new Pong(StandardCharsets.UTF_8.decode(data.duplicate()).toString()));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        add(new Closed(code, reason, wasClean));
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        add(new Error(error.toString()));
    }
}
