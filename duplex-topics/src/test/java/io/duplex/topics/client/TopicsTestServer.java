package io.duplex.topics.client;

import io.duplex.History;
import io.duplex.InMemoryStreamEngine;
import io.duplex.Position;
import io.duplex.PresenceIdentity;
import io.duplex.PresenceOptions;
import io.duplex.StreamEngine;
import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.WebSocket;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.topics.TopicsHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Duplex server for the client tests, on the loopback interface: the topics route {@code /topics}
 * (the module's {@link TopicsHandler}, every topic keeping 100,000 publications, {@code room.*}
 * with presence and events; a connection is the user its {@value #USER_HEADER} header or {@code
 * user} query parameter names, else anonymous), the browser client
 * and the test page as static resources, and a way to cut every client connection abruptly (the
 * server aborts its sockets: the clients see 1006, as after a network failure).
 *
 * <p>Threading: safe from any thread.
 */
final class TopicsTestServer implements AutoCloseable {
    static final String PATH = "/topics";
    static final String USER_HEADER = "X-Test-User";

    private final WebSocketServer server;
    private final Set<WebSocket> sockets = ConcurrentHashMap.newKeySet();
    final AtomicInteger opened = new AtomicInteger();

    private TopicsTestServer(int port, StreamEngine engine) {
        this(port, engine, WebSocketConfig.DEFAULT);
    }

    private TopicsTestServer(int port, StreamEngine engine, WebSocketConfig config) {
        TopicsHandler topics = TopicsHandler.builder().build();
        WebSocketServer.Builder b = Loopback.server()
                .port(port)
                .config(config)
                .history("*", History.of(100_000, Duration.ofMinutes(10)))
                .presence("room.*", PresenceOptions.enabled())
                // The user the upgrade named (as an application would take it from its
                // authentication), with its name as the member info.
                .presenceIdentity(ws -> ws.attachment() instanceof String user
                        ? new PresenceIdentity.Identity(user, "{\"name\":\"" + user + "\"}")
                        : PresenceIdentity.Identity.anonymous())
                .route(PATH, new Tracking(topics), TopicsHandler.upgrader(TopicsTestServer::identify))
                .staticResources(TopicsClientScript.FOLDER);
        if (engine != null) {
            b.streamEngine(engine);
        }
        server = b.start();
        topics.bind(server);
    }

    private static UpgradeDecision identify(UpgradeRequest request) {
        String user = request.headers().first(USER_HEADER);
        if (user == null) {
            user = request.queryParameter("user");
        }
        // Letters and digits only: the info above embeds it in JSON as is.
        return user != null && user.chars().allMatch(Character::isLetterOrDigit)
                ? UpgradeDecision.accept(user)
                : UpgradeDecision.accept();
    }

    /** A server on an OS-chosen port with a fresh in-memory engine. */
    static TopicsTestServer start() {
        return new TopicsTestServer(0, null);
    }

    /** A server on an OS-chosen port with a fresh in-memory engine and {@code config}. */
    static TopicsTestServer start(WebSocketConfig config) {
        return new TopicsTestServer(0, null, config);
    }

    /** A server on {@code port} (0: OS-chosen) with a fresh in-memory engine, or {@code engine}. */
    static TopicsTestServer start(int port, StreamEngine engine) {
        return new TopicsTestServer(port, engine);
    }

    int port() {
        return server.port();
    }

    URI uri() {
        return Loopback.uri(server, PATH);
    }

    String httpBase() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    WebSocketServer server() {
        return server;
    }

    /** Publishes through the server's Java API (as an application would); waits for the position. */
    Position publish(String topic, String json) {
        return Await.await(server.streams().publish(topic, json).toCompletableFuture());
    }

    /** Aborts every open client connection (no close handshake); returns how many. */
    int dropConnections() {
        List<WebSocket> open = List.copyOf(sockets);
        open.forEach(WebSocket::abort);
        return open.size();
    }

    int connections() {
        return sockets.size();
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
    }

    /** The topics handler behind a record of the open sockets, so the test can cut them. */
    private final class Tracking implements WebSocketHandler {
        private final TopicsHandler topics;

        Tracking(TopicsHandler topics) {
            this.topics = topics;
        }

        @Override
        public void onOpen(WebSocket ws) {
            sockets.add(ws);
            opened.incrementAndGet();
            topics.onOpen(ws);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            topics.onText(ws, text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            topics.onBinary(ws, data);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            sockets.remove(ws);
            topics.onClose(ws, code, reason, wasClean);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            topics.onError(ws, error);
        }

        @Override
        public void onDrain(WebSocket ws) {
            topics.onDrain(ws);
        }
    }

    /** A fresh in-memory engine (a restarted node: new epochs). */
    static StreamEngine freshEngine() {
        return new InMemoryStreamEngine();
    }
}
