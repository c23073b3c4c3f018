package io.duplex.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.HandshakeRateLimit;
import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handshake token buckets over real sockets: per client address (429 + Retry-After) and
 * server-wide (503 + Retry-After). The rates are one token per 10 s, so no refill happens while a
 * test runs and Retry-After is exactly known.
 */
class HandshakeRateTest {
    static final HandshakeRateLimit TWO_THEN_ONE_PER_10S = new HandshakeRateLimit(0.1, 2);
    WebSocketServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(1));
    }

    void start(WebSocketConfig config) {
        server = Loopback.server()
                .config(config)
                .route("/ws", new WebSocketHandler() {})
                .start();
    }

    String upgrade(String... headers) throws IOException {
        try (RawClient raw = RawClient.connect(server.port())) {
            return raw.upgrade("/ws", headers);
        }
    }

    @Test
    void perAddressBucketAnswers429WithRetryAfterAndSparesOtherAddresses() throws IOException {
        start(WebSocketConfig.builder()
                .trustedProxies(TrustedProxies.NONE.withForwardingFrom("127.0.0.1"))
                .handshakeRatePerAddress(TWO_THEN_ONE_PER_10S)
                .build());
        assertThat(upgrade("X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 101 ");
        String refused = upgrade("X-Forwarded-For: 192.0.2.1");
        assertThat(refused).startsWith("HTTP/1.1 429 ").contains("Retry-After: 10\r\n");
        // Another client behind the same proxy has its own bucket.
        assertThat(upgrade("X-Forwarded-For: 192.0.2.2")).startsWith("HTTP/1.1 101 ");
        // IPv6 clients share a bucket per /64.
        assertThat(upgrade("X-Forwarded-For: 2001:db8:0:1::1")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("X-Forwarded-For: 2001:db8:0:1::2")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("X-Forwarded-For: 2001:db8:0:1::3")).startsWith("HTTP/1.1 429 ");
        assertThat(upgrade("X-Forwarded-For: 2001:db8:0:2::1")).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void serverWideBucketAnswers503WithRetryAfter() throws IOException {
        start(WebSocketConfig.builder()
                .trustedProxies(TrustedProxies.NONE.withForwardingFrom("127.0.0.1"))
                .handshakeRate(TWO_THEN_ONE_PER_10S)
                .build());
        assertThat(upgrade("X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("X-Forwarded-For: 192.0.2.2")).startsWith("HTTP/1.1 101 ");
        String refused = upgrade("X-Forwarded-For: 192.0.2.3");
        assertThat(refused).startsWith("HTTP/1.1 503 ").contains("Retry-After: 10\r\n");
    }

    @Test
    void anAddressOverItsOwnLimitDoesNotSpendTheServerWideBucket() throws IOException {
        start(WebSocketConfig.builder()
                .handshakeRatePerAddress(new HandshakeRateLimit(0.1, 1))
                .handshakeRate(TWO_THEN_ONE_PER_10S)
                .trustedProxies(TrustedProxies.NONE.withForwardingFrom("127.0.0.1"))
                .build());
        assertThat(upgrade("X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 101 ");
        for (int i = 0; i < 5; i++) {
            assertThat(upgrade("X-Forwarded-For: 192.0.2.1")).startsWith("HTTP/1.1 429 ");
        }
        assertThat(upgrade("X-Forwarded-For: 192.0.2.2")).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void plainHttpRequestsAreNotCounted() throws IOException {
        start(WebSocketConfig.builder()
                .handshakeRate(new HandshakeRateLimit(0.1, 1))
                .build());
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n"); // not an upgrade: 426 or the like
            assertThat(raw.readHead()).doesNotStartWith("HTTP/1.1 503 ");
        }
        assertThat(upgrade()).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade()).startsWith("HTTP/1.1 503 ");
    }
}
