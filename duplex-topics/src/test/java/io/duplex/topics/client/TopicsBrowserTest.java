package io.duplex.topics.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * topics.js in real headless Chromium: {@code src/test/node/e2e.js} (playwright-core driving
 * Debian's {@code /usr/bin/chromium}, never a downloaded browser) opens {@code e2e.html}, served
 * with the shipped {@code topics.js} by a Duplex server that also serves the topics route. The page
 * subscribes, publishes and reads history, and two more clients of the page show presence (join
 * and leave events with the user flag, stats, member pages, a refusal); this test publishes 3,000 publications in three runs
 * and cuts the page's connection in the middle of the first two, and the page must have every offset exactly once, in order, with
 * {@code recovered = true}; then the server restarts with a fresh engine and the page must be told
 * it was not recovered, with the new epoch. Skipped without Chromium, node or {@code npm ci}
 * locally; fails under {@code CI=true}.
 */
class TopicsBrowserTest {
    private static final BrowserPrerequisites BROWSER = BrowserPrerequisites.of("duplex-topics", "topics");

    private static final Duration WHOLE_RUN = Duration.ofSeconds(90);
    private static final int TOTAL = 3000;

    private TopicsTestServer server;

    @Test
    void theBrowserClientResumesAfterDropsInOrderOnceAndIsToldOfARestart() throws Exception {
        BROWSER.require();
        server = TopicsTestServer.start();
        int port = server.port();
        List<String> command =
                List.of(BrowserPrerequisites.node().orElseThrow().toString(), "e2e.js", server.httpBase());
        JsonNode result = null;
        List<Integer> dropped = new ArrayList<>();
        long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
        ObjectMapper json = new ObjectMapper();
        try (ScriptProcess script = ScriptProcess.start(
                command, BROWSER.nodeDir(), BROWSER.buildDir().resolve("e2e/e2e.log"))) {
            while (result == null) {
                Duration left = Duration.ofNanos(deadline - System.nanoTime());
                String line = left.isNegative() ? null : script.nextLine(left);
                if (line == null) {
                    throw new AssertionError("e2e.js (PID " + script.pid() + ") gave no result within " + WHOLE_RUN
                            + "\nstderr: " + script.stderr());
                }
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode event = json.readTree(line);
                switch (event.get("event").asText()) {
                    case "publish" -> {
                        publish(
                                event.get("from").asInt(),
                                event.get("to").asInt(),
                                event.get("dropAt").asInt(),
                                dropped);
                        script.tell("published");
                    }
                    case "restart" -> {
                        server.close();
                        server = TopicsTestServer.start(port, TopicsTestServer.freshEngine());
                        script.tell("restarted");
                    }
                    case "result" -> result = event;
                    default -> throw new AssertionError("unexpected line from e2e.js: " + line);
                }
            }
            assertThat(result.get("ok").asBoolean())
                    .as("e2e.js: %s\nstderr: %s", result.get("error"), script.stderr())
                    .isTrue();
        } finally {
            server.close();
        }
        System.out.println("topics.js in Chromium: " + result.get("drops").get("resumeMs")
                + " ms from each loss to the subscribe answer; close codes "
                + result.get("drops").get("closeCodes") + "; restart " + result.get("restart"));

        assertThat(result.get("userAgent").asText()).contains("Chrome/");
        assertThat(result.get("pageErrors")).isEmpty();
        JsonNode first = result.get("first");
        assertThat(first.get("recovered").asBoolean()).isTrue();
        String epoch = first.get("position").get("epoch").asText();

        JsonNode probe = result.get("probe");
        assertThat(probe.get("position").get("offset").asLong()).isEqualTo(1);
        assertThat(probe.get("history")).hasSize(1);
        assertThat(probe.get("history").get(0).get("data").get("from").asText()).isEqualTo("browser");
        assertThat(probe.get("refusal").get("name").asText()).isEqualTo("TopicsError");
        assertThat(probe.get("refusal").get("code").asInt()).isEqualTo(4001);

        JsonNode presence = result.get("presence");
        assertThat(presence.get("events"))
                .as("bob's join and leave, seen by the watcher")
                .containsExactly(
                        json.readTree(
                                "{\"type\":\"join\",\"user\":\"bob\",\"info\":{\"name\":\"bob\"}," + "\"first\":true}"),
                        json.readTree("{\"type\":\"leave\",\"user\":\"bob\",\"last\":true}"));
        assertThat(presence.get("stats")).isEqualTo(json.readTree("{\"connections\":2,\"users\":2}"));
        assertThat(presence.get("users")).isEqualTo(json.readTree("[\"bob\",\"watcher\"]"));
        assertThat(presence.get("lastCursor").isNull()).isTrue();
        assertThat(presence.get("refusal").get("code").asInt()).isEqualTo(4010);

        assertThat(dropped).as("connections the test cut").containsExactly(1, 1);
        JsonNode drops = result.get("drops");
        assertThat(drops.get("count").asInt()).isEqualTo(TOTAL);
        assertThat(drops.get("inOrderOnce").asBoolean())
                .as("every offset once, in order")
                .isTrue();
        assertThat(drops.get("epochs")).hasSize(1);
        assertThat(drops.get("epochs").get(0).asText()).isEqualTo(epoch);
        assertThat(drops.get("interrupted")).isEmpty();
        assertThat(drops.get("errors")).isEmpty();
        assertThat(drops.get("subscribed").size()).isGreaterThanOrEqualTo(3);
        for (JsonNode s : drops.get("subscribed")) {
            assertThat(s.get("recovered").asBoolean()).as("subscribed %s", s).isTrue();
        }

        JsonNode restart = result.get("restart");
        JsonNode again = restart.get("subscribed");
        assertThat(again.get("recovered").asBoolean()).isFalse();
        String newEpoch = again.get("position").get("epoch").asText();
        assertThat(newEpoch).isNotEqualTo(epoch);
        assertThat(again.get("position").get("offset").asLong()).isZero();
        assertThat(restart.get("after").get("offsets")).containsExactly(json.readTree("1"));
        assertThat(restart.get("after").get("epochs").get(0).asText()).isEqualTo(newEpoch);
        assertThat(result.get("finalState").asText()).isEqualTo("closed");
    }

    /**
     * Publishes {@code {"n":from}} .. {@code {"n":to}} through the server's Java API, cutting the
     * page's connection right after publication {@code dropAt} (0: no cut), while the rest follow.
     */
    private void publish(int from, int to, int dropAt, List<Integer> dropped) {
        for (int i = from; i <= to; i++) {
            server.server().streams().publish("feed", "{\"n\":" + i + "}");
            if (i == dropAt) {
                dropped.add(server.dropConnections());
            }
        }
    }
}
