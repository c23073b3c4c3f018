package io.duplex.jakarta;

import java.net.URI;
import java.time.Duration;

/** A started {@link JakartaServer} on 127.0.0.1 and an ephemeral port, for one test. */
record ServerFixture(JakartaServer server) implements AutoCloseable {

    static ServerFixture start(JakartaServer.Builder builder) throws Exception {
        return new ServerFixture(builder.host("127.0.0.1").port(0).eventLoops(2).start());
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
