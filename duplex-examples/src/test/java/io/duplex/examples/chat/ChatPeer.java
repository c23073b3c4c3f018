package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A chat client for tests, on Duplex's own {@link WebSocketClient}: every server message is parsed
 * into a map and queued; {@link #next(String)} takes the next one and checks its type. Waits are
 * bounded (10 s).
 *
 * <p>Member lists: like the page, the peer keeps the room's members from the {@code presence} list
 * and the {@code member-joined} / {@code member-left} events (which may come before the list: they
 * are kept until it comes, then replayed on it). {@link #next(String)} takes those into the list
 * on its way unless they are what it was asked for; {@link #awaitMembers} waits for a list.
 *
 * <p>Threading: the queue is filled on the client's loop and read by the test thread, which alone
 * uses the member list.
 */
final class ChatPeer {
    static final Set<String> MEMBER_TYPES = Set.of("presence", "member-joined", "member-left");

    final WebSocket ws;
    private final LinkedBlockingQueue<Map<String, Object>> inbox;
    /** Messages {@link #awaitMembers} passed over, for {@link #next()} to take first. */
    private final ArrayDeque<Map<String, Object>> passed = new ArrayDeque<>();

    final CompletableFuture<Integer> closed;
    private final Map<String, String> members = new LinkedHashMap<>();
    private List<Map<String, Object>> pendingEvents; // null once the join's list is here
    /** Every member event taken into the list, in order (for tests of what a member was told). */
    final List<String> memberEvents = new ArrayList<>();

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
        expectList();
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

    /** A join is on its way: member events are kept until its list comes. */
    void expectList() {
        pendingEvents = new ArrayList<>();
    }

    /** Takes member messages (and only those) until the list is exactly {@code nicks}, in any order. */
    void awaitMembers(String... nicks) throws InterruptedException {
        Set<String> want = Set.of(nicks);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pendingEvents != null || !new HashSet<>(members.values()).equals(want)) {
            long left = deadline - System.nanoTime();
            Map<String, Object> m = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("members " + members.values() + ", not " + want + ", after 10 s");
            }
            if (MEMBER_TYPES.contains((String) m.get("type"))) {
                take(m);
            } else {
                passed.add(m);
            }
        }
    }

    /** The members this peer knows of. */
    List<String> members() {
        return List.copyOf(members.values());
    }

    private void take(Map<String, Object> m) {
        String type = (String) m.get("type");
        if (type.equals("presence")) {
            members.clear();
            for (Object n : nicks(m)) {
                members.put(((String) n).toLowerCase(Locale.ROOT), (String) n);
            }
            List<Map<String, Object>> replay = pendingEvents == null ? List.of() : pendingEvents;
            pendingEvents = null;
            replay.forEach(this::apply);
        } else if (pendingEvents != null) {
            pendingEvents.add(m);
        } else {
            apply(m);
        }
    }

    private void apply(Map<String, Object> event) {
        String nick = (String) event.get("nick");
        String type = (String) event.get("type");
        memberEvents.add(type + " " + nick);
        if (type.equals("member-joined")) {
            members.putIfAbsent(nick.toLowerCase(Locale.ROOT), nick);
        } else {
            members.remove(nick.toLowerCase(Locale.ROOT));
        }
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
        while (MEMBER_TYPES.contains((String) m.get("type")) && !type.equals(m.get("type"))) {
            take(m); // members come apart from the rest: taken into the list, not into the test
            m = next();
        }
        assertThat(m).as("the next message").containsEntry("type", type);
        if (MEMBER_TYPES.contains(type)) {
            take(m);
        }
        return m;
    }

    Map<String, Object> next() throws InterruptedException {
        Map<String, Object> p = passed.poll();
        if (p != null) {
            return p;
        }
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
