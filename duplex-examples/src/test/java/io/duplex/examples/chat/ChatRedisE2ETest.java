package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.examples.chat.FlowingSender.Line;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat demo on two nodes sharing one real {@code redis-server}, with a real browser: {@code
 * src/test/node/redis-e2e.js} (headless Chromium, playwright-core) keeps Grace's page on node B,
 * through a {@link CuttableTunnel}, while Ada (a {@link FlowingSender} on node A) keeps talking.
 * While messages flow, the script asks this test to cut Grace's connection and restart node B,
 * then to restart Redis with its append-only file (the page must end up with every message once,
 * in order, and no reload), then to cut her again and restart Redis without its data (the page
 * must say it could not catch up and reload). Ada's view of the stream is the reference; the page
 * also checks every frame it receives for gaps and duplicates.
 */
class ChatRedisE2ETest {
    private static final BrowserPrerequisites BROWSER = BrowserPrerequisites.of("duplex-examples", "examples");

    private static final Duration WHOLE_RUN = Duration.ofSeconds(60);
    private static final String ROOM = "lobby";

    private RedisServer redis;
    private RedisChatNode nodeA;
    private RedisChatNode nodeB;
    private CuttableTunnel tunnel;
    private FlowingSender ada;
    private final WebSocketClient client = WebSocketClient.builder().build();

