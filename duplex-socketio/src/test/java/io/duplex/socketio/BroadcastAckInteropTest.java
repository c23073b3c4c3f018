package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broadcasts with acknowledgements ({@code io.to(room).timeout(…).emitWithAck(…)}) answered by
 * {@code socket.io-client} 4.8 clients over WebSocket and polling: every answer when all answer;
 * a timeout carrying the answers so far when one never answers; at once for no target.
 */
class BroadcastAckInteropTest {
    SocketIoServer io;
    WebSocketServer server;

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** The outcome as the client sees it: {ok: sorted answers} or {timeout: sorted answers so far, expected}. */
    static Map<String, Object> outcome(List<Object> answers, Throwable failure) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (failure == null) {
            m.put("ok", answers.stream().map(String::valueOf).sorted().toList());
        } else if (failure instanceof BroadcastAckTimeoutException t) {
            m.put(
                    "timeout",
                    t.responses().stream().map(String::valueOf).sorted().toList());
            m.put("expected", t.expected());
            m.put("message", t.getMessage());
        } else {
            m.put("failure", String.valueOf(failure));
        }
        return m;
    }

    @Test
    void broadcastWithAcksCollectsEveryAnswerOrTimesOut() throws Exception {
        io = SocketIoServer.builder().build();
        io.sockets().on("connection", s -> {
            s.on("join", (args, ack) -> {
                s.join((String) args.get(0));
                ack.send("joined");
            });
            s.on("ask", (args, ack) -> {
                CompletableFuture<List<Object>> f = io.sockets()
                        .to((String) args.get(0))
                        .timeout(Duration.ofMillis(((Number) args.get(1)).longValue()))
                        .emitWithAck("question", args.get(2));
                f.whenComplete((answers, failure) -> ack.send(outcome(answers, failure)));
            });
            s.on("ask-all", (args, ack) -> io.sockets()
                    .timeout(Duration.ofMillis(((Number) args.get(0)).longValue()))
                    .emitWithAck("question", args.get(1))
                    .whenComplete((answers, failure) -> ack.send(outcome(answers, failure))));
        });
        server = io.attach(Loopback.server()).start();

        JsonNode out = NodeScenarios.run("acks", "http://127.0.0.1:" + server.port());

        assertThat(out.path("answering").toString()).isEqualTo("{\"ok\":[\"a:hi\",\"b:hi\"]}");
        assertThat(out.path("binary").toString()).isEqualTo("{\"ok\":[\"a:0102ff\",\"b:0102ff\"]}");
        assertThat(out.path("withSilent").toString())
                .isEqualTo("{\"timeout\":[\"a:hi\",\"b:hi\"],\"expected\":3,\"message\":\"operation has timed out\"}");
        assertThat(out.path("nobody").toString()).isEqualTo("{\"ok\":[]}");
        assertThat(out.path("namespace").toString())
                .isEqualTo(
                        "{\"timeout\":[\"a:all\",\"b:all\"],\"expected\":3,\"message\":\"operation has timed out\"}");
    }
}
