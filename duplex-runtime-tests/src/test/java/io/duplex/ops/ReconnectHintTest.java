package io.duplex.ops;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReconnectHint;
import io.duplex.ReconnectPolicy;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The close-reason reconnect hint: its format, and a reconnecting client's use of it. */
class ReconnectHintTest {

    @Test
    void parsesOnlyWellFormedHints() {
        assertThat(new ReconnectHint(Duration.ofMillis(250)).closeReason())
                .isEqualTo("service restart; reconnect-within-ms=250");
        assertThat(ReconnectHint.parse("service restart; reconnect-within-ms=250")
                        .within())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(ReconnectHint.parse("reconnect-within-ms=0 and more").within())
                .isZero();
        assertThat(ReconnectHint.parse("reconnect-within-ms=3600000").within()).isEqualTo(Duration.ofHours(1));
        for (String bad : new String[] {
            null,
            "",
            "service restart",
            "reconnect-within-ms=",
            "reconnect-within-ms=-5",
            "reconnect-within-ms=x",
            "reconnect-within-ms=3600001",
            "reconnect-within-ms=99999999999",
            "reconnect-within-ms=\u0661\u0662"
        }) {
            assertThat(ReconnectHint.parse(bad)).as(bad).isNull();
        }
    }

    /** The server closes each connection with {@code code} and {@code reason} on its first message. */
    static WebSocketServer closingServer(int code, String reason) {
        return Loopback.server()
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.close(code, reason);
                    }
                })
                .start();
    }

    Duration firstDelayAfter(int code, String reason) throws InterruptedException {
        WebSocketServer server = closingServer(code, reason);
        ManualScheduler scheduler = new ManualScheduler();
        BlockingQueue<Duration> delays = new LinkedBlockingQueue<>();
        try (WebSocketClient client = WebSocketClient.builder()
                .eventLoops(1)
                .reconnect(ReconnectPolicy.defaults().withDelays(Duration.ofSeconds(20), Duration.ofSeconds(20)))
                .scheduler(scheduler)
                // The top of every range: the delay is the window's end, so the window is visible.
                .random(new RandomGenerator() {
                    @Override
                    public long nextLong() {
                        return -1;
                    }

                    @Override
                    public long nextLong(long bound) {
                        return bound - 1;
                    }
                })
                .build()) {
            WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), new WebSocketHandler() {
                @Override
                public void onReconnecting(WebSocket ws, int attempt, Duration delay) {
                    delays.add(delay);
                }
            }));
            ws.send("close me");
            return Await.poll(delays);
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aReconnectingClientDrawsItsFirstDelayFromTheHintedWindow() throws InterruptedException {
        // Without a hint: the policy's backoff (here up to 20 s).
        assertThat(firstDelayAfter(1012, "service restart")).isGreaterThan(Duration.ofSeconds(19));
        // With one: within [0, 300 ms], whatever the policy says.
        assertThat(firstDelayAfter(1012, new ReconnectHint(Duration.ofMillis(300)).closeReason()))
                .isLessThanOrEqualTo(Duration.ofMillis(300))
                .isGreaterThan(Duration.ofMillis(299));
        // 1013's least delay (5 s by default) still holds.
        assertThat(firstDelayAfter(1013, new ReconnectHint(Duration.ofMillis(300)).closeReason()))
                .isEqualTo(Duration.ofSeconds(5));
    }
}
