package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A handler that throws costs its own connection (1011, RFC 6455 §7.4.1), not the server. */
class HandlerExceptionTest {
    WebSocketServer server;
    ExecutorService pool;
    final RecordingHandler onServer = new RecordingHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            switch (text) {
                case "boom" -> throw new IllegalStateException("handler bug");
                case "assert" -> throw new AssertionError("handler assertion");
                case "deep" -> recurse(0); // a real StackOverflowError, thrown on the loop thread
                default -> ws.send(text);
            }
        }
    };

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void throwingHandlerClosesWith1011AndOthersAreServed(boolean onExecutor) {
        WebSocketServer.Builder b = Loopback.server().route("/ws", onServer);
        if (onExecutor) {
            pool = Executors.newFixedThreadPool(2);
            b.handlerExecutor(pool);
        }
        server = b.start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            RecordingHandler bystander = new RecordingHandler();
            WebSocket other = await(client.connect(Loopback.uri(server, "/ws"), bystander));
            RecordingHandler victim = new RecordingHandler();
            WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), victim));
            ws.send("boom");
            assertThat(victim.awaitClose()).isEqualTo(new RecordingHandler.Closed(1011, "internal error", true));
            assertThat(Await.poll(onServer.errors)).isInstanceOf(IllegalStateException.class);
            other.send("still here");
            assertThat(bystander.nextText()).isEqualTo("still here");
            RecordingHandler fresh = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), fresh)).send("new");
            assertThat(fresh.nextText()).isEqualTo("new");
        }
    }

    /**
     * Errors too cost only their connection: the one loop (eventLoops 1) goes on serving the
     * connection it shares with the victim and new ones. Before, an Error killed the loop and
     * every connection on it, and the server went on handing it connections that never opened.
     */
    @ParameterizedTest
    @ValueSource(strings = {"assert", "deep"})
    void handlerErrorsCostOnlyTheirConnection(String trigger) {
        server = Loopback.server().eventLoops(1).route("/ws", onServer).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            RecordingHandler bystander = new RecordingHandler();
            WebSocket other = await(client.connect(Loopback.uri(server, "/ws"), bystander));
            RecordingHandler victim = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), victim)).send(trigger);
            assertThat(victim.awaitClose()).isEqualTo(new RecordingHandler.Closed(1011, "internal error", true));
            assertThat(Await.poll(onServer.errors))
                    .isInstanceOf(trigger.equals("deep") ? StackOverflowError.class : AssertionError.class);
            other.send("still here");
            assertThat(bystander.nextText()).isEqualTo("still here");
            RecordingHandler fresh = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), fresh)).send("new");
            assertThat(fresh.nextText()).isEqualTo("new");
        }
    }

    @Test
    void jdkClientSees1011() {
        server = Loopback.server().route("/ws", onServer).start();
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws =
                JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/ws"), listener);
        await(ws.sendText("boom", true));
        assertThat(await(listener.closed)).isEqualTo(new RecordingHandler.Closed(1011, "internal error", true));
    }

    @Test
    void throwingOnOpenAndOnCloseDoesNotHurtTheLoop() {
        RecordingHandler onClose = new RecordingHandler();
        server = Loopback.server()
                .eventLoops(1)
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        throw new IllegalStateException("onOpen bug");
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                        throw new IllegalStateException("onClose bug");
                    }
                })
                .route("/echo", WebSocketHandler.echo())
                .start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            await(client.connect(Loopback.uri(server, "/ws"), onClose));
            assertThat(onClose.awaitClose().code()).isEqualTo(1011);
            RecordingHandler echo = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/echo"), echo)).send("alive");
            assertThat(echo.nextText()).isEqualTo("alive");
        }
    }
}
