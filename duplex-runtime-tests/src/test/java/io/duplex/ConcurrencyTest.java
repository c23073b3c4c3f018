package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many connections at once: 1,000 clients each exchanging ten messages with an echo server. */
class ConcurrencyTest {
    static final int CONNECTIONS = 1000;
    static final int MESSAGES = 10;

    /** Checks that one connection's echoes come back complete and in order. */
    static final class Counter implements WebSocketHandler {
        final CountDownLatch done;
        final ConcurrentLinkedQueue<String> problems;
        final AtomicInteger closed;
        int next;

        Counter(CountDownLatch done, ConcurrentLinkedQueue<String> problems, AtomicInteger closed) {
            this.done = done;
            this.problems = problems;
            this.closed = closed;
        }

        @Override
        public void onText(WebSocket ws, String text) {
            if (!text.equals("m" + next)) {
                problems.add("expected m" + next + " got " + text);
            }
            next++;
            if (next == MESSAGES) {
                done.countDown();
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            closed.incrementAndGet();
            if (next != MESSAGES) {
                problems.add("closed early: " + code + " after " + next);
            }
        }
    }

    @Test
    void thousandConnectionsExchangeMessages() throws Exception {
        WebSocketServer server = Loopback.server()
                .config(WebSocketConfig.builder().maxConnections(CONNECTIONS).build())
                .route("/echo", WebSocketHandler.echo())
                .start();
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(2).build()) {
            CountDownLatch done = new CountDownLatch(CONNECTIONS);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicInteger closed = new AtomicInteger();
            List<CompletableFuture<WebSocket>> connecting = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                connecting.add(client.connect(Loopback.uri(server, "/echo"), new Counter(done, problems, closed)));
            }
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            assertThat(server.connectionCount()).isEqualTo(CONNECTIONS);
            for (CompletableFuture<WebSocket> f : connecting) {
                WebSocket ws = f.join();
                for (int m = 0; m < MESSAGES; m++) {
                    assertThat(ws.send("m" + m)).isNotEqualTo(SendResult.DROPPED);
                }
            }
            assertThat(done.await(30, TimeUnit.SECONDS))
                    .as("all echoes arrived; problems: %s", problems)
                    .isTrue();
            for (CompletableFuture<WebSocket> f : connecting) {
                f.join().close();
            }
            Await.eventually("every connection closed", () -> closed.get() == CONNECTIONS);
            Await.eventually("the server released every connection", () -> server.connectionCount() == 0);
            assertThat(problems).isEmpty();
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
