package io.duplex.cli.bench;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.cli.ConnectFailure;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connect mode of {@code duplex bench}: N slots, each one opening a connection, timing the
 * opening handshake (connect call to {@code onOpen}: TCP, HTTP upgrade, and TLS for wss), closing
 * it with 1000 and starting the next, for the whole run. Counts handshakes per second.
 *
 * <p>A failed attempt counts as an error and its slot tries again after {@link #RETRY_MILLIS}, so a
 * server that refuses does not turn the run into a busy loop.
 *
 * <p>Threading: slots restart from the event loops ({@code onClose}) or the retry timer; the
 * counters are atomic.
 */
final class BenchConnectLoad {
    static final long RETRY_MILLIS = 100;

    private final BenchLoad.Plan plan;
    private final BenchContext context;
    private final BenchProgress progress;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong handshakes = new AtomicLong();
    /** Spreads the attempts over the URLs, round-robin. */
    private final AtomicLong attempts = new AtomicLong();

    private WebSocketClient client;
    private ScheduledExecutorService retries;

    BenchConnectLoad(BenchLoad.Plan plan, BenchContext context, BenchProgress progress) {
        this.plan = plan;
        this.context = context;
        this.progress = progress;
    }

    BenchResult run(WebSocketClient client) throws InterruptedException {
        this.client = client;
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-bench-retry");
            t.setDaemon(true);
            return t;
        });
        try {
            active.set(plan.connections());
            for (int i = 0; i < plan.connections(); i++) {
                attempt();
            }
            progress.run(context, plan, active::get);
            // Slots end as their connections close; wait (bounded) for the last ones.
            long deadline = System.nanoTime() + BenchLoad.DRAIN_NANOS;
            while (active.get() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } finally {
            retries.shutdownNow();
        }
        return BenchLoad.result(plan, context, 0, false, (int) Math.min(plan.connections(), handshakes.get()));
    }

    private void attempt() {
        if (!context.sending()) {
            active.decrementAndGet();
            return;
        }
        long start = context.now();
        URI uri = plan.uri((int) (attempts.getAndIncrement() & Integer.MAX_VALUE));
        client.connect(uri, new Probe(start), plan.headers()).whenComplete((ws, e) -> {
            if (e == null) {
                return;
            }
            if (!context.sending()) {
                active.decrementAndGet();
                return;
            }
            context.error("connect failed: " + ConnectFailure.describe(e, ConnectFailure.target(uri)));
            try {
                retries.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                active.decrementAndGet();
            }
        });
    }

    /** One handshake: timed at onOpen, closed at once, replaced when closed. */
    private final class Probe implements WebSocketHandler {
        private final long start;

        Probe(long start) {
            this.start = start;
        }

        @Override
        public void onOpen(WebSocket ws) {
            long now = context.now();
            handshakes.incrementAndGet();
            LoopStats stats = context.stats();
            if (context.inWindow(now)) {
                stats.measure(now - start, 0);
            } else {
                stats.receipt();
            }
            ws.close(1000, "");
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            attempt();
        }
    }
}
