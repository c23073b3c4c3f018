package io.duplex.redis.presence;

import static io.duplex.redis.presence.PresenceEngineTest.get;
import static io.duplex.redis.presence.PresenceEngineTest.stats;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.PresenceEvent;
import io.duplex.PresenceStats;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL (a JVM of its own, {@link PresenceNodeMain}): its members disappear
 * from every listening node within the expiry plus one refresh period, with their leave events.
 */
class NodeCrashTest {
    static final Duration EXPIRY = Duration.ofSeconds(3);
    static final int MEMBERS = 20; // two connections per user: 10 users

    RedisServer redis;
    RedisPresenceEngine survivor;
    Process child;

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (survivor != null) {
            survivor.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The test JVM's classes and libraries, for the child: module path, class path, test classes. */
    static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {System.getProperty("jdk.module.path"), System.getProperty("java.class.path")}) {
            if (p != null && !p.isEmpty()) {
                parts.add(p);
            }
        }
        // Surefire patches the test classes into the module rather than putting them on a path.
        parts.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        parts.add(Path.of("target", "classes").toAbsolutePath().toString());
        return String.join(File.pathSeparator, parts);
    }

    @Test
    void membersOfAKilledNodeLeaveWithinTheExpiry() throws Exception {
        redis = RedisServer.start(null);
        RecordingPresence sink = new RecordingPresence();
        survivor = RedisPresenceEngine.builder()
                .uri("redis://127.0.0.1:" + redis.port)
                .expiry(EXPIRY)
                .build();
        survivor.start(sink);
        String topic = "room.crash";
        get(survivor.listen(topic));

        child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classPath(),
                        PresenceNodeMain.class.getName(),
                        "redis://127.0.0.1:" + redis.port,
                        topic,
                        Integer.toString(MEMBERS),
                        Long.toString(EXPIRY.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String ready = CompletableFuture.supplyAsync(() -> {
                        try {
                            String line;
                            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                                // Lettuce's or the JVM's own output
                            }
                            return line;
                        } catch (Exception e) {
                            return null;
                        }
                    })
                    .get(30, TimeUnit.SECONDS);
            assertThat(ready).as("child output").isEqualTo("READY " + child.pid());
        }
        sink.await(topic, e -> e.joined(), MEMBERS, 15_000);
        assertThat(get(survivor.stats(topic))).isEqualTo(new PresenceStats(MEMBERS, MEMBERS / 2));
        // Outlives several refresh periods and its expiry while alive: refreshed, never expired.
        Await.holds(
                "all members present",
                EXPIRY.plusSeconds(1),
                () -> stats(survivor, topic).connections() == MEMBERS);

        child.destroyForcibly(); // SIGKILL on Linux
        long killed = System.nanoTime();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

        long period = EXPIRY.toMillis() / 3;
        // Bound: expiry + one period; 2 s more for scheduling on a loaded machine.
        List<PresenceEvent> leaves = sink.await(topic, e -> !e.joined(), MEMBERS, EXPIRY.toMillis() + period + 2000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.println("members of a killed node gone after " + millis + " ms (expiry " + EXPIRY.toMillis()
                + " ms, period " + period + " ms)");
        assertThat(leaves).hasSize(MEMBERS);
        assertThat(leaves.stream().filter(PresenceEvent::user).map(e -> e.member()
                        .userId()))
                .containsExactlyInAnyOrderElementsOf(Stream.iterate(0, i -> i + 1)
                        .limit(MEMBERS / 2)
                        .map(i -> "u" + i)
                        .toList());
        assertThat(get(survivor.stats(topic))).isEqualTo(new PresenceStats(0, 0));
        assertThat(get(survivor.members(topic, null, 100)).members()).isEmpty();
    }
}
