package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a multi-node deployment needs for each transport: two Duplex Socket.IO nodes ("a" and "b"),
 * each with a {@link RedisBroker} on one real redis-server, behind a {@link TestBalancer}, and
 * {@code socket.io-client} 4.8 in Node through it.
 *
 * <ul>
 *   <li>Polling through a round-robin balancer cannot hold a session: the requests after the
 *       handshake reach the other node, which answers 400 "Session ID unknown" (code 1).
 *   <li>Polling through a balancer sticky by sid (learned from the handshake response) works, and
 *       so does the upgrade to WebSocket through it; rooms span the nodes through Redis.
 *   <li>WebSocket only needs no stickiness: a session is one connection.
 * </ul>
 */
class LoadBalancedPollingInteropTest {
    RedisServer redis;
    final List<WebSocketServer> nodes = new ArrayList<>();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        NodeClientInteropTest.requireNode();
        redis = RedisServer.start(null);
        nodes.add(node("a"));
        nodes.add(node("b"));
        Await.eventually("both nodes relay the namespace's control topic", () -> redis.numsub("duplex:sio#/") == 2);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Polling only, and the default (polling, then an upgrade that never comes). */
    @ParameterizedTest
    @ValueSource(strings = {"polling", "default"})
    void pollingThroughRoundRobinCannotHoldASession(String transports) throws Exception {
        TestBalancer lb = balancer(TestBalancer.Policy.ROUND_ROBIN);

        JsonNode out = NodeScenarios.run("lb-polling", url(lb), transports);

        // Every attempt's handshake succeeded, none connected the Socket.IO socket.
        assertThat(out.path("connects").asInt()).isZero();
        assertThat(out.path("opens").asInt()).isGreaterThanOrEqualTo(3);
        for (JsonNode e : out.path("connectErrors")) {
            assertThat(e.path("message").asText()).isIn("xhr post error", "xhr poll error");
            assertThat(e.path("status").asInt()).isEqualTo(400);
        }
        for (JsonNode d : out.path("disconnects")) {
            assertThat(d.path("reason").asText()).isEqualTo("transport error");
            assertThat(d.path("message").asText()).isIn("xhr post error", "xhr poll error");
        }
        assertThat(out.path("disconnects")).hasSizeGreaterThanOrEqualTo(3);

        // The 400s were real: answers of the node that did not make the session.
        Map<String, Integer> madeBy = sessionsMadeBy(lb);
        List<BalancerExchange> unknown =
                lb.exchanges.stream().filter(BalancerExchange::sessionUnknown).toList();
        assertThat(unknown).as("%s", lb.exchanges).hasSizeGreaterThanOrEqualTo(3);
        for (BalancerExchange x : unknown) {
            assertThat(madeBy).containsKey(x.sid());
            assertThat(x.backend()).as("%s", x).isNotEqualTo(madeBy.get(x.sid()));
        }
        assertNoSecondRequests(lb);
    }

    @Test
    void pollingThroughABalancerStickyBySidWorksAndUpgrades() throws Exception {
        TestBalancer lb = balancer(TestBalancer.Policy.STICKY_SID);

        JsonNode out = NodeScenarios.run(
                "lb-sticky",
                url(lb),
                "http://127.0.0.1:" + nodes.get(0).port(),
                "http://127.0.0.1:" + nodes.get(1).port());

        assertThat(out.path("echoes").toString()).isEqualTo("[0,1,2,3,4]");
        assertThat(out.path("pollingTransport").asText()).isEqualTo("polling");
        assertThat(out.path("otherNode").asText()).isNotEqualTo(out.path("node").asText());
        assertThat(out.path("countOnOther").asInt())
                .as("no member of r on the sender's node")
                .isZero();
        assertThat(out.path("news").asText()).isEqualTo("across nodes");
        assertThat(out.path("upgradedTransport").asText()).isEqualTo("websocket");
        assertThat(out.path("upgradedEchoes").toString()).isEqualTo("[\"ws0\",\"ws1\",\"ws2\"]");

        Map<String, Integer> madeBy = sessionsMadeBy(lb);
        String pollingSid = out.path("pollingSid").asText();
        List<BalancerExchange> polling = withSid(lb, pollingSid);
        // the 5 echoes and the join took a POST each, their answers a GET each
        assertThat(polling).hasSizeGreaterThanOrEqualTo(12);
        assertThat(polling).allSatisfy(x -> {
            assertThat(x.backend()).isEqualTo(madeBy.get(pollingSid));
            assertThat(x.status()).isIn(0, 200);
        });
        assertThat(madeBy.get(pollingSid)).isEqualTo(out.path("node").asText().equals("a") ? 0 : 1);

        String upgradeSid = out.path("upgradeSid").asText();
        List<BalancerExchange> upgrades = withSid(lb, upgradeSid).stream()
                .filter(BalancerExchange::upgrade)
                .toList();
        assertThat(upgrades).hasSize(1);
        assertThat(upgrades.get(0).status()).isEqualTo(101);
        assertThat(withSid(lb, upgradeSid))
                .allSatisfy(x -> assertThat(x.backend()).isEqualTo(madeBy.get(upgradeSid)));
        assertThat(lb.exchanges).noneMatch(x -> x.status() >= 400);
        assertNoSecondRequests(lb);
    }

