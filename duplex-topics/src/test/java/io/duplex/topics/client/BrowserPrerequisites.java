package io.duplex.topics.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the browser test can run here: Debian's Chromium at {@code /usr/bin/chromium}, {@code
 * node} on PATH, and {@code playwright-core} installed by {@code npm ci} in {@code src/test/node}.
 * Missing pieces skip the test with the reason on a developer's machine and fail it when {@code
 * CI=true}, so CI never skips silently.
 *
 * <p>Threading: stateless.
 */
final class BrowserPrerequisites {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String INSTALL = "apt-get install -y chromium && npm ci --prefix duplex-topics/src/test/node";

    private BrowserPrerequisites() {}

    /** Skips the calling test, or fails it under CI=true, when something is missing. */
    static void require() {
        require(missing(), System.getenv("CI"));
    }

    static void require(Optional<String> missing, String ciVariable) {
        if (missing.isEmpty()) {
            return;
        }
        String message = "the browser test cannot run: " + missing.get() + "; install: " + INSTALL;
        if ("true".equalsIgnoreCase(ciVariable)) {
            fail(message + " (CI=true: a missing prerequisite fails instead of skipping)");
        }
        Assumptions.abort("skipped, " + message);
    }

    /** What is missing, or empty. */
    static Optional<String> missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return Optional.of(CHROMIUM + " does not exist");
        }
        if (node().isEmpty()) {
            return Optional.of("no node on PATH");
        }
        Path module = nodeDir().resolve("node_modules/playwright-core/package.json");
        if (!Files.isRegularFile(module)) {
            return Optional.of(module + " is missing (npm ci not run)");
        }
        return Optional.empty();
    }

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
        return Path.of(System.getProperty("topics.node.dir", "src/test/node")).toAbsolutePath();
    }

    static Path buildDir() {
        return Path.of(System.getProperty("topics.build.dir", "target")).toAbsolutePath();
    }
}
