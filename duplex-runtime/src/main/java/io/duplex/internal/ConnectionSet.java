package io.duplex.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The live connections of one server or one client, and their graceful end: a Going Away close to
 * each, a bounded wait for the close handshakes (RFC 6455 §7.1.2), then an abort of the rest.
 *
 * <p>Threading: safe from any thread. {@link #drain} blocks, so it must not run on one of the
 * connections' event loops (those loops have to send the close frames it waits for).
 */
public final class ConnectionSet {
    /** After the drain deadline, how long the aborts may take on their loops. */
    private static final long ABORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    /** Tracks a connection until {@link #remove} (its {@link Connection.Listener}). */
    public void add(Connection c) {
        connections.add(c);
    }

    /** Forgets a connection that is gone and wakes a {@link #drain} waiting for the set to empty. */
    public void remove(Connection c) {
        connections.remove(c);
        synchronized (connections) {
            connections.notifyAll();
        }
    }

    public int size() {
        return connections.size();
    }

    /**
     * Sends {@code code} (1001 Going Away) to every connection, waits until all are gone or
     * {@code deadlineNanos} ({@link System#nanoTime()}) passes, then aborts the rest (their
     * handlers still see {@code onClose}) and waits a little for the aborts to run.
     */
    public void drain(int code, String reason, long deadlineNanos) {
        drain(code, reason, deadlineNanos, true);
    }

    private void abortRest() {
        Connection[] rest = connections.toArray(Connection[]::new);
        CountDownLatch aborted = new CountDownLatch(rest.length);
        for (Connection c : rest) {
            c.loop().execute(() -> {
                try {
                    c.abort();
                } finally {
                    aborted.countDown();
                }
            });
        }
        try {
            aborted.await(ABORT_WAIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A rolling-deploy drain: the connections open now are split into {@code waves} groups, and
     * group {@code k} gets {@code code} ({@code reason}) at {@code k × interval} from now, on each
     * connection's own loop (one scheduled task per loop and wave, not one per connection). Then
     * waits until all are gone or {@code deadlineNanos} passes, and aborts the rest, like {@link
     * #drain}. Blocks, so it must not run on one of the connections' loops.
     */
    public void drainInWaves(int code, String reason, int waves, long intervalNanos, long deadlineNanos) {
        Connection[] now = connections.toArray(Connection[]::new);
        int n = Math.max(1, Math.min(waves, now.length));
        List<Map<EventLoop, List<Connection>>> byWave = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            byWave.add(new IdentityHashMap<>());
        }
        for (int i = 0; i < now.length; i++) {
            // Round-robin over the waves: each wave takes an even share of every loop's connections.
            Connection c = now[i];
            byWave.get(i % n).computeIfAbsent(c.loop(), l -> new ArrayList<>()).add(c);
        }
        for (int k = 0; k < n; k++) {
            long delay = k * intervalNanos;
            for (Map.Entry<EventLoop, List<Connection>> e : byWave.get(k).entrySet()) {
                List<Connection> wave = e.getValue();
                e.getKey().schedule(() -> wave.forEach(c -> c.goAway(code, reason)), delay);
            }
        }
        drain(code, reason, deadlineNanos, false);
    }

    private void drain(int code, String reason, long deadlineNanos, boolean sendNow) {
        if (sendNow) {
            for (Connection c : connections) {
                c.loop().execute(() -> c.goAway(code, reason));
            }
        }
        awaitEmpty(deadlineNanos);
        abortRest();
    }

    private void awaitEmpty(long deadlineNanos) {
        synchronized (connections) {
            long left;
            while (!connections.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(connections, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