    @Test
    void webSocketOnlyThroughRoundRobinNeedsNoStickiness() throws Exception {
        TestBalancer lb = balancer(TestBalancer.Policy.ROUND_ROBIN);

        JsonNode out = NodeScenarios.run("lb-websocket", url(lb));

        assertThat(out.path("nodes").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(out.path("echoes").toString()).isEqualTo("[0,0,1,1,2,2]");
        assertThat(out.path("countOnA").asInt()).isZero();
        assertThat(out.path("news").asText()).isEqualTo("across nodes");
        assertThat(lb.exchanges).hasSize(2);
        assertThat(lb.exchanges).allSatisfy(x -> {
            assertThat(x.upgrade()).isTrue();
            assertThat(x.status()).isEqualTo(101);
        });
        assertThat(lb.exchanges.stream().map(BalancerExchange::backend).collect(Collectors.toSet()))
                .isEqualTo(Set.of(0, 1));
    }

    /** A Socket.IO node named {@code name} on its own broker; its handlers are the scenarios'. */
    WebSocketServer node(String name) {
        RedisBroker broker = RedisBroker.builder()
                .uri("redis://127.0.0.1:" + redis.port)
                .nodeId("node-" + name)
                .build();
        SocketIoServer io = SocketIoServer.builder().broker(broker).build();
        io.sockets().on("connection", s -> {
            s.on("node", (args, ack) -> ack.send(name));
            s.on("echo", (args, ack) -> ack.send(args.toArray()));
            s.on("join", RelayedJoin.on(s, redis));
            s.on(
                    "to-room",
                    (args, ack) ->
                            ack.send(io.sockets().to((String) args.get(0)).emit("news", args.get(1))));
        });
        WebSocketServer server = io.attach(Loopback.server()).start();
        closing.add(broker);
        closing.add(io);
        closing.add(() -> server.stop(Duration.ofSeconds(5)));
        return server;
    }

    TestBalancer balancer(TestBalancer.Policy policy) throws IOException {
        List<InetSocketAddress> backends = nodes.stream()
                .map(n -> new InetSocketAddress(InetAddress.getLoopbackAddress(), n.port()))
                .toList();
        TestBalancer lb = new TestBalancer(policy, backends);
        closing.add(lb);
        return lb;
    }

    static String url(TestBalancer lb) {
        return "http://127.0.0.1:" + lb.port();
    }

    /** sid → the backend whose handshake response issued it. */
    static Map<String, Integer> sessionsMadeBy(TestBalancer lb) {
        return lb.exchanges.stream()
                .filter(x -> x.issuedSid() != null)
                .collect(Collectors.toMap(BalancerExchange::issuedSid, BalancerExchange::backend));
    }

    static List<BalancerExchange> withSid(TestBalancer lb, String sid) {
        return lb.exchanges.stream().filter(x -> sid.equals(x.sid())).toList();
    }

    /** socket.io-client in Node sends one request per connection, so per connection is per request. */
    static void assertNoSecondRequests(TestBalancer lb) {
        assertThat(lb.requestsAfterFirst.get())
                .as("connections carrying a second request")
                .isZero();
        assertThat(lb.rejected.get()).isZero();
    }
}
