package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Engine.IO v4 over polling with the JDK's HTTP client: the handshake, packets, and bad input. */
class EngineProtocolTest {
    final HttpClient http = HttpClient.newHttpClient();
    final BlockingQueue<String> reasons = new LinkedBlockingQueue<>();
    final BlockingQueue<String> connected = new LinkedBlockingQueue<>();
    SocketIoServer io;
    WebSocketServer server;

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(25));
    }

    void start(Duration ping) {
        start(ping, ping);
    }

    void start(Duration pingInterval, Duration pingTimeout) {
        if (server != null) {
            stop();
        }
        io = SocketIoServer.builder()
                .pingInterval(pingInterval)
                .pingTimeout(pingTimeout)
                .maxHttpBufferSize(1000)
                .build();
        io.sockets().on("connection", s -> {
            connected.add(s.id());
            s.onDisconnect(reasons::add);
            s.on("echo", (args, ack) -> s.emit("echo", args.toArray()));
        });
        server = io.attach(Loopback.server()).start();
    }

    @AfterEach
    void stop() {
        io.close();
        server.stop(Duration.ofSeconds(5));
    }

    HttpResponse<String> get(String query, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(query));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(query))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String query) {
        return URI.create("http://127.0.0.1:" + server.port() + "/socket.io/?" + query);
    }

    String handshake() throws Exception {
        HttpResponse<String> r = get("EIO=4&transport=polling");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode open = new ObjectMapper().readTree(r.body().substring(1));
        assertThat(r.body()).startsWith("0");
        assertThat(open.path("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.path("pingInterval").asLong()).isPositive();
        assertThat(open.path("pingTimeout").asLong()).isPositive();
        assertThat(open.path("maxPayload").asInt()).isEqualTo(1000);
        return open.path("sid").asText();
    }

    static void assertError(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).startsWith("{\"code\":" + code + ",\"message\":\"");
    }

    @Test
    void eventsGoBothWaysOverPolling() throws Exception {
        String sid = handshake();
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "40").body()).isEqualTo("ok");
        assertThat(get("EIO=4&transport=polling&sid=" + sid).body()).startsWith("40{\"sid\":\"");
        assertThat(post("EIO=4&transport=polling&sid=" + sid, "42[\"echo\",\"a\"]\u001e42[\"echo\",\"b\"]")
                        .body())
                .isEqualTo("ok");
        String polled = get("EIO=4&transport=polling&sid=" + sid).body();
        assertThat(polled).isEqualTo("42[\"echo\",\"a\"]\u001e42[\"echo\",\"b\"]");
    }

    @Test
    void badRequestsGetTheReferenceErrors() throws Exception {
        assertError(get("EIO=4&transport=polling&sid=nope"), 400, 1);
        assertError(get("EIO=4&transport=carrier-pigeon"), 400, 0);
        assertError(post("EIO=4&transport=polling", "40"), 400, 2);
        assertError(get("EIO=3&transport=polling"), 400, 5);
        assertError(get("EIO=4&transport=polling", "Origin", "https://evil.example"), 403, 4);
        String sid = handshake();
        post("EIO=4&transport=polling&sid=" + sid, "40");
        assertError(post("EIO=4&transport=polling&sid=" + sid, "9garbage"), 400, 3);
        // The session ended on the parse error.
        assertThat(Await.poll(reasons)).isEqualTo(DisconnectReason.PARSE_ERROR);
        assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1);
    }

    @Test
    void tooLargeABodyEndsTheSession() throws Exception {
        String sid = handshake();
        post("EIO=4&transport=polling&sid=" + sid, "40");
        HttpResponse<String> r = post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(2000));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Await.poll(reasons)).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    }

    @Test
    void aClientThatDoesNotAnswerPingsTimesOut() throws Exception {
        // The first ping comes 3 s after the handshake, so the namespace connect below is in
        // before the session can time out even on a loaded machine; then 1 s without a pong.
        start(Duration.ofSeconds(3), Duration.ofSeconds(1));
        String sid = handshake();
        post("EIO=4&transport=polling&sid=" + sid, "40");
        assertThat(Await.poll(connected)).as("the socket connected").isNotNull();
        // The server pings (a "2" waits for the next poll); no pong follows.
        assertThat(Await.poll(reasons)).isEqualTo(DisconnectReason.PING_TIMEOUT);
        Await.eventually("session gone", () -> io.sessionCount() == 0);
        assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1);
    }

    @Test
    void permessageDeflateIsNegotiatedOnlyWhenEnabledAsTheReferenceDoes() throws Exception {
        // The Duplex client offers permessage-deflate, as socket.io-client does in Node.
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            BlockingQueue<String> packets = new LinkedBlockingQueue<>();
            WebSocket ws = Await.await(client.connect(
                    URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                    WebSocketHandler.onText((w, text) -> packets.add(text.toString()))));
            assertThat(ws.extensions()).isEmpty();
            assertThat(Await.poll(packets)).startsWith("0{\"sid\":");
            ws.close(1000, "");

            io.close();
            server.stop(Duration.ofSeconds(5));
            io = SocketIoServer.builder().perMessageDeflate(true).build();
            server = io.attach(Loopback.server()).start();
            WebSocket deflating = Await.await(client.connect(
                    URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                    WebSocketHandler.onText((w, text) -> packets.add(text.toString()))));
            assertThat(deflating.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
            assertThat(Await.poll(packets)).startsWith("0{\"sid\":");
        }
    }

    @Test
    void aSocketJoinsAtMostMaxRoomsPerSocketRooms() throws Exception {
        io.close();
        server.stop(Duration.ofSeconds(5));
        io = SocketIoServer.builder()
                .maxHttpBufferSize(1000)
                .maxRoomsPerSocket(3)
                .build();
        io.sockets().on("connection", s -> {
            s.on("join", (args, ack) -> {
                try {
                    s.join((String) args.get(0));
                    ack.send("ok", s.rooms().size());
                } catch (SocketIoException e) {
                    ack.send(e.getMessage(), s.rooms().size());
                }
            });
            s.on("leave", (args, ack) -> {
                s.leave((String) args.get(0));
                ack.send("ok", s.rooms().size());
            });
        });
        server = io.attach(Loopback.server()).start();
        String q = "EIO=4&transport=polling&sid=" + handshake();
        post(q, "40");
        assertThat(get(q).body()).startsWith("40{");
        // Its own id's room, then two more: the limit.
        assertThat(ask(q, "1[\"join\",\"a\"]")).isEqualTo("431[\"ok\",2]");
        assertThat(ask(q, "2[\"join\",\"b\"]")).isEqualTo("432[\"ok\",3]");
        assertThat(ask(q, "3[\"join\",\"b\"]")).as("already in it").isEqualTo("433[\"ok\",3]");
        assertThat(ask(q, "4[\"join\",\"c\"]"))
                .isEqualTo("434[\"too many rooms: a socket may be in at most 3 (maxRoomsPerSocket), its own"
                        + " id's included\",3]");
        assertThat(ask(q, "5[\"leave\",\"a\"]")).isEqualTo("435[\"ok\",2]");
        assertThat(ask(q, "6[\"join\",\"c\"]")).isEqualTo("436[\"ok\",3]");
    }

    /** Posts one event with an ack id ({@code 42<id>[…]}) and polls its ack. */
    String ask(String query, String event) throws Exception {
        assertThat(post(query, "42" + event).body()).isEqualTo("ok");
        return get(query).body();
    }
}
