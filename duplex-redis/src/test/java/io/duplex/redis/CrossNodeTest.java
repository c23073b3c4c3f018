package io.duplex.redis;

import static io.duplex.redis.Node.awaitRedis;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.PreparedMessage;
import io.duplex.WebSocketClient;
import io.duplex.redis.Node.Peer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Duplex servers in one JVM, each with its own RedisBroker on one real redis-server. */
class CrossNodeTest {
    static RedisServer redis;
    final WebSocketClient client = WebSocketClient.builder().eventLoops(2).build();
    Node a;
    Node b;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(null);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startNodes() {
        String uri = "redis://127.0.0.1:" + redis.port;
        a = Node.start(uri, "node-a");
        b = Node.start(uri, "node-b");
    }

    @AfterEach
    void stopNodes() {
        client.close();
        a.close();
        b.close();
    }

    @Test
    void textAndBinaryCrossBothWaysOncePerSubscriberAndNotBackToTheSender() throws Exception {
        Peer a1 = a.connect(client, "room");
        Peer a2 = a.connect(client, "room");
        Peer b1 = b.connect(client, "room");
        awaitRedis("both nodes subscribed", 10, () -> redis.numsub("duplex:room") == 2);

        a1.ws().send("pub:room:hello from a");
        assertThat(a2.nextText()).isEqualTo("hello from a");
        assertThat(b1.nextText()).isEqualTo("hello from a");

        b1.ws().send("pub:room:hello from b");
        assertThat(a1.nextText()).isEqualTo("hello from b");
        assertThat(a2.nextText()).isEqualTo("hello from b");

        // Every byte value, and bytes that are not UTF-8: carried as is.
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        b1.publishBinary("room", bytes);
        assertThat(a1.next()).isEqualTo(bytes);
        assertThat(a2.next()).isEqualTo(bytes);
        a.server.publish("room", PreparedMessage.binary(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, (byte) 0xc3})));
        for (Peer p : List.of(a1, a2, b1)) {
            assertThat(p.next()).isEqualTo(new byte[] {(byte) 0xff, 0, (byte) 0xc3});
        }
        String unicode = "z\u00e9\u4e2d\ud83d\ude00";
        b.server.publish("room", unicode);
        for (Peer p : List.of(a1, a2, b1)) {
            assertThat(p.nextText()).isEqualTo(unicode);
        }

        // Nothing twice, nothing echoed back to a sender (a1 sent only the first; b1 the second).
        assertThat(a1.inbox()).isEmpty();
        assertThat(a2.inbox()).isEmpty();
        assertThat(b1.inbox()).isEmpty();
        assertThat(a.broker.received()).isEqualTo(3);
        assertThat(b.broker.received()).isEqualTo(2);
        Node.await("publishes acknowledged", 10, () -> a.broker.relayed() == 2 && b.broker.relayed() == 3);
    }

    @Test
    void thousandMessagesKeepTheirOrderAcrossNodesBothWays() throws Exception {
        Peer a1 = a.connect(client, "ba");
        Peer b1 = b.connect(client, "ab");
        Peer aLocal = a.connect(client, "ab");
        awaitRedis("subscribed", 10, () -> redis.numsub("duplex:ab") == 2 && redis.numsub("duplex:ba") == 1);
        Thread fromB = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                b.server.publish("ba", "b" + i);
            }
        });
        fromB.start();
        for (int i = 0; i < 1000; i++) {
            a.server.publish("ab", "a" + i);
        }
        fromB.join(10_000);
        for (int i = 0; i < 1000; i++) {
            assertThat(b1.nextText()).isEqualTo("a" + i);
            assertThat(aLocal.nextText()).isEqualTo("a" + i);
            assertThat(a1.nextText()).isEqualTo("b" + i);
        }
    }

    @Test
    void subscribesInRedisOnlyToTopicsWithLocalSubscribersAndOncePerNode() throws Exception {
        assertThat(redis.channels("duplex:*")).isEmpty();
        Peer a1 = a.connect(client, "x", "y");
        List<Peer> crowd = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            crowd.add(b.connect(client, "y"));
        }
        awaitRedis("x and y", 10, () -> redis.channels("duplex:*").equals(List.of("duplex:x", "duplex:y")));
        // Fan-out stays local: three subscribers on b, one Redis subscription.
        awaitRedis("y on both nodes", 10, () -> redis.numsub("duplex:y") == 2);
        assertThat(redis.numsub("duplex:x")).isEqualTo(1);

        long before = a.broker.relayed();
        a.server.publish("y", "one publish");
        for (Peer p : crowd) {
            assertThat(p.nextText()).isEqualTo("one publish");
        }
        assertThat(a1.nextText()).isEqualTo("one publish");
        Node.await("one PUBLISH", 5, () -> a.broker.relayed() == before + 1);

        a1.unsubscribe("x");
        awaitRedis("x gone", 10, () -> redis.channels("duplex:*").equals(List.of("duplex:y")));
        a1.ws().close();
        awaitRedis("a left y", 10, () -> redis.numsub("duplex:y") == 1);
        crowd.get(0).ws().close();
        crowd.get(1).unsubscribe("y");
        assertThat(redis.numsub("duplex:y")).isEqualTo(1); // one subscriber left on b
        crowd.get(2).ws().close();
        awaitRedis("nothing left", 10, () -> redis.channels("duplex:*").isEmpty());
    }

    @Test
    void aSubscriberConnectionKilledByRedisComesBackSubscribed() throws Exception {
        Peer a1 = a.connect(client, "k1", "k2");
        Peer b1 = b.connect(client, "k1");
        awaitRedis("subscribed", 10, () -> redis.numsub("duplex:k1") == 2);
        // An operator's CLIENT KILL, or a proxy dropping idle connections: Redis stays up.
        redis.command("CLIENT", "KILL", "TYPE", "pubsub");
        awaitRedis("resubscribed", 10, () -> redis.numsub("duplex:k1") == 2 && redis.numsub("duplex:k2") == 1);
        b1.ws().send("pub:k1:after the kill");
        assertThat(a1.nextText()).isEqualTo("after the kill");
        b.server.publish("k2", "k2 too");
        assertThat(a1.nextText()).isEqualTo("k2 too");
        assertThat(redis.channels("duplex:*")).containsExactly("duplex:k1", "duplex:k2");
    }

    @Test
    void closeStopsEveryLettuceThreadItStarted() throws Exception {
        Set<Thread> before = lettuceThreads();
        RedisBroker broker =
                RedisBroker.builder().uri("redis://127.0.0.1:" + redis.port).build();
        assertThat(broker.isConnected()).isTrue();
        assertThat(lettuceThreads()).isNotEqualTo(before);
        broker.close();
        Node.await("Lettuce threads ended", 10, () -> before.containsAll(lettuceThreads()));
    }

    static Set<Thread> lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lettuce-") && t.isAlive())
                .collect(Collectors.toSet());
    }
}
