package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link UpgradeDecision.Accept#withoutExtensions()}: the 101 carries no {@code
 * Sec-WebSocket-Extensions} although the client offered permessage-deflate and the server would
 * have negotiated it (RFC 6455 §9.1), the connection works uncompressed, and it is not counted
 * as a deflate connection; the route next to it still negotiates.
 */
class DeclinedExtensionsTest {

    @Test
    void anUpgraderDeclinesTheNegotiatedExtensionsForItsRouteOnly() {
        WebSocketServer server = Loopback.server()
                .route("/plain", WebSocketHandler.echo(), request -> ((UpgradeDecision.Accept) UpgradeDecision.accept())
                        .withoutExtensions())
                .route("/deflate", WebSocketHandler.echo())
                .start();
        // Offers permessage-deflate by default.
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket plain = await(client.connect(
                    Loopback.uri(server, "/plain"), WebSocketHandler.onText((ws, text) -> echoed.complete(text))));
            assertThat(plain.extensions()).isEmpty();
            assertThat(plain.responseHeaders().all("Sec-WebSocket-Extensions")).isEmpty();
            String big = "x".repeat(4096); // above the compression threshold
            plain.send(big);
            assertThat(await(echoed)).isEqualTo(big);
            assertThat(server.deflateConnections()).isZero();

            WebSocket compressed = await(client.connect(Loopback.uri(server, "/deflate"), WebSocketHandler.echo()));
            assertThat(compressed.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
            Await.eventually("the deflate connection counted", () -> server.deflateConnections() == 1);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
