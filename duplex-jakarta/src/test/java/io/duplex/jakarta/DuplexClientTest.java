package io.duplex.jakarta;

import io.duplex.jakarta.samples.ChatEndpoint;
import io.duplex.jakarta.samples.EchoEndpoint;
import io.duplex.jakarta.samples.ProbeEndpoint;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Jakarta client against the sample endpoints on Duplex. */
class DuplexClientTest extends ClientContract {
    static JakartaServer server;

    @BeforeAll
    static void start() throws Exception {
        server = JakartaServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .endpoint(ChatEndpoint.class)
                .endpoint(EchoEndpoint.class)
                .endpoint(ProbeEndpoint.class)
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Override
    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }
}
