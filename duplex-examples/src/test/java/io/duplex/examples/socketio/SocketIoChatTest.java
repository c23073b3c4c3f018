package io.duplex.examples.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO chat's events with the official Java client ({@code io.socket:socket.io-client}
 * 2.1.1), no browser needed: the nickname middleware's refusals, join acks with history and member
 * counts, messages acknowledged to the sender and sent to the others, ack errors. The browser's
 * side, recovery included, is {@link SocketIoChatE2ETest}.
 */
class SocketIoChatTest {
    private SocketIoChat chat;
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(Socket::close);
        if (chat != null) {
            chat.close();
        }
    }

    private Socket client(String nick) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .setAuth(Map.of("nick", nick))
                .build();
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + chat.port()), options);
        clients.add(s);
        return s;
    }

    private static void connect(Socket s) {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        s.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        s.on(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(new AssertionError(a[0])));
        s.connect();
        Await.await(connected);
    }

    /** Emits {@code event} with {@code arg} and returns the ack's first argument. */
    private static JSONObject ask(Socket s, String event, Object arg) {
        CompletableFuture<JSONObject> reply = new CompletableFuture<>();
        s.emit(event, new Object[] {arg}, a -> reply.complete((JSONObject) a[0]));
        return Await.await(reply);
    }

    @Test
    void nicknamesAreCheckedByTheMiddleware() throws Exception {
        chat = SocketIoChat.start("127.0.0.1", 0, Set.of());
        for (Map.Entry<String, String> c : Map.of(
                        "  ", "empty", "x".repeat(33), "too-long", "a\u0007b", "control-characters")
                .entrySet()) {
            Socket s = client(c.getKey());
            CompletableFuture<JSONObject> refused = new CompletableFuture<>();
            s.on(Socket.EVENT_CONNECT, a -> refused.completeExceptionally(new AssertionError("connected")));
            s.on(Socket.EVENT_CONNECT_ERROR, a -> refused.complete((JSONObject) a[0]));
            s.connect();
            JSONObject error = Await.await(refused);
            assertThat(error.getString("message")).isNotBlank();
            JSONObject data = error.getJSONObject("data");
            assertThat(data.getString("field")).isEqualTo("nick");
            assertThat(data.getString("problem")).isEqualTo(c.getValue());
            assertThat(data.getInt("maxLength")).isEqualTo(32);
        }
        Socket ok = client("x".repeat(32));
        connect(ok);
    }

    @Test
    void joinSendAndTheAckErrors() throws Exception {
        chat = SocketIoChat.start("127.0.0.1", 0, Set.of());
        Socket ada = client("ada");
        LinkedBlockingQueue<JSONObject> adaMembers = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<JSONObject> adaMessages = new LinkedBlockingQueue<>();
        ada.on("members", a -> adaMembers.add((JSONObject) a[0]));
        ada.on("message", a -> adaMessages.add((JSONObject) a[0]));
        connect(ada);

        assertThat(ask(ada, "message", "too early").getString("error")).isEqualTo("Join a room first.");
        assertThat(ask(ada, "join", "No Spaces").getString("error")).contains("a-z, 0-9 and -");
        JSONObject joined = ask(ada, "join", "lobby");
        assertThat(joined.getString("room")).isEqualTo("lobby");
        assertThat(joined.getInt("members")).isEqualTo(1);
        assertThat(joined.getJSONArray("history").length()).isZero();

        assertThat(ask(ada, "message", "x".repeat(2_001)).getString("error"))
                .isEqualTo("Message too long: 2001 characters, at most 2000.");
        assertThat(ask(ada, "message", "   ").getString("error")).isEqualTo("Say something: the message is empty.");
        JSONObject sent = ask(ada, "message", "  hello  ").getJSONObject("message");
        assertThat(sent.getString("nick")).isEqualTo("ada");
        assertThat(sent.getString("text")).isEqualTo("hello");
        assertThat(sent.getString("room")).isEqualTo("lobby");
        assertThat(sent.getLong("id")).isPositive();
        assertThat(sent.getLong("time")).isPositive();

        Socket grace = client("grace");
        connect(grace);
        JSONObject graceJoined = ask(grace, "join", "lobby");
        assertThat(graceJoined.getInt("members")).isEqualTo(2);
        assertThat(fields(graceJoined.getJSONArray("history").getJSONObject(0)))
                .as("the history has the message as stored")
                .isEqualTo(fields(sent));
        // Ada is told of each count: 1 (her join), then 2.
        assertThat(next(adaMembers).getInt("count")).isEqualTo(1);
        assertThat(next(adaMembers).getInt("count")).isEqualTo(2);

        JSONObject fromGrace = ask(grace, "message", "hi ada").getJSONObject("message");
        JSONObject received = next(adaMessages);
        assertThat(fields(received)).isEqualTo(fields(fromGrace));
        assertThat(adaMessages)
                .as("ada's own message came back by its ack only")
                .isEmpty();

        grace.close();
        assertThat(next(adaMembers).getInt("count")).as("grace left").isEqualTo(1);
    }

    /** A message's fields (this org.json has no equality of objects). */
    private static List<Object> fields(JSONObject m) throws Exception {
        return List.of(
                m.getLong("id"), m.getString("room"), m.getString("nick"), m.getString("text"), m.getLong("time"));
    }

    private static JSONObject next(LinkedBlockingQueue<JSONObject> queue) throws InterruptedException {
        JSONObject o = queue.poll(10, TimeUnit.SECONDS);
        assertThat(o).as("nothing within 10 s").isNotNull();
        return o;
    }
}
