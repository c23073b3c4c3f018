package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat demo in real headless Chromium: {@code src/test/node/e2e.js} (playwright-core driving
 * Debian's {@code /usr/bin/chromium}, never a downloaded browser) opens two pages served by the
 * {@link ChatServer}, has them join one room and chat. Grace's page goes through a {@link
 * CuttableTunnel}: the script asks this test to cut it while Ada keeps talking, and Grace's page
 * must catch up by itself, showing each message once, in order. Then the script asks for the
 * server to stop and start again on the same port — a new in-memory engine, so a new epoch: both
 * pages must rejoin by themselves, notice that they could not be caught up, reload the room and
 * again show each message once. Last, the dashboard must update, with the server's own counts
 * (connections, messages in and out per second, handshakes, drops) from its metrics listener. This test answers the script's
 * requests and asserts on the JSON result it prints. Screenshots: {@code target/screenshots/}.
 */
class ChatE2ETest {
    private static final BrowserPrerequisites BROWSER = BrowserPrerequisites.of("duplex-examples", "examples");

    private static final Duration WHOLE_RUN = Duration.ofSeconds(90);
    private static final List<String> SCREENSHOTS = List.of(
            "chat-two-pages.png",
            "caught-up.png",
            "reconnecting.png",
            "after-restart.png",
            "chat.png",
            "dashboard.png");

    private ChatServer chat;

