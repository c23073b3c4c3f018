package io.duplex.internal;

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
        for (Connection c : connections) {
            c.loop().execute(() -> c.goAway(code, reason));
        }
        awaitEmpty(deadlineNanos);
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
