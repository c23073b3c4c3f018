package io.duplex.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a module's browser test can run here: Debian's Chromium at {@code /usr/bin/chromium},
 * {@code node} on PATH, and {@code playwright-core} installed by {@code npm ci} in the module's
 * {@code src/test/node}. Missing pieces skip the test with the reason on a developer's machine and
 * fail it when {@code CI=true}, so CI never skips silently.
 *
 * @param module the module's directory name, for the install hint (e.g. {@code duplex-examples})
 * @param nodeDir the module's node package (absolute)
 * @param buildDir the module's build directory (absolute), for logs and screenshots
 *     <p>Threading: immutable.
 */
public record BrowserPrerequisites(String module, Path nodeDir, Path buildDir) {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /**
     * The prerequisites of {@code module}, its directories from the system properties {@code
     * <prefix>.node.dir} and {@code <prefix>.build.dir} (set by its Surefire configuration), else
     * {@code src/test/node} and {@code target} in the working directory.
     */
    public static BrowserPrerequisites of(String module, String propertyPrefix) {
        return new BrowserPrerequisites(
                module,
                Path.of(System.getProperty(propertyPrefix + ".node.dir", "src/test/node"))
                        .toAbsolutePath(),
                Path.of(System.getProperty(propertyPrefix + ".build.dir", "target"))
                        .toAbsolutePath());
    }

    /** How to install what is missing. */
    public String install() {
        return "apt-get install -y chromium && npm ci --prefix " + module + "/src/test/node";
    }

    /** Skips the calling test, or fails it under CI=true, when something is missing. */
    public void require() {
        require(missing(), System.getenv("CI"));
    }

    /** {@link #require()} with what is missing and the value of {@code CI} given (for tests). */
    public void require(Optional<String> missing, String ciVariable) {
        if (missing.isEmpty()) {
            return;
        }
        skipOrFail("the browser test cannot run: " + missing.get() + "; install: " + install(), ciVariable);
    }

    /**
     * A prerequisite of a test is missing ({@code message} says what and how to install it): the
     * test is skipped with the reason, or fails when {@code ciVariable} is {@code true}, so CI never
     * skips silently. For any test that needs something outside Maven (node packages, Chromium).
     */
    public static void skipOrFail(String message, String ciVariable) {
        if ("true".equalsIgnoreCase(ciVariable)) {
            Assertions.fail(message + " (CI=true: a missing prerequisite fails instead of skipping)");
        }
        Assumptions.abort("skipped, " + message);
    }

    /** What is missing, or empty. */
    public Optional<String> missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return Optional.of(CHROMIUM + " does not exist");
        }
        if (node().isEmpty()) {
            return Optional.of("no node on PATH");
        }
        Path module = nodeDir.resolve("node_modules/playwright-core/package.json");
        if (!Files.isRegularFile(module)) {
            return Optional.of(module + " is missing (npm ci not run)");
        }
        return Optional.empty();
    }

    /** The {@code node} executable on PATH. */
    public static Optional<Path> node() {
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
}
