package io.duplex.examples.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO chat demo in real headless Chromium: {@code src/test/node/socketio-e2e.js}
 * (playwright-core driving Debian's {@code /usr/bin/chromium}) opens pages served by a {@link
 * SocketIoChat}, with the official socket.io browser client the page loads from the Socket.IO CDN
 * answered from node_modules (the browser has no internet). Empty and too-long nicknames are
 * refused by the server's middleware and the page shows why; Ada and Grace join one room, see
 * the member count, the typing notice and each other's messages; a too-long message shows its
 * ack error; Grace's network drops while Ada talks and her page comes back recovered (connection
 * state recovery: same socket id) with the missed message, each message once. This test asserts
 * on what the pages showed, from the JSON line the script prints. Skipped (or failed under {@code
 * CI=true}) without Chromium, Node and the npm packages, as {@code ChatE2ETest}.
 */
class SocketIoChatE2ETest {
    private static final BrowserPrerequisites BROWSER = BrowserPrerequisites.of("duplex-examples", "examples");
    private static final Duration WHOLE_RUN = Duration.ofSeconds(90);

    @Test
    void twoPagesChatAreRefusedWithoutANicknameAndRecoverAfterADrop() throws Exception {
        BROWSER.require();
        Path client = BROWSER.nodeDir().resolve("node_modules/socket.io-client/dist/socket.io.min.js");
        if (!Files.isRegularFile(client)) {
            BrowserPrerequisites.skipOrFail(
                    "the browser test cannot run: " + client + " is missing (npm ci not run); install: "
                            + BROWSER.install(),
                    System.getenv("CI"));
        }
        Path shots = BROWSER.buildDir().resolve("screenshots");
        JsonNode result;
        try (SocketIoChat chat = SocketIoChat.start("127.0.0.1", 0, Set.of());
                ScriptProcess script = ScriptProcess.start(
                        List.of(
                                BrowserPrerequisites.node().orElseThrow().toString(),
                                "socketio-e2e.js",
                                "http://127.0.0.1:" + chat.port() + "/",
                                shots.toString()),
                        BROWSER.nodeDir(),
                        BROWSER.buildDir().resolve("e2e/socketio-e2e.log"))) {
            result = result(script);
            assertThat(result.path("ok").asBoolean())
                    .as("socketio-e2e.js: %s\nstderr: %s", result.path("error").asText(), script.stderr())
                    .isTrue();
        }

        assertThat(result.path("userAgent").asText()).contains("Chrome/");
        assertThat(result.path("clientLoaded").asBoolean())
                .as("the socket.io client (global io)")
                .isTrue();
        assertThat(result.path("cdnRequests").asInt())
                .as("each page loaded the client from the CDN")
                .isEqualTo(2);
        assertThat(texts(result.path("pageErrors"))).isEmpty();

        JsonNode refused = result.path("refused");
        assertThat(refused.path("empty").path("shown").asText()).isEqualTo("Choose a nickname first.");
        assertThat(refused.path("empty").path("problem").asText()).isEqualTo("empty");
        assertThat(refused.path("tooLong").path("shown").asText())
                .isEqualTo("Nickname too long: at most 32 characters.");
        assertThat(refused.path("tooLong").path("problem").asText()).isEqualTo("too-long");
        assertThat(refused.path("chatHidden").asBoolean()).isTrue();

        JsonNode chat = result.path("chat");
        assertThat(chat.path("adaMembers").asText()).isEqualTo("2 members");
        assertThat(chat.path("graceMembers").asText()).isEqualTo("2 members");
        assertThat(chat.path("roomTitle").asText()).isEqualTo("#lobby");
        assertThat(chat.path("typingSeen").asText()).isEqualTo("ada is typing…");
        String hostile = "<img src=x onerror=\"window.__pwned=1\"> Hi Ada — ça va?";
        List<String> firstTwo = List.of("ada: Hello Grace", "grace: " + hostile);
        assertThat(lines(chat.path("adaMessages"))).containsExactlyElementsOf(firstTwo);
        assertThat(lines(chat.path("graceMessages"))).containsExactlyElementsOf(firstTwo);
        assertThat(chat.path("markupEscaped").asBoolean())
                .as("user text is shown as text")
                .isTrue();
        assertThat(chat.path("adaInputCleared").asText()).isEmpty();

        JsonNode tooLong = result.path("tooLong");
        assertThat(tooLong.path("notice").asText()).isEqualTo("Message too long: 2500 characters, at most 2000.");
        assertThat(tooLong.path("kept").asInt())
                .as("left in the field to shorten")
                .isEqualTo(2500);

        JsonNode drop = result.path("drop");
        assertThat(drop.path("graceWhileCut").path("state").asText()).isEqualTo("reconnecting");
        assertThat(drop.path("adaMembersWhileCut").asText()).isEqualTo("1 member");
        assertThat(drop.path("graceAfter").path("state").asText()).isEqualTo("recovered");
        assertThat(drop.path("graceAfter").path("label").asText()).isEqualTo("connected · recovered");
        assertThat(drop.path("recovered").asBoolean()).isTrue();
        assertThat(drop.path("idAfter").asText())
                .as("a recovered socket keeps its id")
                .isEqualTo(drop.path("idBefore").asText())
                .isNotEmpty();
        assertThat(drop.path("adaMembersAfter").asText()).isEqualTo("2 members");
        assertThat(drop.path("graceMembersAfter").asText()).isEqualTo("2 members");
        List<String> all = new ArrayList<>(firstTwo);
        all.add("ada: While you were away");
        all.add("grace: Back, nothing lost");
        assertThat(lines(drop.path("adaMessages"))).as("ada, each message once").containsExactlyElementsOf(all);
        assertThat(lines(drop.path("graceMessages")))
                .as("grace: the missed message replayed, each message once, in order, nothing reloaded")
                .containsExactlyElementsOf(all);
        assertThat(texts(drop.path("graceSystem"))).containsExactly("Connection recovered: missed messages delivered.");

        JsonNode leave = result.path("leave");
        assertThat(leave.path("adaMembers").asText()).isEqualTo("1 member");
        assertThat(leave.path("graceStatus").path("state").asText()).isEqualTo("disconnected");

        assertThat(texts(result.path("screenshots")))
                .containsExactly("socketio-ada.png", "socketio-grace-recovered.png");
        for (String png : texts(result.path("screenshots"))) {
            assertThat(shots.resolve(png)).isNotEmptyFile();
        }
    }

    /** The script's result line; its other output goes to the log. */
    private static JsonNode result(ScriptProcess script) throws Exception {
        long deadline = System.nanoTime() + WHOLE_RUN.toNanos();
        ObjectMapper json = new ObjectMapper();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            String line = left.isNegative() ? null : script.nextLine(left);
            if (line == null) {
                throw new AssertionError("socketio-e2e.js (PID " + script.pid() + ") ended, or gave no result within "
                        + WHOLE_RUN + ",\nstderr: " + script.stderr());
            }
            if (line.startsWith("{")) {
                JsonNode event = json.readTree(line);
                if (event.path("event").asText().equals("result")) {
                    return event;
                }
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Messages as "nick: text". */
    private static List<String> lines(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(
                m -> out.add(m.path("nick").asText() + ": " + m.path("text").asText()));
        return out;
    }
}
