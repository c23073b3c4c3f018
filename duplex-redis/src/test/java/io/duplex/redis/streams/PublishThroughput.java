package io.duplex.redis.streams;

import io.duplex.History;
import io.duplex.PreparedMessage;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.redis.RedisStreamEngine;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: publish throughput with acknowledgement on this machine, {@link RedisStreamEngine}
 * (one Lua script per publish: store + PUBLISH) against {@link RedisBroker} (one PUBLISH), both
 * through one connection to a local redis-server of its own, at most {@code window} publishes
 * awaiting Redis' answer. Each configuration: a warm-up run, then the measured run.
 *
 * <p>Run: {@code java -cp <classpath> io.duplex.redis.streams.PublishThroughput [count] [window]}.
 *
 * <p>Threading: one thread publishes; answers complete on Lettuce's threads.
 */
public final class PublishThroughput {
    private PublishThroughput() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        PreparedMessage message = PreparedMessage.text("x".repeat(100));
        try (RedisServer redis = RedisServer.start(null)) {
            String uri = "redis://127.0.0.1:" + redis.port;
            try (RedisStreamEngine engine = RedisStreamEngine.builder().uri(uri).build()) {
                engine.start(p -> {});
                for (History h : new History[] {History.of(1000, Duration.ofMinutes(5)), History.NONE}) {
                    String name = "RedisStreamEngine history " + (h.enabled() ? "1000" : "none");
                    run(name, count / 4, window, permits -> engine.publish("bench", message, h)
                            .whenComplete((p, e) -> permits.release()));
                    report(name, count, window, run(name, count, window, permits -> engine.publish("bench", message, h)
                            .whenComplete((p, e) -> permits.release())));
                }
            }
            try (RedisBroker broker = RedisBroker.builder().uri(uri).build()) {
                // RedisBroker.publish does not return its acknowledgement; relayed() counts them.
                Runnable publishOne = () -> broker.publish("bench", message, null);
                for (int pass = 0; pass < 2; pass++) {
                    int n = pass == 0 ? count / 4 : count;
                    long base = broker.relayed();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        while (i - (broker.relayed() - base) >= window) {
                            Thread.onSpinWait();
                        }
                        publishOne.run();
                    }
                    while (broker.relayed() - base < n) {
                        Thread.onSpinWait();
                    }
                    if (pass == 1) {
                        report("RedisBroker (PUBLISH only)", n, window, System.nanoTime() - t0);
                    }
                }
            }
        }
    }

    interface Publish {
        void next(Semaphore permits);
    }

    private static long run(String name, int n, int window, Publish publish) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            permits.acquire();
            publish.next(permits);
        }
        if (!permits.tryAcquire(window, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": answers missing");
        }
        return System.nanoTime() - t0;
    }

    private static void report(String name, int n, int window, long nanos) {
        System.out.printf(
                java.util.Locale.ROOT,
                "%-36s %8d publishes, window %4d: %8.0f publishes/s (%.2f s)%n",
                name,
                n,
                window,
                n / (nanos / 1e9),
                nanos / 1e9);
    }
}
