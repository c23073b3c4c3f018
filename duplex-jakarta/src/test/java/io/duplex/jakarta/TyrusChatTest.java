package io.duplex.jakarta;

import io.duplex.jakarta.samples.ChatEndpoint;
import io.duplex.jakarta.samples.EchoEndpoint;
import java.net.URI;
import java.util.Map;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The chat contract on Tyrus, the reference implementation, with the same endpoint classes. */
class TyrusChatTest extends ChatContract {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = // Tyrus takes port 0 as its default, 8025 (shared by concurrent builds); -1 is an ephemeral one.
                new Server("127.0.0.1", -1, "/", Map.of(), ChatEndpoint.class, EchoEndpoint.class);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Override
    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.getPort() + path);
    }
}
