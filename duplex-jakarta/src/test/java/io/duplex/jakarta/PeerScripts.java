package io.duplex.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the Node scripts of {@code src/test/node} (Node {@code ws}, and playwright-core driving
 * Chromium) and collects what they print: one line per scenario, {@code name<TAB>JSON}. The
 * scripts and the samples they drive are the peers' side of {@link NodeWsPeerTest} and {@link
 * ChromiumPeerTest}; what the endpoints must answer is written here, in Java.
 *
 * <p>Threading: used by one test thread.
 */
final class PeerScripts {
    static final BrowserPrerequisites PREREQUISITES = BrowserPrerequisites.of("duplex-jakarta", "jakarta");

    private PeerScripts() {}

    /** Skips (or under {@code CI=true} fails) unless node and the {@code ws} package are there. */
    static void requireNodeWs() {
        Optional<String> missing = BrowserPrerequisites.node().isEmpty()
                ? Optional.of("no node on PATH")
                : Files.isRegularFile(PREREQUISITES.nodeDir().resolve("node_modules/ws/package.json"))
                        ? Optional.empty()
                        : Optional.of("node_modules/ws is missing in " + PREREQUISITES.nodeDir() + " (npm ci not run)");
        PREREQUISITES.require(missing, System.getenv("CI"));
    }

    /** Runs {@code script args...} in the node folder; the scenario lines by name. */
    static Map<String, String> run(String script, Duration limit, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BrowserPrerequisites.node().orElseThrow().toString());
        command.add(script);
        command.addAll(List.of(args));
        Path log = PREREQUISITES.buildDir().resolve("peer-logs").resolve(script + ".stderr.log");
        Map<String, String> lines = new LinkedHashMap<>();
        try (ScriptProcess p = ScriptProcess.start(command, PREREQUISITES.nodeDir(), log)) {
            long deadline = System.nanoTime() + limit.toNanos();
            for (String line;
                    (line = p.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null; ) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    lines.put(line.substring(0, tab), line.substring(tab + 1));
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            assertThat(lines)
                    .as("what %s printed (stderr: %s)", script, p.stderr())
                    .containsKeys("chat", "stream", "pong", "echo");
        }
        return lines;
    }

    /** A JSON string literal (the scripts print their observations with JSON.stringify). */
    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** A JSON array of strings. */
    static String strings(String... items) {
        return "["
                + String.join(
                        ",", List.of(items).stream().map(PeerScripts::json).toList()) + "]";
    }

    /** {@code ws-peer.js}'s and the page's payloads: what {@code StreamEndpoint} must answer. */
    static String textAnswer(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum = (sum + 32 + (i * 7) % 95) % 1_000_000_007L;
        }
        return "text " + n + " " + sum;
    }

    static String binaryAnswer(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum = (sum + ((i * 31 + 7) & 0xff)) % 1_000_000_007L;
        }
        return "binary " + n + " " + sum;
    }

    /** The chat scenario's transcript, {@code who} greeting the kitchen. */
    static String chatTranscript(String who) {
        String hi = "alice: hi from " + who;
        return strings(
                "welcome to kitchen",
                "welcome to kitchen",
                "welcome to garden",
                hi,
                hi,
                "carol: only the garden",
                "error: DecodeException",
                "alice: still here",
                "alice: still here");
    }

    static String streamTranscript() {
        String text = textAnswer(100_000);
        String binary = binaryAnswer(300_000);
        return strings(text, binary, "expected " + text + " " + binary);
    }

    static final String ECHO_TRANSCRIPT = "[\"héllo wörld\",{\"binary\":1000},1000]";
}
