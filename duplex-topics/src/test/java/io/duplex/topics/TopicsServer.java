package io.duplex.topics;

import io.duplex.History;
import io.duplex.Position;
import io.duplex.Streams;
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
 */
abstract class TopicsServer {
    static final int MAX_SUBSCRIPTIONS = 3;
    static final int MAX_PUBLICATION = 1000;

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
                .route("/topics", topics, TopicsHandler.upgrader())
                .start();
        topics.bind(server);
        client = WebSocketClient.builder().build();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    Peer connect() {
        return Peer.connect(client, io.duplex.testkit.Loopback.uri(server, "/topics"));
    }

    Streams streams() {
        return server.streams();
    }

    /** Publishes through the Java API and waits for the acknowledgement. */
    Position publish(String topic, String text) {
        return streams().publish(topic, text).toCompletableFuture().join();
    }
}
