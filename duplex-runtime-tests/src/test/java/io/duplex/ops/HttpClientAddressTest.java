package io.duplex.ops;

import static io.duplex.ops.ClientAddressTest.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.handshake.Headers;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client address of plain HTTP requests served by an {@code HttpHandler} (the Socket.IO
 * polling transport is one): resolved as for WebSocket upgrades — forwarding headers believed only
 * from trusted proxies, the PROXY protocol source from trusted balancers — and per request, since
 * a proxy's kept-alive connection may carry several clients' requests.
 */
class HttpClientAddressTest {
    WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    /** {@code /who/} answers "client=ADDRESS peer=ADDRESS" (IP literals only, ports of the client). */
    void start(TrustedProxies trusted, int maxPerAddress) {
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .trustedProxies(trusted)
                        .maxConnectionsPerAddress(maxPerAddress)
                        .build())
                .http(
                        "/who/",
                        x -> x.respond(
                                200,
                                Headers.of("Content-Type", "text/plain"),
                                ("client=" + x.clientAddress().getAddress().getHostAddress() + ":"
                                                + x.clientAddress().getPort() + " peer="
                                                + x.remoteAddress().getAddress().getHostAddress())
                                        .getBytes(StandardCharsets.US_ASCII)))
                .route("/ws", WebSocketHandler.echo())
                .start();
    }

    static String get(String... headers) {
        StringBuilder b = new StringBuilder("GET /who/am-i HTTP/1.1\r\nHost: x\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    @Test
    void forwardingHeadersFromATrustedProxyNameTheClientPerRequest() throws IOException {
        start(TrustedProxies.NONE.withForwardingFrom("127.0.0.0/8"), 0);
        try (RawClient proxy = RawClient.connect(server.port())) {
            proxy.write(get("X-Forwarded-For: 198.51.100.1, 203.0.113.7"));
            assertThat(body(proxy)).isEqualTo("client=203.0.113.7:0 peer=127.0.0.1");
            // The same kept-alive proxy connection, another client's request.
            proxy.write(get("Forwarded: for=\"[2001:db8:cafe::17]:4711\""));
            assertThat(body(proxy)).isEqualTo("client=2001:db8:cafe:0:0:0:0:17:4711 peer=127.0.0.1");
            // No header: the proxy itself asked.
            proxy.write(get());
            assertThat(body(proxy)).startsWith("client=127.0.0.1:").endsWith(" peer=127.0.0.1");
        }
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() throws IOException {
        start(TrustedProxies.NONE.withForwardingFrom("10.0.0.0/8"), 0);
        try (RawClient client = RawClient.connect(server.port())) {
            int port = client.socket.getLocalPort();
            client.write(get("X-Forwarded-For: 203.0.113.7", "Forwarded: for=198.51.100.1"));
            assertThat(body(client)).isEqualTo("client=127.0.0.1:" + port + " peer=127.0.0.1");
        }
    }

    @Test
    void theProxyProtocolSourceIsTheClient() throws IOException {
        start(TrustedProxies.NONE.withProxyProtocolFrom("127.0.0.1"), 0);
        try (RawClient balancer = RawClient.connect(server.port())) {
            // Header and request in one write: the header must not swallow the request's bytes.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n"));
            // Not a trusted forwarding proxy: its X-Forwarded-For is the client's own claim.
            both.write(ascii(get("X-Forwarded-For: 203.0.113.7")));
            balancer.write(both.toByteArray());
            assertThat(body(balancer)).isEqualTo("client=192.0.2.1:56324 peer=127.0.0.1");
        }
    }

    @Test
    void httpRequestsThroughATrustedProxyAreNotCountedPerAddress() throws IOException {
        // One per address: a kept-alive proxy connection serving two clients must not be refused
        // or counted under either (its requests may come from many clients).
        start(TrustedProxies.NONE.withForwardingFrom("127.0.0.0/8"), 1);
        try (RawClient first = RawClient.connect(server.port());
                RawClient second = RawClient.connect(server.port())) {
            first.write(get("X-Forwarded-For: 203.0.113.7"));
            second.write(get("X-Forwarded-For: 203.0.113.7"));
            assertThat(body(first)).isEqualTo("client=203.0.113.7:0 peer=127.0.0.1");
            assertThat(body(second)).isEqualTo("client=203.0.113.7:0 peer=127.0.0.1");
            // An upgrade is still counted under its client: the limit of one holds for it.
            try (RawClient ws = RawClient.connect(server.port());
                    RawClient again = RawClient.connect(server.port())) {
                assertThat(ws.upgrade("/ws", "X-Forwarded-For: 203.0.113.7")).startsWith("HTTP/1.1 101 ");
                assertThat(again.upgrade("/ws", "X-Forwarded-For: 203.0.113.7")).startsWith("HTTP/1.1 503 ");
            }
        }
        Await.eventually("all released", () -> server.connectionCount() == 0);
    }

    /** The body of one response (the head read to its end, then Content-Length bytes). */
    /** The body of a 200 response. */
    static String body(RawClient raw) throws IOException {
        String response = raw.readResponse();
        assertThat(response).startsWith("HTTP/1.1 200 ");
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
