package io.duplex.redis.presence;

import io.duplex.Member;
import io.duplex.redis.RedisPresenceEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A presence "node" in a JVM of its own, for {@link NodeCrashTest}: joins {@code members} members
 * (two connections per user, users {@code u0…}) to {@code topic} through its own engine, prints
 * {@code READY}, then waits to be killed. Arguments: Redis URI, topic, members, expiry (ms).
 *
 * <p>Threading: main thread.
 */
public final class PresenceNodeMain {
    private PresenceNodeMain() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String topic = args[1];
        int members = Integer.parseInt(args[2]);
        Duration expiry = Duration.ofMillis(Long.parseLong(args[3]));
        RedisPresenceEngine engine = RedisPresenceEngine.builder()
                .uri(uri)
                .expiry(expiry)
                .nodeId("child")
                .build();
        engine.start(e -> {});
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            joins.add(engine.join(topic, new Member("child-" + i, "u" + (i / 2), "{\"n\":" + i + "}"))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        // Until killed: the engine refreshes its members meanwhile.
        System.in.read(); // returns when the test JVM goes away (its end of the pipe closes)
        System.exit(0);
    }
}
