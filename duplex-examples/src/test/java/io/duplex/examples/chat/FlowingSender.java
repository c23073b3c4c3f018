package io.duplex.examples.chat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A chat member that keeps talking: joins a room on one node and says {@code m1}, {@code m2}… at a
 * steady pace under the server's rate limit (5 a second), whatever happens to Redis — a message the
 * server refuses ({@code unavailable}) is not said again, the next one follows. What it receives
 * of the room's stream is the reference the page is checked against: every {@code message} with
 * its position, checked as it arrives (consecutive offsets after each {@code subscribed} or {@code
 * interrupted}, or a violation is recorded).
 *
 * <p>Threading: the pacing thread sends; the client's loop records; the test thread reads, all
 * under this object's monitor.
 */
final class FlowingSender implements AutoCloseable {
    /** One message of the stream as this member received it. */
    record Line(String epoch, long offset, String nick, String text) {}

    static final Duration PACE = Duration.ofMillis(250);

    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowing-sender");
        t.setDaemon(true);
        return t;
    });
    private final List<Line> stream = new ArrayList<>(); // guarded by this
    private final List<String> violations = new ArrayList<>(); // guarded by this
    private final List<String> errors = new ArrayList<>(); // guarded by this
    private String epoch; // the stream position last received, guarded by this
    private long offset = -1;
    private int said; // guarded by this
    private boolean subscribed; // guarded by this
    private Integer closeCode; // guarded by this
    private WebSocket ws;

    /** Connects to {@code port}, joins {@code room} as {@code nick}, and waits for the answer. */
    static FlowingSender join(WebSocketClient client, int port, String room, String nick) throws Exception {
        FlowingSender sender = new FlowingSender();
        sender.ws = client.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), sender.handler())
                .get(10, TimeUnit.SECONDS);
        sender.ws.send(JsonWriter.message("join")
                .field("room", room)
                .field("nick", nick)
                .toString());
        sender.await("subscribed to " + room, () -> sender.subscribed);
        return sender;
    }

    /** Starts saying a message every {@link #PACE}. */
    void startTalking() {
        long pace = PACE.toMillis();
        pacer.scheduleAtFixedRate(this::sayNext, 0, pace, TimeUnit.MILLISECONDS);
    }

    private void sayNext() {
        int n;
        synchronized (this) {
            n = ++said;
        }
        ws.send(JsonWriter.message("message").field("text", "m" + n).toString());
    }

    /**
     * Waits until a message said after every one said so far came back through the stream (so it
     * is stored) and returns its text: proof the room flows again after whatever happened.
     */
    String awaitFlowing() throws InterruptedException {
        int before;
        synchronized (this) {
            before = said;
        }
        await("a message said after m" + before + " is stored", () -> lastNumber() > before);
        synchronized (this) {
            return stream.get(stream.size() - 1).text();
        }
    }

    private int lastNumber() {
        for (int i = stream.size() - 1; i >= 0; i--) {
            String text = stream.get(i).text();
            if (text.startsWith("m")) {
                return Integer.parseInt(text.substring(1));
            }
        }
        return 0;
    }

    /**
     * Stops the pace, says {@code end} and waits until it came back through the stream: the last
     * message of the run. Returns its text.
     */
    String stopTalking() throws InterruptedException {
        pacer.shutdown();
        if (!pacer.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new AssertionError("the sender did not stop within 5 s");
        }
        ws.send(JsonWriter.message("message").field("text", "end").toString());
        await(
                "end is stored",
                () -> !stream.isEmpty() && stream.get(stream.size() - 1).text().equals("end"));
        return "end";
    }

    synchronized List<Line> stream() {
        return List.copyOf(stream);
    }

    /** Waits until the server refused more than {@code count} messages in all. */
    void awaitRefusedMoreThan(int count) throws InterruptedException {
        await("a message refused (" + (count + 1) + " in all)", () -> errors.size() > count);
    }

    /** How many {@code m…} messages were said. */
    synchronized int said() {
        return said;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized Integer closeCode() {
        return closeCode;
    }

    private synchronized void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closeCode != null) {
                throw new AssertionError("sender: not within 15 s: " + what + " (closed: " + closeCode + ", errors "
                        + errors + ", violations " + violations + ")");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private WebSocketHandler handler() {
        return new WebSocketHandler() {
            @Override
            public void onText(WebSocket s, String text) {
                received(TestJson.object(text));
            }

            @Override
            public void onClose(WebSocket s, int code, String reason, boolean wasClean) {
                synchronized (FlowingSender.this) {
                    closeCode = code;
                    FlowingSender.this.notifyAll();
                }
            }
        };
    }

    private synchronized void received(Map<String, Object> m) {
        switch ((String) m.get("type")) {
            case "subscribed" -> {
                subscribed = true;
                long replayed = ((Double) m.get("replayed")).longValue();
                moveTo((String) m.get("epoch"), offset(m) - replayed);
            }
            case "interrupted" -> moveTo((String) m.get("epoch"), offset(m));
            case "message" -> {
                Line line =
                        new Line((String) m.get("epoch"), offset(m), (String) m.get("nick"), (String) m.get("text"));
                if (!line.epoch().equals(epoch) || line.offset() != offset + 1) {
                    violations.add("after " + offset + "@" + epoch + " came " + line);
                }
                stream.add(line);
                moveTo(line.epoch(), line.offset());
            }
            case "error" -> errors.add((String) m.get("code"));
            default -> {} // joined, presence, history (empty: it joined first), typing
        }
        notifyAll();
    }

    private void moveTo(String epoch, long offset) {
        this.epoch = epoch;
        this.offset = offset;
    }

    private static long offset(Map<String, Object> m) {
        return ((Double) m.get("offset")).longValue();
    }

    /** Stops talking and closes the connection. */
    @Override
    public void close() {
        pacer.shutdownNow();
        if (ws != null) {
            ws.close();
        }
    }
}
