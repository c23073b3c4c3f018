package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code src/test/node/scenario.js} and returns the JSON line it printed. */
final class NodeScenarios {
    private NodeScenarios() {}

    static JsonNode run(String scenario, String... args) throws Exception {
        NodeClientInteropTest.requireNode();
        List<String> command = new ArrayList<>(
                List.of(BrowserPrerequisites.node().orElseThrow().toString(), "scenario.js", scenario));
        command.addAll(List.of(args));
        Path log =
                Path.of("target", "node-logs", "scenario-" + scenario + ".log").toAbsolutePath();
        try (ScriptProcess p = ScriptProcess.start(command, NodeClientInteropTest.NODE_DIR, log)) {
            String line = p.nextLine(Duration.ofSeconds(60));
            assertThat(line).as("node printed nothing; stderr: %s", p.stderr()).isNotNull();
            JsonNode out = new ObjectMapper().readTree(line);
            assertThat(out.has("error")).as("%s", out.path("error").asText()).isFalse();
            p.tell("exit");
            return out;
        }
    }
}
