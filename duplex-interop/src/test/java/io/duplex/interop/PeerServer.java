package io.duplex.interop;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A peer's echo server ({@code ws-echo-server.js}, {@code echo_server.py}) as a child process:
 * started on port 0, it prints its port, then one JSON line per event, each tagged with the
 * {@code ?id=} of the connection it belongs to. {@link #close()} stops it by PID.
 *
 * <p>Threading: safe from any thread.
 */
final class PeerServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final PeerProcess process;
    private final int port;

    private PeerServer(PeerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static PeerServer start(String name, List<String> command, Path directory) {
        PeerProcess process = PeerProcess.start(name, command, directory);
        try {
            String line = process.awaitLine(l -> l.contains("\"listening\""), START_TIMEOUT);
            int port = ((Number) Json.object(line).get("port")).intValue();
            return new PeerServer(process, port);
        } catch (RuntimeException | AssertionError e) {
            process.close();
            throw e;
        }
    }

    /** {@code scheme://host:port} of this server. */
    URI base(String scheme, String host) {
        return URI.create(scheme + "://" + host + ":" + port);
    }

    /** The first event of this connection and kind that matches, waiting up to 15 s. */
    Map<String, Object> awaitEvent(String id, String event, Predicate<Map<String, Object>> matches) {
        String line = process.awaitLine(
                l -> {
                    if (!l.startsWith("{")) {
                        return false;
                    }
                    Map<String, Object> e = Json.object(l);
                    return id.equals(e.get("id")) && event.equals(e.get("event")) && matches.test(e);
                },
                Recorder.TIMEOUT);
        return Json.object(line);
    }

    Map<String, Object> awaitEvent(String id, String event) {
        return awaitEvent(id, event, e -> true);
    }

    /** Every event of this connection so far. */
    List<Map<String, Object>> events(String id) {
        return process.lines().stream()
                .filter(l -> l.startsWith("{"))
                .map(Json::object)
                .filter(e -> id.equals(e.get("id")))
                .toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
