package io.duplex.redis.presence;

import io.duplex.Member;
import io.duplex.PresencePage;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: what presence costs on Redis on this machine. {@code members} members join one topic
 * through two engines (half each, at most {@code window} joins awaiting Redis per engine) while a
 * third engine listens; reported: the time, Redis commands per join (from {@code INFO commandstats}
 * before and after: the calls clients sent, and every command Redis ran, including those inside
 * scripts), one refresh pass, then {@code stats} against paging through every member.
 *
 * <p>Run: {@code java -cp <classpath> io.duplex.redis.presence.PresenceCost [members] [window]}.
 *
 * <p>Threading: main thread; answers complete on Lettuce's threads.
 */
public final class PresenceCost {
    private PresenceCost() {}

    public static void main(String[] args) throws Exception {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        String topic = "bench";
        try (RedisServer redis = RedisServer.start(null)) {
            String uri = "redis://127.0.0.1:" + redis.port;
            AtomicLong events = new AtomicLong();
            try (RedisPresenceEngine a = engine(uri);
                    RedisPresenceEngine b = engine(uri);
                    RedisPresenceEngine listener = engine(uri)) {
                a.start(e -> {});
                b.start(e -> {});
                listener.start(e -> events.incrementAndGet());
                listener.listen(topic).toCompletableFuture().get(10, TimeUnit.SECONDS);

                long[] before = commands(redis);
                long t0 = System.nanoTime();
                CompletableFuture<Void> ja = CompletableFuture.runAsync(() -> joinAll(a, topic, 0, members, window));
                CompletableFuture<Void> jb = CompletableFuture.runAsync(() -> joinAll(b, topic, 1, members, window));
                CompletableFuture.allOf(ja, jb).get(120, TimeUnit.SECONDS);
                long joinNanos = System.nanoTime() - t0;
                long[] after = commands(redis);
                while (events.get() < members) {
                    Thread.onSpinWait();
                }
                long allEvents = System.nanoTime() - t0;
                System.out.printf(
                        "%d joins through 2 engines: %.0f ms (%.0f joins/s), all %d events at the listener after %.0f ms%n",
                        members, joinNanos / 1e6, members / (joinNanos / 1e9), members, allEvents / 1e6);
                System.out.printf(
                        "per join: %.2f calls sent by clients (EVALSHA), %.2f commands run by Redis in all%n",
                        (double) (after[0] - before[0]) / members, (double) (after[1] - before[1]) / members);

                // One refresh pass of every member: what each engine does every expiry / 3.
                long[] r0 = commands(redis);
                long r0t = System.nanoTime();
                // The engines' own timer (expiry / 3) runs the pass.
                Await.eventually(
                        "a refresh pass",
                        Duration.ofSeconds(60),
                        () -> scriptCalls(redis) - r0[0] >= 2L * ((members / 2 + 999) / 1000));
                long[] r1 = commands(redis);
                System.out.printf(
                        "a refresh pass of %d members: %d script calls, %d commands run by Redis (observed within %.1f s)%n",
                        members, r1[0] - r0[0], r1[1] - r0[1], (System.nanoTime() - r0t) / 1e9);

                int rounds = 200;
                long s0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    a.stats(topic).toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
                double statsMicros = (System.nanoTime() - s0) / 1e3 / rounds;
                System.out.printf(
                        "stats: %.0f µs per call (%s)%n",
                        statsMicros, a.stats(topic).toCompletableFuture().get());
                for (int limit : List.of(100, PresencePage.MAX_LIMIT)) {
                    for (int pass = 0; pass < 3; pass++) {
                        long p0 = System.nanoTime();
                        int pages = 0;
                        int seen = 0;
                        String cursor = null;
                        do {
                            PresencePage page = a.members(topic, cursor, limit)
                                    .toCompletableFuture()
                                    .get(10, TimeUnit.SECONDS);
                            seen += page.members().size();
                            cursor = page.cursor();
                            pages++;
                        } while (cursor != null);
                        if (pass == 2) {
                            System.out.printf(
                                    "members, limit %d: %d pages, %d members, %.1f ms in all (%.0f× one stats call)%n",
                                    limit,
                                    pages,
                                    seen,
                                    (System.nanoTime() - p0) / 1e6,
                                    (System.nanoTime() - p0) / 1e3 / statsMicros);
                        }
                    }
                }
            }
        }
    }

    static RedisPresenceEngine engine(String uri) {
        return RedisPresenceEngine.builder()
                .uri(uri)
                .expiry(Duration.ofSeconds(3))
                .build();
    }

    static void joinAll(RedisPresenceEngine e, String topic, int parity, int members, int window) {
        Semaphore permits = new Semaphore(window);
        for (int i = parity; i < members; i += 2) {
            permits.acquireUninterruptibly();
            e.join(topic, new Member("client-" + i, "user-" + (i / 2), "{\"name\":\"n" + i + "\"}"))
                    .whenComplete((v, x) -> permits.release());
        }
        permits.acquireUninterruptibly(window);
    }

    /** [EVAL + EVALSHA calls, every command's calls] from INFO commandstats. */
    /** Script calls Redis has run so far ({@link #commands}' first count), for a polled condition. */
    private static long scriptCalls(RedisServer redis) {
        try {
            return commands(redis)[0];
        } catch (Exception e) {
            throw new AssertionError("INFO commandstats", e);
        }
    }

    static long[] commands(RedisServer redis) throws Exception {
        String info = (String) redis.command("INFO", "commandstats");
        long scripts = 0;
        long all = 0;
        for (String line : info.split("\r\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            int c = line.indexOf("calls=") + "calls=".length();
            long calls = Long.parseLong(line.substring(c, line.indexOf(',', c)));
            if (name.equals("info")) {
                continue; // ours
            }
            all += calls;
            if (name.equals("evalsha") || name.equals("eval")) {
                scripts += calls;
            }
        }
        return new long[] {scripts, all};
    }
}
