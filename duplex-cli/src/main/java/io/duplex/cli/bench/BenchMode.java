package io.duplex.cli.bench;

import java.util.Locale;

/**
 * What {@code duplex bench --mode} measures.
 *
 * <p>Threading: constants.
 */
public enum BenchMode {
    /** Round trips through an echo server: messages/s and round-trip latency. */
    ECHO("echoes", "round trip"),
    /** Handshakes: connect, open, close, again, on N connections at once: handshakes/s. */
    CONNECT("handshakes", "connect to open"),
    /** One publisher, N members on a broadcast path: deliveries/s and publish-to-receipt latency. */
    BROADCAST("deliveries", "publish to receipt"),
    /** N connections opened and held idle: handshakes/s and the server's memory per connection. */
    IDLE("handshakes", "connect to open");

    private final String counted;
    private final String latencyMeaning;

    BenchMode(String counted, String latencyMeaning) {
        this.counted = counted;
        this.latencyMeaning = latencyMeaning;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    String counted() {
        return counted;
    }

    String latencyMeaning() {
        return latencyMeaning;
    }
}