    @Test
    @SuppressWarnings("unchecked")
    void twoBrowsersChatCatchUpAfterADropSurviveARestartAndTheDashboardUpdates() throws Exception {
        BROWSER.require();
        ChatOptions options =
                ChatOptions.builder().host("127.0.0.1").port(0).eventLoops(2).build();
        chat = ChatServer.start(options);
        int port = chat.port();
        Path shots = BROWSER.buildDir().resolve("screenshots");
        CuttableTunnel tunnel = new CuttableTunnel(port);
        List<String> command = List.of(
                BrowserPrerequisites.node().orElseThrow().toString(),
                "e2e.js",
                "http://127.0.0.1:" + port + "/",
                shots.toString(),
                "http://127.0.0.1:" + tunnel.port() + "/");
        Map<String, Object> result = null;
        long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
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
                Map<String, Object> event = TestJson.object(line);
                switch ((String) event.get("event")) {
                    case "cut-grace" -> {
                        tunnel.cut();
                        script.tell("cut");
                    }
                    case "resume-grace" -> {
                        tunnel.resume();
                        script.tell("resumed");
                    }
                    case "stop-server" -> {
                        chat.stop();
                        script.tell("stopped");
                    }
                    case "start-server" -> {
                        chat = ChatServer.start(options.toBuilder().port(port).build());
                        script.tell("started");
                    }
                    case "result" -> result = event;
                    default -> throw new AssertionError("unexpected line from e2e.js: " + line);
                }
            }
            assertThat(result.get("ok"))
                    .as("e2e.js: %s\nstderr: %s", result.get("error"), script.stderr())
                    .isEqualTo(true);
        } finally {
            chat.stop();
            tunnel.close();
        }

        assertThat((String) result.get("userAgent")).contains("Chrome/");
        assertThat((List<Object>) result.get("pageErrors")).isEmpty();

        Map<String, Object> first = (Map<String, Object>) result.get("first");
        assertThat((List<Object>) first.get("adaPresence")).containsExactlyInAnyOrder("ada", "grace");
        assertThat((List<Object>) first.get("gracePresence")).containsExactlyInAnyOrder("ada", "grace");
        assertThat((String) first.get("typingSeen")).contains("ada is typing");
        String hostile = "<img src=x onerror=\"window.__pwned=1\"> Hi Ada — ça va?";
        assertThat((List<Object>) first.get("graceMessages"))
                .containsExactly(message("ada", "Hello Grace"), message("grace", hostile));
        assertThat((List<Object>) first.get("adaMessages"))
                .containsExactly(message("ada", "Hello Grace"), message("grace", hostile));
        assertThat(first.get("markupEscaped")).as("user text is shown as text").isEqualTo(true);

        Map<String, Object> drop = (Map<String, Object>) result.get("drop");
        assertThat((Map<String, Object>) drop.get("graceWhileCut")).containsEntry("state", "reconnecting");
        List<Map<String, Object>> sinceTheStart = List.of(
                message("ada", "Hello Grace"),
                message("grace", hostile),
                message("ada", "While you were away 1"),
                message("ada", "While you were away 2"),
                message("ada", "While you were away 3"),
                message("ada", "While you were away 4"),
                message("ada", "And now live 1"),
                message("ada", "And now live 2"));
        for (String who : List.of("ada", "grace")) {
            assertThat((List<Object>) drop.get(who + "Messages"))
                    .as("%s: every message once, in order, across the drop", who)
                    .containsExactlyElementsOf(sinceTheStart);
        }
        // The four said while Grace was cut off are certainly replayed; the live ones raced her
        // rejoin on purpose, so each of them came either in the replay or live (never both: above).
        assertThat((String) drop.get("graceCaughtUp"))
                .matches("Reconnected: back in #lobby \\([4-6] missed messages caught up\\)");
        assertThat((List<Object>) drop.get("graceReloaded"))
                .as("caught up, so nothing reloaded")
                .isEmpty();

        Map<String, Object> restart = (Map<String, Object>) result.get("restart");
        for (String who : List.of("ada", "grace")) {
            assertThat((Map<String, Object>) restart.get(who + "WhileDown")).containsEntry("state", "reconnecting");
            assertThat((Map<String, Object>) restart.get(who + "After")).containsEntry("state", "open");
            assertThat((List<Object>) restart.get(who + "Presence")).containsExactlyInAnyOrder("ada", "grace");
            assertThat((List<Object>) restart.get(who + "System")).contains("Reconnected: back in #lobby");
            assertThat((List<Object>) restart.get(who + "Reloaded"))
                    .as("%s: a new server is a new epoch: not recovered, and the page says so", who)
                    .containsExactly("Missed messages could not be caught up: showing the latest ones.");
            assertThat((List<Object>) restart.get(who + "Messages"))
                    .as("%s: reloaded from the new server's (empty) history, then each new message once", who)
                    .containsExactly(
                            message("ada", "Back after the restart?"), message("grace", "Yes, rejoined by myself."));
        }

        Map<String, Object> dashboard = (Map<String, Object>) result.get("dashboard");
        assertThat((Double) dashboard.get("updates")).isGreaterThanOrEqualTo(2);
        assertThat((Double) dashboard.get("connections")).isEqualTo(2);
        assertThat((Double) dashboard.get("total")).isGreaterThanOrEqualTo(2);
        // What the server counted through its metrics listener: messages in and their fan-out
        // out, the upgrades of both pages and the dashboard into the restarted server, no drops.
        assertThat((Double) dashboard.get("inRateSeen")).isPositive();
        assertThat((Double) dashboard.get("outRateSeen")).isPositive();
        assertThat((Double) dashboard.get("handshakes")).isGreaterThanOrEqualTo(3);
        assertThat((Double) dashboard.get("rejected")).isGreaterThanOrEqualTo(0);
        assertThat((Double) dashboard.get("dropped")).isEqualTo(0);
        assertThat((List<Object>) dashboard.get("rooms")).contains(List.of("#lobby", "2"));

        Map<String, Object> leave = (Map<String, Object>) result.get("leave");
        assertThat((List<Object>) leave.get("adaPresence"))
                .as("grace left the room")
                .containsExactly("ada");
        assertThat(leave.get("adaCount")).isEqualTo("1");
        assertThat((String) leave.get("adaLeftLine")).isEqualTo("grace left");

        assertThat((List<Object>) result.get("screenshots")).containsExactly(SCREENSHOTS.toArray());
        for (String png : SCREENSHOTS) {
            assertThat(shots.resolve(png)).isNotEmptyFile();
        }
    }

    private static Map<String, Object> message(String nick, String text) {
        return Map.of("nick", nick, "text", text);
    }
}
