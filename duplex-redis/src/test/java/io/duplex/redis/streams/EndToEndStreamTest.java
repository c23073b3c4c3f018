package io.duplex.redis.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Position;
import io.duplex.WebSocketClient;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Duplex server nodes on one Redis, real sockets: a seeded random run of publishes on both
 * nodes, clients that disconnect and resume from their last position, a node restart, and Redis
 * restarts with and without its append-only file. Every subscriber must end with exactly the
 * acknowledged sequence, or an explicit notice where it could not (checked by {@link Subscriber}).
 */
class EndToEndStreamTest {
    static final List<String> TOPICS = List.of("e2e/a", "e2e/b", "e2e/c");

    RedisServer redis;
    Path dir;
    final StreamNode[] nodes = new StreamNode[2];
    final WebSocketClient client = WebSocketClient.builder().eventLoops(2).build();
    final Map<Position, String> acked = new ConcurrentHashMap<>();
    final Map<String, Position> latest = new HashMap<>();

    @AfterEach
    void stop() {
        client.close();
        for (StreamNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void subscribersGetEveryPublicationOrAreToldOtherwise() throws Exception {
        long seed = Long.getLong("e2e.seed", System.nanoTime());
        System.out.println("EndToEndStreamTest seed " + seed + " (-De2e.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e2e-aof-");
        redis = RedisServer.start(null, "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString());
        String uri = "redis://127.0.0.1:" + redis.port;
        nodes[0] = new StreamNode(uri);
        nodes[1] = new StreamNode(uri);

        List<Subscriber> subs = new ArrayList<>();
        Map<Subscriber, Integer> nodeOf = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            Subscriber s = new Subscriber("client-" + i, TOPICS.get(i % TOPICS.size()));
            int n = i % 2;
            s.subscribe(client, nodes[n], acked);
            subs.add(s);
            nodeOf.put(s, n);
        }
        int steps = 300;
        int epochsSeen = 0;
        for (int step = 0; step < steps; step++) {
            if (step == 80) {
                // Node restart: its clients are closed by the server and resume on either node.
                int n = random.nextInt(2);
                nodes[n].close();
                for (Subscriber s : subs) {
                    if (nodeOf.get(s) == n) {
                        s.awaitClosedByServer();
                    }
                }
                nodes[n] = new StreamNode(uri);
                for (Subscriber s : subs) {
                    if (nodeOf.get(s) == n) {
                        resume(s, random, nodeOf);
                    }
                }
            } else if (step == 150) {
                restartRedis(false); // the AOF brings every epoch and offset back
                epochsSeen = epochs();
            } else if (step == 220) {
                // Until here every gap was recoverable (history holds 1000): no notice at all.
                assertThat(subs)
                        .allSatisfy(s -> assertThat(s.notices).as(s.name).isZero());
                restartRedis(true); // nothing kept: new epochs, subscribers are told
            } else if (random.nextInt(100) < 12) {
                resume(subs.get(random.nextInt(subs.size())), random, nodeOf);
            } else {
                String topic = TOPICS.get(random.nextInt(TOPICS.size()));
                StreamNode on = nodes[random.nextInt(2)];
                String payload = "s" + step;
                Position p = on.server
                        .streams()
                        .publish(topic, payload)
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                acked.put(p, payload);
                latest.put(topic, p);
            }
            for (Subscriber s : subs) {
                s.drain(acked);
            }
        }
        for (Subscriber s : subs) {
            s.awaitAt(latest.get(s.topic), acked);
        }
        int notices = subs.stream().mapToInt(s -> s.notices).sum();
        int received = subs.stream().mapToInt(s -> s.received).sum();
        System.out.println("EndToEndStreamTest: " + acked.size() + " publications, " + received + " deliveries, "
                + notices + " notices, epochs before the restart without AOF " + epochsSeen);
        // The restart without persistence lost every epoch: each subscriber was told at least once.
        assertThat(subs).allSatisfy(s -> assertThat(s.notices).as(s.name).isPositive());
        assertThat(latest.values().stream().map(Position::epoch).distinct()).hasSize(TOPICS.size());
    }

    /** Disconnects {@code s} and resumes it, from its last position, on a random node. */
    private void resume(Subscriber s, Random random, Map<Subscriber, Integer> nodeOf) throws Exception {
        s.disconnect();
        s.drain(acked);
        int n = random.nextInt(2);
        s.subscribe(client, nodes[n], acked);
        nodeOf.put(s, n);
    }

    private void restartRedis(boolean wipe) throws Exception {
        redis.kill();
        awaitEngines(false);
        if (wipe) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    if (!f.equals(dir)) {
                        Files.delete(f);
                    }
                }
            }
        }
        redis.launch();
        awaitEngines(true);
    }

    private void awaitEngines(boolean connected) {
        Await.eventually(
                "engines " + (connected ? "connected" : "disconnected"),
                Duration.ofSeconds(15),
                () -> nodes[0].engine.isConnected() == connected && nodes[1].engine.isConnected() == connected);
    }

    private int epochs() {
        return (int) latest.values().stream().map(Position::epoch).distinct().count();
    }
}
