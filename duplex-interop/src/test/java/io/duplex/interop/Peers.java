package io.duplex.interop;

import io.duplex.testkit.BrowserPrerequisites;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the peers are and whether they are installed. {@link #require(Peer)} is the one place
 * that decides what a missing peer means: a skip with the reason on a developer's machine, a
 * failure when {@code CI=true}, so nothing is skipped silently in CI.
 *
 * <p>Threading: thread-safe (the availability cache is guarded by the class lock).
 */
final class Peers {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Map<Peer, Optional<String>> MISSING = new EnumMap<>(Peer.class);

    private Peers() {}

    /** Skips the calling test with the reason, or fails it under CI=true. */
    static void require(Peer peer) {
        require(peer, missing(peer), System.getenv("CI"));
    }

    static void require(Peer peer, Optional<String> missing, String ciVariable) {
        if (missing.isEmpty()) {
            return;
        }
        BrowserPrerequisites.skipOrFail(
                peer.description + " is not available: " + missing.get() + "; install: " + peer.install, ciVariable);
    }

    /** Why the peer cannot run here, or empty when it can. */
    static synchronized Optional<String> missing(Peer peer) {
        return MISSING.computeIfAbsent(peer, Peers::probe);
    }

    private static Optional<String> probe(Peer peer) {
        return switch (peer) {
            case JDK -> Optional.empty();
            case NODE_WS -> nodeModule("ws");
            case PYTHON_WEBSOCKETS -> pythonWebsockets();
            case CHROMIUM ->
                Files.isExecutable(CHROMIUM)
                        ? nodeModule("playwright-core")
                        : Optional.of(CHROMIUM + " does not exist");
        };
    }

    private static Optional<String> nodeModule(String module) {
        if (node().isEmpty()) {
            return Optional.of("no node on PATH");
        }
        Path dir = nodeDir().resolve("node_modules").resolve(module);
        return Files.isRegularFile(dir.resolve("package.json"))
                ? Optional.empty()
                : Optional.of(dir + " is missing (npm ci not run)");
    }

    private static Optional<String> pythonWebsockets() {
        if (!Files.isExecutable(PYTHON)) {
            return Optional.of(PYTHON + " does not exist");
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import websockets")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(PYTHON + " -c 'import websockets' did not finish in 30 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0
                    ? Optional.empty()
                    : Optional.of(PYTHON + " cannot import websockets: " + output.strip());
        } catch (IOException e) {
            return Optional.of(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** The {@code node} executable on PATH. */
    static Optional<Path> node() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path nodeDir() {
        return Path.of(System.getProperty("interop.node.dir", "src/test/node")).toAbsolutePath();
    }

    static Path pythonDir() {
        return Path.of(System.getProperty("interop.python.dir", "src/test/python"))
                .toAbsolutePath();
    }

    /** {@code target/} of this module: peer logs, screenshots and certificates go there. */
    static Path buildDir() {
        return Path.of(System.getProperty("interop.build.dir", "target")).toAbsolutePath();
    }
}
