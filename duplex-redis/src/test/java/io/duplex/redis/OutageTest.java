package io.duplex.redis;

import static io.duplex.redis.Node.await;
import static io.duplex.redis.Node.awaitRedis;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.redis.Node.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis dies, freezes and comes back while two nodes keep serving. */
class OutageTest {
    final WebSocketClient client = WebSocketClient.builder().eventLoops(2).build();
    final List<String> log = new CopyOnWriteArrayList<>();
    final Logger julLogger = Logger.getLogger(RedisBroker.class.getName());
    final Handler capture = new Handler() {
        final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + formatter.formatMessage(r));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    RedisServer redis;
    final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        julLogger.addHandler(capture);
        redis = RedisServer.start(null);
    }

    @AfterEach
    void stop() {
        julLogger.removeHandler(capture);
        client.close();
        nodes.forEach(Node::close);
        if (redis != null) {
            redis.close();
        }
    }

    Node node(String id) {
        Node n = Node.start("redis://127.0.0.1:" + redis.port, id);
        nodes.add(n);
        return n;
    }

    @Test
    void killedRedisLeavesLocalDeliveryUnharmedAndARestartResumesOnItsOwn() throws Exception {
        Node a = node("node-a");
        Node b = node("node-b");
        Peer aLive = a.connect(client, "live");
        Peer aGone = a.connect(client, "gone");
        Peer bLive = b.connect(client, "live");
        awaitRedis("subscribed", 10, () -> redis.numsub("duplex:live") == 2 && redis.numsub("duplex:gone") == 1);

        long slowest = 0;
        int total = 3000;
        for (int i = 0; i < total; i++) {
            if (i == 1000) {
                redis.kill();
                await("disconnect seen", 10, () -> !a.broker.isConnected() && !b.broker.isConnected());
            }
            long t0 = System.nanoTime();
            a.server.publish("live", "m" + i);
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(slowest))
                .as("the publisher never waits for Redis")
                .isLessThan(1000);
        for (int i = 0; i < total; i++) { // local subscribers get everything, in order
            assertThat(aLive.nextText()).isEqualTo("m" + i);
        }
        // Every publish ends up counted once: answered, or dropped (those still on their way to
        // the socket when it closed fail a little later, on Lettuce's thread).
        await(
                "all accounted for",
                10,
                () -> a.broker.relayed() + a.broker.droppedWhileDisconnected() + a.broker.droppedWhileConnected()
                        == total);
        long dropped = a.broker.droppedWhileDisconnected();
        assertThat(dropped)
                .as("dropped; otherwise %d, relayed %d", a.broker.droppedWhileConnected(), a.broker.relayed())
                .isGreaterThanOrEqualTo(2000);
        // Node b got a prefix of the stream in order (a few just before the kill may be lost).
        List<Integer> seen = new ArrayList<>();
        Object o;
        while ((o = bLive.inbox().poll(200, TimeUnit.MILLISECONDS)) != null) {
            seen.add(Integer.parseInt(((String) o).substring(1)));
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates().isNotEmpty();
        assertThat(seen.get(seen.size() - 1)).isLessThan(1000);

        // While Redis is away: a topic gains its first subscriber on b, another loses its last on a.
        Peer bLate = b.connect(client, "late");
        aGone.unsubscribe("gone");

        redis.launch(); // same port, empty: no subscriptions
        await("reconnected", 15, () -> a.broker.isConnected() && b.broker.isConnected());
        awaitRedis("resubscribed", 10, () -> redis.channels("duplex:*").equals(List.of("duplex:late", "duplex:live")));
        assertThat(redis.numsub("duplex:live")).isEqualTo(2);
        a.server.publish("late", "late news");
        assertThat(bLate.nextText()).isEqualTo("late news");
        b.server.publish("live", "back");
        assertThat(aLive.nextText()).isEqualTo("back");
        assertThat(bLive.nextText()).isEqualTo("back");

        await("outage reported", 10, () -> log.stream().anyMatch(l -> l.contains("were not relayed to other nodes")));
        assertThat(log)
                .anyMatch(l -> l.startsWith("WARNING Redis unreachable since ")
                        && l.contains("; " + dropped + " publishes (to 1 topic) were not relayed to other nodes"));
        await("resubscription reported", 10, () -> log.stream()
                .anyMatch(l -> l.contains("Redis connection restored; resubscribed to 2 topics")));
        assertThat(log).anyMatch(l -> l.startsWith("WARNING Redis at redis://127.0.0.1:" + redis.port));
        assertThat(log).anyMatch(l -> l.contains("Redis connection restored; resubscribed to 1 topic "));
    }

    /**
     * What node b missed of node a's publications across a Redis restart — those a could not hand
     * to Redis, those in flight when it died, those sent while b's subscription was down — is
     * counted exactly by b, from the gaps in a's per-topic publish numbers (a's own count cannot
     * see the last two: it used to be 0–178 below the real loss).
     */
    @Test
    void aNodeCountsExactlyWhatItMissedFromAnotherAcrossARedisRestart() throws Exception {
        Node a = node("node-a");
        Node b = node("node-b");
        Peer bLive = b.connect(client, "live");
        awaitRedis("subscribed", 10, () -> redis.numsub("duplex:live") == 1);
        // Counting starts at the first publication b hears from a on the topic (it cannot know
        // what a sent before it listened), so one goes through first.
        a.server.publish("live", "first");
        assertThat(bLive.nextText()).isEqualTo("first");
        int published = 0;
        for (; published < 500; published++) {
            a.server.publish("live", "m" + published);
        }
        redis.kill(); // some of the 500 may still be on their way
        await("disconnect seen", 10, () -> !a.broker.isConnected() && !b.broker.isConnected());
        for (; published < 1000; published++) {
            a.server.publish("live", "m" + published);
        }
        redis.launch();
        await("reconnected", 15, () -> a.broker.isConnected() && b.broker.isConnected());
        awaitRedis("resubscribed", 10, () -> redis.numsub("duplex:live") == 1);
        for (; published < 1500; published++) {
            a.server.publish("live", "m" + published);
        }
        a.server.publish("live", "end"); // the last one: every gap before it is known once it arrives
        published++;
        int received = 0;
        while (!"end".equals(bLive.nextText())) {
            received++;
        }
        received++;
        assertThat(received).as("some were lost").isLessThan(published);
        assertThat(b.broker.missedFromOtherNodes()).isEqualTo(published - received);
        assertThat(a.broker.missedFromOtherNodes()).isZero();
        assertThat(log).anyMatch(l -> l.startsWith("WARNING ") && l.contains("did not reach this node (gaps"));
    }

    @Test
    void aFrozenRedisNeverBlocksThePublisherAndMemoryStaysBounded() throws Exception {
        Node a = new Node(RedisBroker.builder()
                .uri("redis://127.0.0.1:" + redis.port)
                .maxInFlight(100)
                .build());
        nodes.add(a);
        Peer local = a.connect(client, "t");
        redis.freeze(true); // SIGSTOP: the connection stays up, nothing is answered
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5000; i++) {
                a.server.publish("t", "m" + i);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(millis).as("publishing 5000 to a frozen Redis").isLessThan(5000);
            // At most maxInFlight wait for Redis: the rest were refused at once, not queued.
            assertThat(a.broker.droppedWhileConnected()).isEqualTo(4900);
            assertThat(a.broker.isConnected()).isTrue();
            for (int i = 0; i < 5000; i++) {
                assertThat(local.nextText()).isEqualTo("m" + i);
            }
        } finally {
            redis.freeze(false);
        }
        await("the 100 in flight answered", 10, () -> a.broker.relayed() == 100);
        assertThat(log).anyMatch(l -> l.contains("Redis is not keeping up (100 publishes in flight)"));
        a.server.publish("t", "again");
        await("relays again", 10, () -> a.broker.relayed() == 101);
        await("lag reported", 10, () -> log.stream()
                .anyMatch(l -> l.contains("4900 publishes were not relayed to other nodes meanwhile")));
    }
}
