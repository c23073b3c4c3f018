package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocket#inEventLoop()} tells a callback whether it runs on the connection's loop (where
 * waiting for a write would never end) or on a handler executor, and is false on other threads.
 */
class InEventLoopTest {

    @Test
    void trueInCallbacksOnTheLoopFalseOnAHandlerExecutorAndElsewhere() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        CompletableFuture<Boolean> onPool = new CompletableFuture<>();
        WebSocketServer loopServer = Loopback.server()
                .route("/ws", WebSocketHandler.onText((ws, text) -> onLoop.complete(ws.inEventLoop())))
                .start();
        WebSocketServer poolServer = Loopback.server()
                .handlerExecutor(pool)
                .route("/ws", WebSocketHandler.onText((ws, text) -> onPool.complete(ws.inEventLoop())))
                .start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            WebSocket a = await(client.connect(Loopback.uri(loopServer, "/ws"), new RecordingHandler()));
            WebSocket b = await(client.connect(Loopback.uri(poolServer, "/ws"), new RecordingHandler()));
            a.send("x");
            b.send("x");
            assertThat(await(onLoop)).isTrue();
            assertThat(await(onPool)).isFalse();
            assertThat(a.inEventLoop()).isFalse();
        } finally {
            loopServer.stop(Duration.ofSeconds(5));
            poolServer.stop(Duration.ofSeconds(5));
            pool.shutdownNow();
        }
    }
}
