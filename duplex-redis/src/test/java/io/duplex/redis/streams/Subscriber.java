package io.duplex.redis.streams;

import io.duplex.Position;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client subscribed to one topic on a {@link StreamNode}, and the check that what it is sent is
 * whole: after each answer, every publication is the next offset of its position and the payload
 * that was acknowledged for it, unless an explicit notice ({@code int}, or {@code recovered=false})
 * came first. Any other gap, duplicate or stranger fails at once.
 *
 * <p>Threading: the test thread drives it; the client's loop only queues what arrives.
 */
final class Subscriber {
    final String name;
    final String topic;
    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private WebSocket ws;
    private CompletableFuture<Void> closed;
    /** The last position this subscriber was told of (null before its first answer). */
    Position cursor;

    int notices;
    int received;

    Subscriber(String name, String topic) {
        this.name = name;
        this.topic = topic;
    }

    /** Connects to {@code node} and subscribes from the cursor, retrying a refused subscribe. */
    void subscribe(WebSocketClient client, StreamNode node, Map<Position, String> acked) throws Exception {
        for (int attempt = 0; ; attempt++) {
            CompletableFuture<Void> gone = new CompletableFuture<>();
            ws = client.connect(URI.create(node.uri()), new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket s, String text) {
                            inbox.add(text);
                        }

                        @Override
                        public void onClose(WebSocket s, int code, String reason, boolean wasClean) {
                            gone.complete(null);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            closed = gone;
            ws.send("sub " + topic + (cursor == null ? "" : " " + cursor));
            if (awaitAnswer(acked)) {
                return;
            }
            disconnect();
            if (attempt == 20) {
                throw new AssertionError(name + ": subscribe refused 20 times");
            }
            Thread.sleep(100); // UNAVAILABLE: the store is coming back
        }
    }

    /** Closes the connection and waits until it is gone (everything it was sent is queued by then). */
    void disconnect() throws Exception {
        ws.close();
        closed.get(10, TimeUnit.SECONDS);
    }

    /** The connection was closed by the server (its node stopped); waits for it. */
    void awaitClosedByServer() throws Exception {
        closed.get(10, TimeUnit.SECONDS);
    }

    /** Checks everything queued so far. */
    void drain(Map<Position, String> acked) {
        String m;
        while ((m = inbox.poll()) != null) {
            check(m, acked);
        }
    }

    /** Waits (bounded) until the cursor reaches {@code latest}, checking everything on the way. */
    void awaitAt(Position latest, Map<Position, String> acked) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!latest.equals(cursor)) {
            String m = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError(name + " on " + topic + ": at " + cursor + ", expected " + latest);
            }
            check(m, acked);
        }
    }

    private boolean awaitAnswer(Map<Position, String> acked) throws InterruptedException {
        while (true) {
            String m = inbox.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError(name + ": no answer to subscribe");
            }
            if (m.startsWith("err ")) {
                return false;
            }
            boolean answer = m.startsWith("sub ");
            check(m, acked);
            if (answer) {
                return true;
            }
        }
    }

    private void check(String m, Map<Position, String> acked) {
        String[] p = m.split(" ", 4);
        if (!p[1].equals(topic)) {
            throw new AssertionError(name + ": message of another topic: " + m);
        }
        switch (p[0]) {
            case "sub" -> {
                boolean recovered = Boolean.parseBoolean(p[2]);
                Position at = StreamNode.parse(p[3]);
                if (!recovered) {
                    notices++;
                }
                // Recovered from a position: the replay follows it. Otherwise: live from here.
                if (!recovered || cursor == null) {
                    cursor = at;
                }
            }
            case "int" -> {
                notices++;
                cursor = StreamNode.parse(p[2]);
            }
            case "pub" -> {
                Position at = StreamNode.parse(p[2]);
                if (cursor == null || !at.equals(cursor.next())) {
                    throw new AssertionError(name + ": after " + cursor + " came " + at + " (gap or duplicate)");
                }
                String expected = acked.get(at);
                if (!p[3].equals(expected)) {
                    throw new AssertionError(name + ": " + at + " carried " + p[3] + ", acknowledged " + expected);
                }
                cursor = at;
                received++;
            }
            default -> throw new AssertionError(name + ": unexpected " + m);
        }
    }
}
