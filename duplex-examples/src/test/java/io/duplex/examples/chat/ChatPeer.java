package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A chat client for tests, on Duplex's own {@link WebSocketClient}: every server message is parsed
 * into a map and queued; {@link #next(String)} takes the next one and checks its type. Waits are
 * bounded (10 s).
 *
 * <p>Threading: the queue is filled on the client's loop and read by the test thread.
 */
final class ChatPeer {
    final WebSocket ws;
    private final LinkedBlockingQueue<Map<String, Object>> inbox;
    final CompletableFuture<Integer> closed;

    private ChatPeer(WebSocket ws, LinkedBlockingQueue<Map<String, Object>> inbox, CompletableFuture<Integer> closed) {
        this.ws = ws;
        this.inbox = inbox;
        this.closed = closed;
    }

    /** Connects to {@code path} and, for /chat, takes the welcome. */
    static ChatPeer connect(WebSocketClient client, int port, String path, Map<String, String> headers)
            throws Exception {
        LinkedBlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = client.connect(
                        URI.create("ws://127.0.0.1:" + port + path),
                        new WebSocketHandler() {
                            @Override
                            public void onText(WebSocket s, String text) {
                                inbox.add(TestJson.object(text));
                            }

                            @Override
                            public void onClose(WebSocket s, int code, String reason, boolean wasClean) {
                                closed.complete(code);
                            }
                        },
                        headers)
                .get(10, TimeUnit.SECONDS);
        return new ChatPeer(ws, inbox, closed);
    }

    static ChatPeer chat(WebSocketClient client, int port) throws Exception {
        ChatPeer p = connect(client, port, "/chat", Map.of());
        p.next("welcome");
        return p;
    }

    /**
     * Joins afresh and takes the joined / subscribed / history / presence that answer it; returns
     * the history.
     */
    List<Object> join(String room, String nick) throws InterruptedException {
        send("{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"" + nick + "\"}");
        assertThat(next("joined")).containsEntry("room", room).containsEntry("nick", nick);
        assertThat(next("subscribed"))
                .containsEntry("room", room)
                .containsEntry("recovered", true)
                .containsEntry("replayed", 0.0);
        List<Object> history = messages(next("history"));
        next("presence");
        return history;
    }

    /** Sends a join that resumes {@code session}'s nick and the room's stream after {@code since}. */
    void rejoin(String room, String nick, String session, Map<String, Object> since) {
        send(JsonWriter.message("join")
                .field("room", room)
                .field("nick", nick)
                .field("resume", session)
                .field("epoch", (String) since.get("epoch"))
                .field("offset", ((Double) since.get("offset")).longValue())
                .toString());
    }

    void say(String text) {
        send(JsonWriter.message("message").field("text", text).toString());
    }

    void send(String text) {
        ws.send(text);
    }

    void sendBinary() {
        ws.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    /** The next message, which must be of {@code type}. */
    Map<String, Object> next(String type) throws InterruptedException {
        Map<String, Object> m = next();
        assertThat(m).as("the next message").containsEntry("type", type);
        return m;
    }

    Map<String, Object> next() throws InterruptedException {
        Map<String, Object> m = inbox.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing received within 10 s");
        }
        return m;
    }

    /** The next {@code error}'s code. */
    String nextError() throws InterruptedException {
        return (String) next("error").get("code");
    }

    int awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    static List<Object> messages(Map<String, Object> history) {
        return (List<Object>) history.get("messages");
    }

    @SuppressWarnings("unchecked")
    static List<Object> nicks(Map<String, Object> presence) {
        return (List<Object>) presence.get("nicks");
    }
}