    @AfterEach
    void stop() throws Exception {
        if (ada != null) {
            ada.close();
        }
        client.close();
        for (RedisChatNode node : new RedisChatNode[] {nodeA, nodeB}) {
            if (node != null) {
                node.stop();
            }
        }
        if (tunnel != null) {
            tunnel.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPageOnTheOtherNodeCatchesUpAcrossADropANodeRestartAndARedisRestartAndIsToldWhenRedisLostItAll()
            throws Exception {
        BROWSER.require();
        Path buildDir = BROWSER.buildDir();
        Files.createDirectories(buildDir);
        redis = RedisServer.startWithAof(Files.createTempDirectory(buildDir, "chat-redis-aof-"));
        String uri = "redis://127.0.0.1:" + redis.port;
        nodeA = RedisChatNode.start(uri, 0);
        nodeB = RedisChatNode.start(uri, 0);
        int portB = nodeB.port();
        tunnel = new CuttableTunnel(portB);
        ada = FlowingSender.join(client, nodeA.port(), ROOM, "ada");
        Path shots = buildDir.resolve("screenshots");
        List<String> command = List.of(
                BrowserPrerequisites.node().orElseThrow().toString(),
                "redis-e2e.js",
                "http://127.0.0.1:" + tunnel.port() + "/",
                shots.toString());
        Map<String, Object> result = null;
        long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
        try (ScriptProcess script =
                ScriptProcess.start(command, BROWSER.nodeDir(), buildDir.resolve("e2e/redis-e2e.log"))) {
            while (result == null) {
                Duration left = Duration.ofNanos(deadline - System.nanoTime());
                String line = left.isNegative() ? null : script.nextLine(left);
                if (line == null) {
                    throw new AssertionError("redis-e2e.js (PID " + script.pid() + ") gave no result within "
                            + WHOLE_RUN + "\nstderr: " + script.stderr());
                }
                if (!line.startsWith("{")) {
                    continue;
                }
                Map<String, Object> event = TestJson.object(line);
                switch ((String) event.get("event")) {
                    case "start-talking" -> {
                        ada.startTalking();
                        script.tell("talking");
                    }
                    case "cut-grace" -> {
                        tunnel.cut();
                        script.tell("cut");
                    }
                    case "resume-grace" -> {
                        tunnel.resume();
                        script.tell("resumed");
                    }
                    case "restart-b" -> {
                        nodeB.stop();
                        nodeB = null;
                        nodeB = RedisChatNode.start(uri, portB);
                        script.tell("restarted");
                    }
                    case "restart-redis", "wipe-redis" -> {
                        // Down for as long as it takes Ada to be refused a message: it flows meanwhile.
                        int refused = ada.errors().size();
                        redis.kill();
                        ada.awaitRefusedMoreThan(refused);
                        redis.restart(event.get("event").equals("restart-redis"));
                        Await.eventually(
                                "both nodes reconnected to Redis",
                                () -> nodeA.redisConnected() && nodeB.redisConnected());
                        script.tell("restarted");
                    }
                    case "flowing" -> script.tell("flowing " + ada.awaitFlowing());
                    case "end" -> script.tell("ended " + ada.stopTalking());
                    case "result" -> result = event;
                    default -> throw new AssertionError("unexpected line from redis-e2e.js: " + line);
                }
            }
            assertThat(result.get("ok"))
                    .as("redis-e2e.js: %s\nstderr: %s", result.get("error"), script.stderr())
                    .isEqualTo(true);
        }
        assertThat((List<Object>) result.get("pageErrors")).isEmpty();
        List<Line> reference = ada.stream();
        assertThat(ada.violations()).as("Ada's own stream: consecutive offsets").isEmpty();
        assertThat(ada.closeCode()).as("Ada's connection stayed open").isNull();
        // One refusal at least per Redis outage, and only that: what was not stored was refused.
        assertThat(ada.errors()).hasSizeGreaterThanOrEqualTo(2).containsOnly("unavailable");
        String first = reference.get(0).epoch();

        // 1 and 2: the page shows exactly Ada's stream from its start, same positions, once each.
        for (String step : List.of("afterNodeRestart", "afterRedisRestart")) {
            Map<String, Object> page = (Map<String, Object>) result.get(step);
            List<Line> shown = lines(page);
            assertThat(shown).as("%s: some messages", step).isNotEmpty();
            assertThat(shown)
                    .as("%s: every message of the stream once, in order", step)
                    .containsExactlyElementsOf(reference.subList(0, shown.size()));
            assertThat(shown).allSatisfy(l -> assertThat(l.epoch()).isEqualTo(first));
            assertThat((List<Object>) page.get("reloaded"))
                    .as("%s: nothing reloaded", step)
                    .isEmpty();
            assertWireClean(step, page);
        }
        Map<String, Object> afterNodeRestart = (Map<String, Object>) result.get("afterNodeRestart");
        assertThat((List<Object>) afterNodeRestart.get("system")).anySatisfy(s -> assertThat((String) s)
                .matches("Reconnected: back in #lobby \\(\\d+ missed messages? caught up\\)"));

        // 3: Redis lost everything: a new epoch, the page said so and shows the new epoch's
        // messages (its history, then live), each once, in order, up to Ada's last.
        Map<String, Object> afterWipe = (Map<String, Object>) result.get("afterWipe");
        List<Line> shown = lines(afterWipe);
        String second = reference.get(reference.size() - 1).epoch();
        assertThat(second).as("a new epoch after Redis lost its data").isNotEqualTo(first);
        List<Line> secondEpoch =
                reference.stream().filter(l -> l.epoch().equals(second)).toList();
        assertThat(shown)
                .as("after the wipe: the new epoch's messages, each once, in order")
                .containsExactlyElementsOf(secondEpoch);
        assertThat((List<Object>) afterWipe.get("reloaded"))
                .containsExactly("Missed messages could not be caught up: showing the latest ones.");
        assertThat((String) afterWipe.get("state")).isEqualTo("open");
        assertWireClean("afterWipe", afterWipe);
        System.out.println("ChatRedisE2ETest: Ada said " + ada.said() + " (and end), refused " + ada.errors()
                + "; her stream " + reference + "; page frames "
                + ((Map<String, Object>) afterWipe.get("wire")).get("frames"));
    }

    @SuppressWarnings("unchecked")
    private static void assertWireClean(String step, Map<String, Object> page) {
        Map<String, Object> wire = (Map<String, Object>) page.get("wire");
        assertThat((List<Object>) wire.get("violations"))
                .as("%s: frames the page received: no gap, no duplicate", step)
                .isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Line> lines(Map<String, Object> page) {
        List<Line> lines = new ArrayList<>();
        for (Object o : (List<Object>) page.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            lines.add(new Line(
                    (String) m.get("epoch"), ((Double) m.get("offset")).longValue(), (String) m.get("nick"), (String)
                            m.get("text")));
        }
        return lines;
    }
}
