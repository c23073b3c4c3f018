package io.duplex.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RedisBrokerMetrics} against a real redis-server: relayed, dropped, connected. */
class RedisBrokerMetricsTest {
    @Test
    void relayedAndDroppedPublishesAreReadFromTheBroker() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisServer redis = RedisServer.start(null)) {
            RedisBroker broker = RedisBrokerMetrics.bind(
                    RedisBroker.builder()
                            .uri("redis://127.0.0.1:" + redis.port)
                            .connectTimeout(Duration.ofSeconds(2))
                            .build(),
                    registry);
            WebSocketServer server = Loopback.server()
                    .broker(broker)
                    .route("/ws", WebSocketHandler.echo())
                    .start();
            try {
                assertThat(registry.get("duplex.redis.connected").gauge().value())
                        .isEqualTo(1.0);
                server.publish("news", "one");
                server.publish("news", "two");
                Await.eventually(
                        "both relayed",
                        () -> registry.get("duplex.redis.relayed")
                                        .functionCounter()
                                        .count()
                                == 2);
                redis.kill();
                Await.eventually(
                        "the broker saw Redis go",
                        () -> registry.get("duplex.redis.connected").gauge().value() == 0);
                server.publish("news", "three");
                // The gauge reads 0 as soon as either connection is down; if the publishing one
                // has not noticed yet, the publish is handed to Lettuce and counted as dropped
                // when Lettuce fails it, after publish returned.
                Await.eventually(
                        "the publish while down counted as dropped",
                        () -> registry.get("duplex.redis.dropped")
                                        .tag("reason", "disconnected")
                                        .functionCounter()
                                        .count()
                                == 1);
                assertThat(registry.get("duplex.redis.dropped")
                                .tag("reason", "backlog")
                                .functionCounter()
                                .count())
                        .isZero();
            } finally {
                server.stop(Duration.ofSeconds(5));
                broker.close();
            }
        }
    }
}
