package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.protocol.Protocol;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of duplex-protocol, checked on the compiled classes (docs/ARCHITECTURE.md, "Layers").
 * The JDK's own {@code jdeps} reads every class file of the module, so a dependency counts whether
 * it comes from an import, a fully qualified name, a signature or a thrown type.
 *
 * <p>Two independent checks: the package graph has no cycle at all, and every edge is one that
 * {@link #ALLOWED} permits. The first holds even if the table is widened carelessly.
 *
 * <p>Threading: plain JUnit test; no shared state beyond the graph read once before the tests.
 */
class LayersTest {

    /**
     * Package (under {@code io.duplex}) → the packages it may use, bottom to top. Changing this
     * table changes the architecture: update docs/ARCHITECTURE.md with it.
     */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "frame", Set.of(),
            "extension", Set.of("frame"),
            "deflate", Set.of("frame", "extension"),
            "handshake", Set.of("frame", "extension"),
            "protocol", Set.of("frame", "extension"));

    // jdeps -verbose:package: "   io.duplex.a   -> io.duplex.b   <module or archive>"
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S+\\s*$");
    private static final String ROOT = "io.duplex.";

    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void readCompiledClasses() throws URISyntaxException {
        // target/classes (or the jar): wherever the module's own classes were loaded from
        Path classes = Path.of(Protocol.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        graph = packageGraph(jdeps("-verbose:package", classes.toString()));
    }

    @Test
    void everyPackageHasItsPlaceInTheTable() {
        assertThat(graph.keySet())
                .as("packages of duplex-protocol; a new one needs a row in ALLOWED and in the docs")
                .containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    }

    @Test
    void noPackageCycles() {
        for (String start : graph.keySet()) {
            assertThat(cycleThrough(start)).as("package cycle through " + start).isEmpty();
        }
    }

    @Test
    void everyDependencyIsAllowed() {
        Map<String, Set<String>> forbidden = new TreeMap<>();
        graph.forEach((from, targets) -> {
            Set<String> extra = new TreeSet<>(targets);
            extra.removeAll(ALLOWED.getOrDefault(from, Set.of()));
            if (!extra.isEmpty()) {
                forbidden.put(from, extra);
            }
        });
        assertThat(forbidden)
                .as("dependencies outside the layering (package -> forbidden targets)")
                .isEmpty();
    }

    /** The shortest cycle from {@code start} back to itself, as a path, or empty if there is none. */
    private static List<String> cycleThrough(String start) {
        Map<String, String> parent = new HashMap<>(); // breadth-first: each package's predecessor
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : graph.getOrDefault(at, Set.of())) {
                if (next.equals(start)) {
                    Deque<String> path = new ArrayDeque<>(List.of(start));
                    for (String p = at; !p.equals(start); p = parent.get(p)) {
                        path.addFirst(p);
                    }
                    path.addFirst(start);
                    return List.copyOf(path); // start -> ... -> at -> start
                }
                if (parent.putIfAbsent(next, at) == null) {
                    queue.add(next);
                }
            }
        }
        return List.of();
    }

    /** Edges between io.duplex packages, keyed by the short name ("frame"); every package appears. */
    private static Map<String, Set<String>> packageGraph(String jdepsOutput) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (String line : jdepsOutput.split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches() && m.group(1).startsWith(ROOT)) {
                Set<String> targets = g.computeIfAbsent(shortName(m.group(1)), k -> new TreeSet<>());
                if (m.group(2).startsWith(ROOT) && !m.group(2).equals(m.group(1))) {
                    targets.add(shortName(m.group(2)));
                }
            }
        }
        assertThat(g)
                .as("jdeps found no io.duplex package; its output was:%n%s", jdepsOutput)
                .isNotEmpty();
        return g;
    }

    private static String shortName(String pkg) {
        return pkg.substring(ROOT.length());
    }

    private static String jdeps(String... args) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("jdeps is missing: the build needs a full JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(rc).as("jdeps exit status; stderr:%n%s", err).isZero();
        return out.toString();
    }
}
