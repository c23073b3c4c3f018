package io.duplex.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reconnect storm against a server speaking the topics protocol (docs/topics-protocol.md), e.g.
 * {@code duplex serve --topics --history 'storm=1000/10m'}: {@code clients} subscribers see a
 * first publication, all disconnect, {@code missed} publications are made, and all reconnect at
 * once and resume with their last position. Measures the time until every subscriber has all it
 * missed (checked: consecutive offsets, {@code recovered: true}), and, given the server's PID,
 * the server's resident memory before and at its peak ({@code VmRSS}, {@code VmHWM} from /proc).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.duplex.benchmarks.ReconnectStorm URL [clients]
 * [missed] [serverPid]}. Not a JMH benchmark: it measures one event, end to end.
 *
 * <p>Threading: the main thread drives; handlers run on the client's event loops.
 */
public final class ReconnectStorm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "storm";

    private ReconnectStorm() {}

    /** One subscriber: its last position and what it received since the storm began. */
    static final class Subscriber implements WebSocketHandler {
        volatile String epoch;
        volatile long offset = -1;
        volatile boolean recovered;
        final AtomicInteger replayed = new AtomicInteger();
        volatile int target;
        volatile CountDownLatch done;
        volatile String broken;

        @Override
        public void onText(WebSocket ws, String text) {
            try {
                JsonNode m = JSON.readTree(text);
                switch (m.path("type").asText()) {
                    case "subscribed" -> {
                        recovered = m.path("recovered").asBoolean();
                        JsonNode p = m.path("position");
                        if (epoch == null) {
                            epoch = p.path("epoch").asText();
                            offset = p.path("offset").asLong();
                        }
                        check();
                    }
                    case "pub" -> {
                        long o = m.path("position").path("offset").asLong();
                        if (o != offset + 1 && broken == null) {
                            broken = "expected offset " + (offset + 1) + ", got " + o;
                        }
                        offset = o;
                        replayed.incrementAndGet();
                        check();
                    }
                    default -> {
                        if (broken == null) {
                            broken = "unexpected " + text;
                        }
                    }
                }
            } catch (Exception e) {
                broken = e.toString();
            }
        }

        private void check() {
            CountDownLatch d = done;
            if (d != null && replayed.get() >= target) {
                done = null;
                d.countDown();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int missed = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        long serverPid = args.length > 3 ? Long.parseLong(args[3]) : -1;

        try (WebSocketClient client =
                WebSocketClient.builder().subprotocols("duplex.topics.v1").build()) {
            WebSocket publisher = client.connect(uri, new WebSocketHandler() {}).get(10, TimeUnit.SECONDS);
            List<Subscriber> subscribers = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                subscribers.add(new Subscriber());
            }
            System.out.printf("connecting %,d subscribers%n", clients);
            List<WebSocket> sockets = connectAll(client, uri, subscribers, false);

            // One publication everyone sees live: their position is then a real one.
            CountDownLatch seen = arm(subscribers, 1);
            publisher.send(publish(0));
            await(seen, "the first publication");

            for (WebSocket ws : sockets) {
                ws.close(1000, "storm");
            }
            AtomicInteger acked = new AtomicInteger();
            CountDownLatch published = new CountDownLatch(1);
            WebSocket acker = client.connect(uri, WebSocketHandler.onText((ws, text) -> {
                        if (text.contains("\"published\"") && acked.incrementAndGet() == missed) {
                            published.countDown();
                        }
                    }))
                    .get(10, TimeUnit.SECONDS);
            for (int i = 1; i <= missed; i++) {
                acker.send(publish(i));
            }
            await(published, "the acknowledgements");
            long rssBefore = status(serverPid, "VmRSS:");

            CountDownLatch recovered = arm(subscribers, missed);
            long t0 = System.nanoTime();
            connectAll(client, uri, subscribers, true);
            await(recovered, "every subscriber's recovery");
            long millis = (System.nanoTime() - t0) / 1_000_000;

            long bad = subscribers.stream()
                    .filter(s -> s.broken != null || !s.recovered || s.replayed.get() != missed)
                    .count();
            subscribers.stream()
                    .filter(s -> s.broken != null)
                    .findFirst()
                    .ifPresent(s -> System.out.println("first problem: " + s.broken));
            System.out.printf(
                    "%,d subscribers each recovered %d missed publications in %,d ms (%,.0f recoveries/s); "
                            + "%d not exactly recovered%n",
                    clients, missed, millis, clients * 1000.0 / millis, bad);
            if (serverPid > 0) {
                System.out.printf(
                        "server RSS before the storm %,d KiB, peak %,d KiB%n", rssBefore, status(serverPid, "VmHWM:"));
            }
            if (bad > 0) {
                System.exit(1);
            }
        }
    }

    /** Connects (and subscribes) every subscriber, at most 512 handshakes in flight. */
    static List<WebSocket> connectAll(WebSocketClient client, URI uri, List<Subscriber> subscribers, boolean resume)
            throws Exception {
        Semaphore inFlight = new Semaphore(512);
        List<CompletableFuture<WebSocket>> futures = new ArrayList<>();
        for (Subscriber s : subscribers) {
            inFlight.acquire();
            CompletableFuture<WebSocket> f = client.connect(uri, s).whenComplete((ws, e) -> {
                inFlight.release();
                if (ws != null) {
                    ws.send(subscribe(resume ? s : null));
                }
            });
            futures.add(f);
        }
        List<WebSocket> sockets = new ArrayList<>();
        for (CompletableFuture<WebSocket> f : futures) {
            sockets.add(f.get(60, TimeUnit.SECONDS));
        }
        return sockets;
    }

    /** Each subscriber counts the latch down once it received {@code publications} more. */
    static CountDownLatch arm(List<Subscriber> subscribers, int publications) {
        CountDownLatch latch = new CountDownLatch(subscribers.size());
        for (Subscriber s : subscribers) {
            s.target = publications;
            s.replayed.set(0);
            s.done = latch;
        }
        return latch;
    }

    static String subscribe(Subscriber resumeFrom) {
        ObjectNode m = JSON.createObjectNode().put("type", "subscribe").put("topic", TOPIC);
        if (resumeFrom != null) {
            m.putObject("since").put("epoch", resumeFrom.epoch).put("offset", resumeFrom.offset);
        }
        return m.toString();
    }

    static String publish(int i) {
        ObjectNode m = JSON.createObjectNode()
                .put("type", "publish")
                .put("topic", TOPIC)
                .put("id", i);
        m.putObject("data").put("n", i);
        return m.toString();
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for " + what + " (" + latch.getCount() + " left)");
        }
    }

    /** A /proc/PID/status value in KiB, or -1. */
    static long status(long pid, String key) throws java.io.IOException {
        if (pid <= 0) {
            return -1;
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
