package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.handshake.Headers;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocket#responseHeaders()}: a client socket keeps the header fields of the server's 101
 * response, readable from {@code onOpen} on (what Jakarta's {@code afterResponse} needs); a server
 * socket has none.
 */
class ResponseHeadersTest {

    @Test
    void theClientSeesThe101HeadersFromOnOpenOnAndTheServerSeesNone() {
        CompletableFuture<Headers> serverSide = new CompletableFuture<>();
        CompletableFuture<String> inOnOpen = new CompletableFuture<>();
        WebSocketServer server = Loopback.server()
                .route(
                        "/ws",
                        new WebSocketHandler() {
                            @Override
                            public void onOpen(WebSocket ws) {
                                serverSide.complete(ws.responseHeaders());
                            }
                        },
                        request -> new UpgradeDecision.Accept(null, null, Headers.of("X-Served-By", "duplex")))
                .start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), new WebSocketHandler() {
                @Override
                public void onOpen(WebSocket ws) {
                    inOnOpen.complete(ws.responseHeaders().first("X-Served-By"));
                }
            }));
            assertThat(await(inOnOpen)).isEqualTo("duplex");
            assertThat(ws.responseHeaders().first("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(ws.responseHeaders().all("Sec-WebSocket-Accept")).hasSize(1);
            assertThat(await(serverSide)).isEqualTo(Headers.EMPTY);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
