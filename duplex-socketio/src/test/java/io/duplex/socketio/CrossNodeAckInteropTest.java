package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.PreparedMessage;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.redis.streams.RedisCluster;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broadcasts with acknowledgements across nodes ({@link AckBroadcasts}): two Duplex Socket.IO
 * nodes, each with its own {@link RedisBroker}, on one real redis-server and on a three-master
 * Redis Cluster (a node on each of two cluster nodes); {@code socket.io-client} 4.8 clients on
 * both nodes, over WebSocket and polling. A broadcast from either node collects every client's
 * ack (text and binary arguments and answers), a node with no target still reports, a client on
 * node B that never answers makes it time out with the answers so far; and nothing is left
 * waiting or subscribed afterwards.
 */
class CrossNodeAckInteropTest {
    RedisServer redis;
    RedisCluster cluster;
    final List<AutoCloseable> closing = new ArrayList<>();

    record Node(RedisBroker broker, SocketIoServer io, WebSocketServer server) {
        String url() {
            return "http://127.0.0.1:" + server.port();
        }

        int nodes(String topic) {
            return broker.subscribedNodes(topic)
                    .toCompletableFuture()
                    .orTimeout(5, TimeUnit.SECONDS)
                    .join();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The outcome as the asking client sees it; a binary answer as {@code bytes:<text>}. */
    static Map<String, Object> outcome(List<Object> answers, Throwable failure) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (failure == null) {
            m.put("ok", sorted(answers));
        } else if (failure instanceof BroadcastAckTimeoutException t) {
            m.put("timeout", sorted(t.responses()));
            m.put("expected", t.expected());
        } else {
            m.put("failure", String.valueOf(failure));
        }
        return m;
    }

    static List<String> sorted(List<Object> answers) {
        return answers.stream()
                .map(a -> a instanceof byte[] b ? "bytes:" + new String(b, StandardCharsets.UTF_8) : String.valueOf(a))
                .sorted()
                .toList();
    }

    Node node(String uri, String name) {
        RedisBroker broker = RedisBroker.builder().uri(uri).nodeId(name).build();
        closing.add(broker);
        SocketIoServer io = SocketIoServer.builder().broker(broker).build();
        for (Namespace nsp : List.of(io.sockets(), io.of("/nsp"))) {
            nsp.on("connection", s -> {
                s.on("join", (args, ack) -> {
                    s.join((String) args.get(0));
                    ack.send("joined");
                });
                s.on("ask", (args, ack) -> {
                    String room = (String) args.get(0);
                    Duration timeout = Duration.ofMillis(((Number) args.get(1)).longValue());
                    BroadcastOperator to =
                            room.isEmpty() ? nsp.timeout(timeout) : nsp.to(room).timeout(timeout);
                    to.emitWithAck((String) args.get(2), args.get(3))
                            .whenComplete((answers, failure) -> ack.send(outcome(answers, failure)));
                });
                s.on(
                        "pending",
                        (args, ack) -> CompletableFuture.runAsync(() -> {
                            // This node forgets the silent client's ack at the request's timeout, which
                            // it received a moment after the requesting node started its own.
                            try {
                                Await.eventually("node forgot every ack", () -> waiting(io) == 0);
                            } finally {
                                ack.send(Map.of("requested", io.acks().pendingCount(), "waiting", waiting(io)));
                            }
                        }));
            });
        }
        WebSocketServer server = io.attach(Loopback.server()).start();
        closing.add(io);
        closing.add(() -> server.stop(Duration.ofSeconds(5)));
        return new Node(broker, io, server);
    }

    static int waiting(SocketIoServer io) {
        int n = 0;
        for (Namespace nsp : List.of(io.sockets(), io.of("/nsp"))) {
            for (SioSocket s : nsp.sockets().values()) {
                n += s.pendingAcks();
            }
        }
        return n;
    }

    @Test
    void acrossTwoNodesOnOneRedis() throws Exception {
        NodeClientInteropTest.requireNode();
        redis = RedisServer.start(null);
        String uri = "redis://127.0.0.1:" + redis.port;
        broadcastsCollectAcksFromBothNodes(node(uri, "node-a"), node(uri, "node-b"));
    }

    @Test
    void acrossTwoNodesOnARedisCluster() throws Exception {
        NodeClientInteropTest.requireNode();
        cluster = RedisCluster.start();
        String[] seeds = cluster.seeds();
        broadcastsCollectAcksFromBothNodes(node(seeds[0], "node-a"), node(seeds[1], "node-b"));
    }

