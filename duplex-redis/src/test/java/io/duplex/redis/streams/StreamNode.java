package io.duplex.redis.streams;

import io.duplex.History;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.StreamException;
import io.duplex.Subscribed;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisStreamEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * One Duplex server node whose streams live in a {@link RedisStreamEngine}. Its clients send
 * {@code sub <topic> [<offset>@<epoch>]}; they are sent, through a tiny text {@link StreamCodec}:
 * {@code sub <topic> <recovered> <offset>@<epoch>}, {@code pub <topic> <offset>@<epoch> <payload>},
 * {@code int <topic> <offset>@<epoch>}, or {@code err <topic> <code>} for a refused subscribe.
 *
 * <p>Threading: test thread; the handler runs on the server's loops.
 */
final class StreamNode implements AutoCloseable {
    static final StreamCodec CODEC = new StreamCodec() {
        @Override
        public PreparedMessage subscribed(Subscribed r) {
            return PreparedMessage.text("sub " + r.topic() + " " + r.recovered() + " " + r.position());
        }

        @Override
        public PreparedMessage publication(Publication p) {
            String payload =
                    StandardCharsets.UTF_8.decode(p.message().payload()).toString();
            return PreparedMessage.text("pub " + p.topic() + " " + p.position() + " " + payload);
        }

        @Override
        public PreparedMessage interrupted(String topic, Position current) {
            return PreparedMessage.text("int " + topic + " " + current);
        }
    };

    final RedisStreamEngine engine;
    final WebSocketServer server;

    StreamNode(String redisUri) {
        engine = RedisStreamEngine.builder()
                .uri(redisUri)
                .maxReconnectDelay(Duration.ofMillis(200))
                .build();
        WebSocketServer[] self = new WebSocketServer[1];
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .streamEngine(engine)
                .history("*", History.of(1000, Duration.ofMinutes(5)))
                .route("/s", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        String[] parts = text.split(" ");
                        if (parts[0].equals("sub")) {
                            String topic = parts[1];
                            Position since = parts.length > 2 ? parse(parts[2]) : null;
                            self[0].streams().subscribe(ws, topic, since, CODEC).whenComplete((r, e) -> {
                                if (e != null) {
                                    Throwable c = e instanceof CompletionException ? e.getCause() : e;
                                    ws.send("err " + topic + " "
                                            + (c instanceof StreamException s ? s.error() : c.toString()));
                                }
                            });
                        }
                    }
                })
                .start();
        self[0] = server;
    }

    static Position parse(String s) {
        int at = s.indexOf('@');
        return new Position(s.substring(at + 1), Long.parseLong(s.substring(0, at)));
    }

    String uri() {
        return "ws://127.0.0.1:" + server.port() + "/s";
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
        engine.close();
    }
}
