package io.duplex.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a peer's scripted client ({@code ws-client.js}, {@code client.py}) for one scenario as a
 * child process and reads the JSON report it prints. Bounded: the scripts stop themselves after
 * 20 s; past {@link #LIMIT} the process is killed and the test fails.
 *
 * <p>Threading: stateless.
 */
final class ScriptedClient {
    static final Duration LIMIT = Duration.ofSeconds(45);

    private ScriptedClient() {}

    static ClientReport run(String name, List<String> command, Path directory) {
        try (PeerProcess process = PeerProcess.start(name, command, directory)) {
            if (!process.awaitExit(LIMIT)) {
                throw new AssertionError(name + " (PID " + process.pid() + ") did not finish within " + LIMIT
                        + "\nstdout: " + process.lines() + "\nstderr: " + process.stderr());
            }
            List<String> lines = process.lines();
            String report = lines.stream()
                    .filter(l -> l.startsWith("{"))
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new AssertionError(name + " printed no report (exit " + process.exitValue()
                            + ")\nstdout: " + lines + "\nstderr: " + process.stderr()));
            return ClientReport.fromJson(Json.object(report));
        }
    }
}
