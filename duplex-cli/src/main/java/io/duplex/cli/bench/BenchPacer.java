package io.duplex.cli.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop sender of {@code duplex bench --rate}: each connection gets an equal share of the
 * rate, on its own schedule (staggered, so the connections do not fire together), and every
 * message is stamped with the time it was <em>meant</em> to leave. When a connection already has
 * {@code pipeline} messages in flight, or the pacer itself falls behind, the message leaves late
 * but keeps its intended stamp: the wait is part of the latency measured, as it would be for a
 * user (no coordinated omission, Gil Tene's wrk2 correction).
 *
 * <p>Threading: runs on its own thread until the run stops sending; messages go through the
 * library's cross-thread send (which copies the payload).
 */
final class BenchPacer implements Runnable {
    /** When a connection is held back by its pipeline, look again this soon. */
    private static final long BLOCKED_RECHECK_NANOS = 100_000;

    private final BenchContext context;
    private final List<BenchPeer> peers;
    private final BenchPayload payload;
    private final double rate;
    private final int pipeline;

    /**
     * @param rate messages per second, all connections together
     * @param pipeline the most messages in flight per connection; 0 for no limit
     */
    BenchPacer(BenchContext context, List<BenchPeer> peers, BenchPayload payload, double rate, int pipeline) {
        this.context = context;
        this.peers = peers;
        this.payload = payload;
        this.rate = rate;
        this.pipeline = pipeline == 0 ? Integer.MAX_VALUE : pipeline;
    }

    @Override
    public void run() {
        BenchPayload.Sender sender = payload.sender();
        int n = peers.size();
        double interval = n * 1e9 / rate;
        double[] due = new double[n];
        long start = context.now();
        for (int i = 0; i < n; i++) {
            due[i] = start + interval * i / n;
        }
        while (context.sending()) {
            long now = context.now();
            double soonest = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                BenchPeer peer = peers.get(i);
                while (due[i] <= now && peer.inFlight() < pipeline && context.sending()) {
                    peer.send(sender, (long) due[i]);
                    due[i] += interval;
                }
                double next = due[i] <= now ? now + BLOCKED_RECHECK_NANOS : due[i];
                soonest = Math.min(soonest, next);
            }
            long wait = (long) soonest - context.now();
            if (wait > 0) {
                LockSupport.parkNanos(Math.min(wait, 10_000_000L));
            }
        }
    }
}
