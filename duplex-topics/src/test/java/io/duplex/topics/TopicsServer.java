package io.duplex.topics;

import io.duplex.History;
import io.duplex.Position;
import io.duplex.PresenceIdentity;
import io.duplex.PresenceOptions;
import io.duplex.Streams;
import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A loopback server with a topics route, bound after start as applications do, and a client.
 * Topics: {@code chat.*} keeps 100, {@code race.*} 100,000, {@code small.*} 10, {@code capped.*}
 * 100 with recovery capped at 5; others keep none. The policy refuses reading {@code secret.*} and
 * publishing on {@code readonly.*}; publications over 1,000 bytes are refused.
 *
 * <p>Presence: {@code room.*} and {@code secret.*} with events, {@code quiet.*} without events,
 * {@code tiny.*} with events and member info capped at {@value #MAX_INFO} bytes. A connection is
 * the user named by its query parameter {@code user} with the info of {@code info} (as an
 * application would take them from its authentication); without {@code user} it is anonymous.
 */
abstract class TopicsServer {
    static final int MAX_SUBSCRIPTIONS = 3;
    static final int MAX_PUBLICATION = 1000;
    static final int MAX_INFO = 16;

    /** Who the upgrader says a connection is. */
    record Who(String user, String info) {}

    WebSocketServer server;
    WebSocketClient client;

    @BeforeEach
    void startServer() {
        TopicsHandler topics = TopicsHandler.builder()
                .policy(TopicsPolicy.of(
                        (ws, topic) -> !topic.startsWith("secret."), (ws, topic) -> !topic.startsWith("readonly.")))
                .maxPublication(MAX_PUBLICATION)
                .build();
        Duration ttl = Duration.ofMinutes(10);
        server = Loopback.server()
                .history("chat.*", History.of(100, ttl))
                .history("race.*", History.of(100_000, ttl))
                .history("small.*", History.of(10, ttl))
                .history("capped.*", History.of(100, ttl).withMaxRecovery(5))
                .history("readonly.*", History.of(10, ttl))
                .maxStreamSubscriptions(MAX_SUBSCRIPTIONS)
                .presence("room.*", PresenceOptions.enabled())
                .presence("secret.*", PresenceOptions.enabled())
                .presence("quiet.*", PresenceOptions.enabled().withoutEvents())
                .presence("tiny.*", new PresenceOptions(true, MAX_INFO))
                .presenceIdentity(ws -> ws.attachment() instanceof Who who
                        ? new PresenceIdentity.Identity(who.user(), who.info() == null ? "" : who.info())
                        : PresenceIdentity.Identity.anonymous())
                .route("/topics", topics, TopicsHandler.upgrader(TopicsServer::identify))
                .start();
        topics.bind(server);
        client = WebSocketClient.builder().build();
    }

    private static UpgradeDecision identify(UpgradeRequest request) {
        String user = request.queryParameter("user");
        return user == null
                ? UpgradeDecision.accept()
                : UpgradeDecision.accept(new Who(user, request.queryParameter("info")));
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    Peer connect() {
        return Peer.connect(client, io.duplex.testkit.Loopback.uri(server, "/topics"));
    }

    /** A connection as {@code user} (with {@code info}, or none when null). */
    Peer connect(String user, String info) {
        String query = "?user=" + enc(user) + (info == null ? "" : "&info=" + enc(info));
        return Peer.connect(client, io.duplex.testkit.Loopback.uri(server, "/topics" + query));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    Streams streams() {
        return server.streams();
    }

    /** Publishes through the Java API and waits for the acknowledgement. */
    Position publish(String topic, String text) {
        return streams().publish(topic, text).toCompletableFuture().join();
    }
}
