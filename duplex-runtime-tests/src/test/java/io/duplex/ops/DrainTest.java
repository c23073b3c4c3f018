package io.duplex.ops;

import static io.duplex.testkit.Await.catchFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReconnectHint;
import io.duplex.ReconnectPolicy;
import io.duplex.Scheduler;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.drain(over)}: new connections get 503 + Retry-After, open ones get 1012 Service
 * Restart (RFC 6455 §7.4.1) in waves spread over {@code over}, each with a {@link ReconnectHint};
 * a {@link ReconnectPolicy} client honours the hint, so the fleet's reconnect attempts are spread
 * over the window too. 2,000 real clients in this JVM; the percentiles are printed.
 */
class DrainTest {
    static final int CLIENTS = 2_000;
    static final Duration OVER = Duration.ofSeconds(2);

    WebSocketServer server;
    WebSocketClient client;
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
        timer.shutdownNow();
    }

    @Test
    void twoThousandClientsCloseAndReconnectSpreadOverTheWindow() throws Exception {
        Queue<Integer> serverCloses = new ConcurrentLinkedQueue<>();
        server = Loopback.server()
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                        serverCloses.add(code);
                    }
                })
                .start();
        // The reconnect attempts, timed when the client really starts them.
        Queue<Long> attempts = new ConcurrentLinkedQueue<>();
        Scheduler recording = (task, delay) -> {
            var f = timer.schedule(
                    () -> {
                        attempts.add(System.nanoTime());
                        task.run();
                    },
                    delay.toNanos(),
                    TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        client = WebSocketClient.builder()
                .eventLoops(2)
                // One attempt: the drained server answers it 503, and the client gives up.
                .reconnect(ReconnectPolicy.defaults().withMaxAttempts(1))
                .scheduler(recording)
                .build();
        Queue<long[]> closes = new ConcurrentLinkedQueue<>();
        Queue<String> reasons = new ConcurrentLinkedQueue<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                closes.add(new long[] {System.nanoTime(), code});
                reasons.add(reason);
            }
        };
        URI uri = Loopback.uri(server, "/ws");
        for (int from = 0; from < CLIENTS; from += 250) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(CLIENTS, from + 250); i++) {
                batch.add(client.connect(uri, handler));
            }
            batch.forEach(Await::await);
        }
        Await.eventually("all open on the server", () -> server.connectionCount() == CLIENTS);

        long start = System.nanoTime();
        CompletableFuture<Void> drained = server.drain(OVER);
        // A new connection during the drain: 503 with Retry-After.
        Throwable refused;
        try (WebSocketClient late = WebSocketClient.builder().eventLoops(1).build()) {
            refused = catchFailure(late.connect(uri, new WebSocketHandler() {}));
        }
        assertThat(refused).isInstanceOf(HandshakeException.class);
        assertThat(((HandshakeException) refused).status()).isEqualTo(503);
        assertThat(((HandshakeException) refused).headers().first("Retry-After"))
                .isEqualTo("1");

        drained.get(OVER.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        long drainedAfter = System.nanoTime() - start;
        Await.eventually("every client saw its close", () -> closes.size() == CLIENTS);
        Await.eventually("every client attempted once", () -> attempts.size() == CLIENTS);

        assertThat(closes).allSatisfy(c -> assertThat(c[1]).isEqualTo(1012));
        assertThat(serverCloses).hasSize(CLIENTS).allSatisfy(code -> assertThat(code)
                .isEqualTo(1012));
        ReconnectHint hint = ReconnectHint.parse(reasons.peek());
        assertThat(hint).isNotNull();
        assertThat(hint.within()).isEqualTo(Duration.ofMillis(50));

        long[] closeMs = closes.stream()
                .mapToLong(c -> (c[0] - start) / 1_000_000)
                .sorted()
                .toArray();
        long[] attemptMs = attempts.stream()
                .mapToLong(t -> (t - start) / 1_000_000)
                .sorted()
                .toArray();
        System.out.printf(
                "drain of %d clients over %d ms (done after %d ms): closes at %s ms; reconnect attempts at %s ms%n",
                CLIENTS, OVER.toMillis(), drainedAfter / 1_000_000, percentiles(closeMs), percentiles(attemptMs));

        // Spread across the window, not all in one tick: the first closes come early, the last late,
        // and no tenth of the window holds more than a fifth of the clients (an even spread: a tenth).
        assertThat(closeMs[0]).isLessThan(500);
        assertThat(closeMs[closeMs.length - 1]).isGreaterThan(OVER.toMillis() * 3 / 4);
        assertThat(maxShare(closeMs)).isLessThan(0.2);
        assertThat(maxShare(attemptMs)).isLessThan(0.2);
        assertThat(attemptMs[attemptMs.length / 2]).isBetween(OVER.toMillis() / 4, OVER.toMillis() * 3 / 4 + 500);
    }

    /** The largest share of the values that falls into one tenth of the window. */
    static double maxShare(long[] ms) {
        int[] buckets = new int[11];
        for (long m : ms) {
            buckets[(int) Math.min(10, m * 10 / OVER.toMillis())]++;
        }
        return Arrays.stream(buckets).max().orElse(0) / (double) ms.length;
    }

    static String percentiles(long[] sorted) {
        StringBuilder sb = new StringBuilder();
        for (int p : new int[] {0, 10, 25, 50, 75, 90, 99, 100}) {
            int i = Math.min(sorted.length - 1, p * sorted.length / 100);
            sb.append(p == 0 ? "min " : p == 100 ? " max " : " p" + p + " ").append(sorted[i]);
        }
        return sb.toString();
    }
}
