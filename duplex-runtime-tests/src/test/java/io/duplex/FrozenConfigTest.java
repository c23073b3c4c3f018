package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.Loopback;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Builders are read once: {@code start()} and {@code build()} copy them into immutable settings,
 * so changing a builder afterwards does not reach the running server or client.
 */
class FrozenConfigTest {
    private static final long WAIT_SECONDS = 10;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private WebSocketServer started(WebSocketServer.Builder builder) {
        WebSocketServer server = builder.start();
        toClose.add(() -> server.stop(Duration.ofSeconds(5)));
        return server;
    }

    private WebSocketClient client(WebSocketClient.Builder builder) {
        WebSocketClient client = builder.build();
        toClose.add(client);
        return client;
    }

    private static URI uri(WebSocketServer server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Connects, sends "ping" and returns the echo, proving the route serves. */
    private static String echoed(WebSocketClient client, URI uri) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = await(client.connect(uri, WebSocketHandler.onText((s, text) -> reply.complete(text))));
        ws.send("ping");
        String text = await(reply);
        ws.close(1000, "done");
        return text;
    }

    private static int refusedStatus(WebSocketClient client, URI uri) throws Exception {
        CompletableFuture<WebSocket> attempt = client.connect(uri, WebSocketHandler.echo());
        Throwable failure = null;
        try {
            attempt.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        assertThat(failure).isInstanceOf(HandshakeException.class);
        return ((HandshakeException) failure).status();
    }

    @Test
    void routeAddedToTheBuilderAfterStartIsNotServed() throws Exception {
        WebSocketServer.Builder builder = Loopback.server().eventLoops(1).route("/echo", WebSocketHandler.echo());
        WebSocketServer server = started(builder);
        builder.route("/late", WebSocketHandler.echo());
        builder.route("*", WebSocketHandler.echo());
        WebSocketClient client = client(WebSocketClient.builder());

        // RFC 6455 §4.2.2: a server that does not serve the resource answers with an HTTP error.
        assertThat(refusedStatus(client, uri(server, "/late"))).isEqualTo(404);
        assertThat(refusedStatus(client, uri(server, "/other"))).isEqualTo(404);
        assertThat(echoed(client, uri(server, "/echo"))).isEqualTo("ping");
    }

    @Test
    void upgraderAndLimitsChangedAfterStartDoNotApply() throws Exception {
        WebSocketServer.Builder builder = Loopback.server().eventLoops(1).route("/echo", WebSocketHandler.echo());
        WebSocketServer server = started(builder);
        builder.upgrader(request -> UpgradeDecision.reject(403, "too late"));
        builder.config(WebSocketConfig.builder().maxConnectionsPerAddress(1).build());
        WebSocketClient client = client(WebSocketClient.builder());

        // Held open: under the late per-address limit of 1, the next connection would get 503.
        WebSocket held = await(client.connect(uri(server, "/echo"), WebSocketHandler.echo()));
        assertThat(echoed(client, uri(server, "/echo"))).isEqualTo("ping");
        held.close(1000, "done");
    }

    @Test
    void hostAndPortChangedAfterStartDoNotMoveTheServer() throws Exception {
        WebSocketServer.Builder builder = Loopback.server().eventLoops(1).route("/echo", WebSocketHandler.echo());
        WebSocketServer server = started(builder);
        int port = server.port();
        builder.host("0.0.0.0").port(port == 65535 ? port - 1 : port + 1);

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(echoed(client(WebSocketClient.builder()), uri(server, "/echo")))
                .isEqualTo("ping");
    }

    @Test
    void theBuilderCanStartAnotherServerWithItsNewSettings() throws Exception {
        WebSocketServer.Builder builder = Loopback.server().eventLoops(1).route("/echo", WebSocketHandler.echo());
        WebSocketServer first = started(builder);
        WebSocketServer second = started(builder.route("/late", WebSocketHandler.echo()));
        WebSocketClient client = client(WebSocketClient.builder());

        assertThat(echoed(client, uri(second, "/late"))).isEqualTo("ping");
        assertThat(refusedStatus(client, uri(first, "/late"))).isEqualTo(404);
    }

    @Test
    void startWithoutRoutesStillFails() {
        assertThatThrownBy(() -> WebSocketServer.builder().port(0).start()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void headersAddedToTheClientBuilderAfterBuildAreNotSent() throws Exception {
        CompletableFuture<UpgradeRequest> seen = new CompletableFuture<>();
        WebSocketServer server = started(Loopback.server()
                .eventLoops(1)
                .config(WebSocketConfig.builder().subprotocols("late").build())
                .route("/echo", WebSocketHandler.echo(), request -> {
                    seen.complete(request);
                    return UpgradeDecision.accept();
                }));
        WebSocketClient.Builder builder = WebSocketClient.builder().header("X-Before", "1");
        WebSocketClient client = client(builder);
        builder.header("X-After", "2")
                .header("X-Before", "changed")
                .origin("https://late.example")
                .subprotocols("late");

        assertThat(echoed(client, uri(server, "/echo"))).isEqualTo("ping");
        UpgradeRequest request = await(seen);
        assertThat(request.headers().first("X-Before")).isEqualTo("1");
        assertThat(request.headers().first("X-After")).isNull();
        assertThat(request.origin()).isNull();
        assertThat(request.offeredSubprotocols()).isEmpty();
    }

    @Test
    void perConnectionHeadersStillReachTheServer() throws Exception {
        CompletableFuture<UpgradeRequest> seen = new CompletableFuture<>();
        WebSocketServer server =
                started(Loopback.server().eventLoops(1).route("/echo", WebSocketHandler.echo(), request -> {
                    seen.complete(request);
                    return UpgradeDecision.accept();
                }));
        WebSocketClient client = client(WebSocketClient.builder().header("X-Client", "a"));

        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = await(client.connect(
                uri(server, "/echo"),
                WebSocketHandler.onText((s, text) -> reply.complete(text)),
                java.util.Map.of("X-Call", "b")));
        ws.send("ping");
        assertThat(await(reply)).isEqualTo("ping");
        UpgradeRequest request = await(seen);
        assertThat(request.headers().first("X-Client")).isEqualTo("a");
        assertThat(request.headers().first("X-Call")).isEqualTo("b");
    }
}
