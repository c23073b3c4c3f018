package io.duplex.jakarta;

import io.duplex.jakarta.samples.ChatEndpoint;
import io.duplex.jakarta.samples.EchoEndpoint;
import io.duplex.jakarta.samples.ProbeEndpoint;
import java.net.URI;
import java.util.Map;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Jakarta client on Duplex against the same sample endpoints on Tyrus (a server we did not write). */
class TyrusClientTest extends ClientContract {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        // -1: an ephemeral port (Tyrus takes 0 as its default, 8025).
        server =
                new Server("127.0.0.1", -1, "/", Map.of(), ChatEndpoint.class, EchoEndpoint.class, ProbeEndpoint.class);
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