    void broadcastsCollectAcksFromBothNodes(Node a, Node b) throws Exception {
        String requests = AckBroadcasts.requestTopic("/");
        String nspRequests = AckBroadcasts.requestTopic("/nsp");
        Await.eventually(
                "both nodes listen to the request topics",
                () -> a.nodes(requests) == 2 && a.nodes(nspRequests) == 2 && b.nodes(requests) == 2);

        JsonNode out = NodeScenarios.run("cross-acks", a.url(), b.url());

        assertThat(out.path("answering").toString()).isEqualTo("{\"ok\":[\"a1:hi\",\"a2:hi\",\"b1:hi\",\"b2:hi\"]}");
        assertThat(out.path("binaryArgument").toString())
                .isEqualTo("{\"ok\":[\"a1:0102ff\",\"a2:0102ff\",\"b1:0102ff\",\"b2:0102ff\"]}");
        assertThat(out.path("binaryAnswers").toString())
                .as("BINARY_ACK answers cross nodes as byte[]")
                .isEqualTo("{\"ok\":[\"bytes:a1\",\"bytes:a2\",\"bytes:b1\",\"bytes:b2\"]}");
        assertThat(out.path("fromB").toString()).isEqualTo("{\"ok\":[\"a1:hey\",\"a2:hey\",\"b1:hey\",\"b2:hey\"]}");
        assertThat(out.path("onlyA").toString())
                .as("node B, with no target, reports 0")
                .isEqualTo("{\"ok\":[\"a1:hi\",\"a2:hi\"]}");
        assertThat(out.path("nobody").toString()).isEqualTo("{\"ok\":[]}");
        assertThat(out.path("withSilent").toString())
                .isEqualTo("{\"timeout\":[\"a1:hi\",\"a2:hi\",\"b1:hi\",\"b2:hi\"],\"expected\":5}");
        assertThat(out.path("namespace").toString()).isEqualTo("{\"ok\":[\"n1:ns\",\"n2:ns\"]}");
        assertThat(out.path("leftOnB").path("requested").asInt(-1)).isZero();
        assertThat(out.path("leftOnB").path("waiting").asInt(-1))
                .as("node B forgot the silent client's ack")
                .isZero();
        assertThat(a.io().acks().pendingCount()).isZero();

        // Closed, a server leaves its request and reply topics, locally and on Redis.
        String replyA = AckBroadcasts.replyTopic(a.io().acks().id());
        String replyB = AckBroadcasts.replyTopic(b.io().acks().id());
        assertThat(a.nodes(replyA)).isEqualTo(1);
        a.io().close();
        b.io().close();
        for (String topic : List.of(requests, nspRequests, replyA, replyB)) {
            assertThat(a.broker().subscriberCount(topic) + b.broker().subscriberCount(topic))
                    .as(topic)
                    .isZero();
            Await.eventually(topic + " left on Redis", () -> a.nodes(topic) == 0);
        }
    }

    /**
     * A node that listens to the request topic but never reports (a stand-in broker): the
     * broadcast times out with what came (nothing, 0 expected so far); one still waiting when the
     * server closes fails with a {@link SocketIoException}. The request carries a binary argument
     * as a placeholder and its bytes.
     */
    @Test
    void aNodeThatNeverReportsMakesItTimeOutAndClosingFailsWhatWaits() throws Exception {
        redis = RedisServer.start(null);
        String uri = "redis://127.0.0.1:" + redis.port;
        Node a = node(uri, "node-a");
        RedisBroker silent = RedisBroker.builder().uri(uri).nodeId("silent").build();
        closing.add(silent);
        LinkedBlockingQueue<PreparedMessage> heard = new LinkedBlockingQueue<>();
        silent.subscribe(AckBroadcasts.requestTopic("/"), (topic, m) -> heard.add(m));
        Await.eventually("two nodes listen", () -> redis.numsub("duplex:" + AckBroadcasts.requestTopic("/")) == 2);

        Throwable timedOut = Await.catchFailure(
                a.io().sockets().timeout(Duration.ofMillis(300)).emitWithAck("ev", new byte[] {7, 8}, "x"));
        assertThat(timedOut).isInstanceOf(BroadcastAckTimeoutException.class);
        assertThat(((BroadcastAckTimeoutException) timedOut).responses()).isEmpty();
        assertThat(((BroadcastAckTimeoutException) timedOut).expected()).isZero();
        assertThat(a.io().acks().pendingCount()).isZero();

        AckMessage.Request request = (AckMessage.Request) AckMessage.decode(Await.poll(heard));
        assertThat(request.from()).isEqualTo(a.io().acks().id());
        assertThat(request.data().toString()).isEqualTo("[\"ev\",{\"_placeholder\":true,\"num\":0},\"x\"]");
        assertThat(request.attachments()).containsExactly(new byte[] {7, 8});
        assertThat(request.timeoutMillis()).isEqualTo(300);

        CompletableFuture<List<Object>> waiting =
                a.io().sockets().timeout(Duration.ofMinutes(1)).emitWithAck("ev");
        Await.poll(heard);
        // Seen once (not reproduced since): this broadcast completed before the close, which
        // needs fewer nodes counted than the two listening. Said here if it happens again.
        assertThat(a.nodes(AckBroadcasts.requestTopic("/")))
                .as("nodes listening for requests")
                .isEqualTo(2);
        assertThat(waiting).as("the broadcast the silent node never answers").isNotDone();
        assertThat(a.io().acks().pendingCount()).isEqualTo(1);
        a.io().close();
        assertThat(Await.catchFailure(waiting)).isInstanceOf(SocketIoException.class);
        assertThat(a.io().acks().pendingCount()).isZero();
        Await.eventually(
                "only the stand-in listens", () -> redis.numsub("duplex:" + AckBroadcasts.requestTopic("/")) == 1);
    }
}
