package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Handlers on a thread pool still see each connection's messages in order, one at a time. */
class HandlerExecutorTest {
    static final int MESSAGES = 1000;

    ExecutorService pool;
    WebSocketServer server;
    final Queue<String> problems = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        pool = Executors.newFixedThreadPool(4);
        server = Loopback.server()
                .handlerExecutor(pool)
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.attach(new int[] {0, 0});
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        int[] state = ws.attachment();
                        // state[1] counts callbacks in progress: they must never overlap.
                        if (++state[1] != 1) {
                            problems.add("overlapping callbacks on " + ws);
                        }
                        if (Thread.currentThread().getName().contains("duplex-")) {
                            problems.add("ran on " + Thread.currentThread().getName());
                        }
                        if (!text.endsWith(":" + state[0])) {
                            problems.add("expected #" + state[0] + " got " + text);
                        }
                        state[0]++;
                        Thread.yield();
                        ws.send(text);
                        state[1]--;
                    }
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
        pool.shutdownNow();
    }

    @Test
    void perConnectionOrderIsKeptOnAThreadPool() {
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            List<RecordingHandler> recorders = new ArrayList<>();
            List<WebSocket> sockets = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                RecordingHandler r = new RecordingHandler();
                recorders.add(r);
                sockets.add(await(client.connect(Loopback.uri(server, "/ws"), r)));
            }
            for (int i = 0; i < MESSAGES; i++) {
                for (int c = 0; c < sockets.size(); c++) {
                    sockets.get(c).send("c" + c + ":" + i);
                }
            }
            for (int c = 0; c < recorders.size(); c++) {
                for (int i = 0; i < MESSAGES; i++) {
                    assertThat(recorders.get(c).nextText()).isEqualTo("c" + c + ":" + i);
                }
            }
            assertThat(problems).isEmpty();
        }
    }
}
