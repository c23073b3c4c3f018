package io.duplex;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * What most socket tests start from: a server (the test starts it, on {@code Loopback.server()}),
 * a Duplex client and a JDK client, on 127.0.0.1; the client and the server are closed after each
 * test, whatever it did.
 *
 * <p>Threading: JUnit's; one instance per test method.
 */
abstract class LoopbackTest {
    WebSocketServer server;
    WebSocketClient client = WebSocketClient.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void closeLoopback() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
