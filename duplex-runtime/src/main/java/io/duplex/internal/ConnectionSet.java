package io.duplex.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The live connections of one server or one client, and their graceful end: a Going Away close to
 * each, a bounded wait for the close handshakes (RFC 6455 §7.1.2), then an abort of the rest.
 *
 * <p>The set keeps a count, not the connections: each connection already sits in its loop's
 * ticking list from registration to destruction, so a drain asks every loop for the connections
 * there that this set counts ({@link Connection#countedIn}). A concurrent hash set's entry was
 * 32 bytes of every idle connection (and its table a few more), and its insertion and removal
 * about 1 % of a server's CPU when connections open and close at once.
 *
 * <p>It is also the listener of a client's connections ({@link #onDestroyed}); a server's are
 * told through their {@link ClientAddress}.
 *
 * <p>Threading: {@link #add} and {@link #onDestroyed} run on the connection's loop; the rest is safe
 * from any thread. {@link #drain} blocks, so it must not run on one of the connections' event
 * loops (those loops have to send the close frames it waits for).
 */
public final class ConnectionSet implements Connection.Listener {
    /** After the drain deadline, how long the aborts may take on their loops. */
    private static final long ABORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final AtomicInteger size = new AtomicInteger();
    /** The loops this set has had connections on: one entry per loop, added with its first. */
    private final Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
    /** Notified when the count reaches zero, for {@link #awaitEmpty}. */
    private final Object emptied = new Object();

    /**
     * Counts {@code c} until {@link #remove}: on its loop, before it registers, so it is in the
     * loop's ticking list whenever a drain looks there. A connection that fails to register must
     * be destroyed (its listener then removes it).
     */
    public void add(Connection c) {
        EventLoop loop = c.loop();
        if (!loops.contains(loop)) {
            loops.add(loop);
        }
        size.incrementAndGet();
    }

    /** Forgets a connection that is gone and wakes a {@link #drain} waiting for the set to empty. */
    public void remove(Connection c) {
        if (size.decrementAndGet() == 0) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
        }
    }

    @Override
    public void onDestroyed(Connection c) {
        remove(c);
    }

    @Override
    public ConnectionSet countedIn() {
        return this;
    }

    public int size() {
        return size.get();
    }

    /**
     * Sends {@code code} (1001 Going Away) to every connection, waits until all are gone or
     * {@code deadlineNanos} ({@link System#nanoTime()}) passes, then aborts the rest (their
     * handlers still see {@code onClose}) and waits a little for the aborts to run.
     */
    public void drain(int code, String reason, long deadlineNanos) {
        onEachLoop((loop, here) -> here.forEach(c -> c.goAway(code, reason)));
        awaitEmpty(deadlineNanos);
        abortRest();
    }

    /**
     * A rolling-deploy drain: the connections open now are split into {@code waves} groups, and
     * group {@code k} gets {@code code} ({@code reason}) at {@code k × interval} from now, on each
     * connection's own loop (one scheduled task per loop and wave, not one per connection). Then
     * waits until all are gone or {@code deadlineNanos} passes, and aborts the rest, like {@link
     * #drain}. Blocks, so it must not run on one of the connections' loops.
     */
    public void drainInWaves(int code, String reason, int waves, long intervalNanos, long deadlineNanos) {
        int n = Math.max(1, Math.min(waves, size()));
        onEachLoop((loop, here) -> {
            // Round-robin over the waves: each wave takes an even share of every loop's connections.
            for (int k = 0; k < n && k < here.size(); k++) {
                List<Connection> wave = new ArrayList<>(here.size() / n + 1);
                for (int i = k; i < here.size(); i += n) {
                    wave.add(here.get(i));
                }
                loop.schedule(() -> wave.forEach(c -> c.goAway(code, reason)), k * intervalNanos);
            }
        });
        awaitEmpty(deadlineNanos);
        abortRest();
    }

    private void abortRest() {
        if (size() == 0) {
            return;
        }
        CountDownLatch aborted = onEachLoop((loop, here) -> here.forEach(Connection::abort));
        try {
            aborted.await(ABORT_WAIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code action} on each loop this set has had connections on, with the connections there
     * that it counts (a copy: closing one changes the loop's list); the latch counts the loops done.
     */
    private CountDownLatch onEachLoop(BiConsumer<EventLoop, List<Connection>> action) {
        EventLoop[] with = loops.toArray(EventLoop[]::new);
        CountDownLatch done = new CountDownLatch(with.length);
        for (EventLoop loop : with) {
            loop.execute(() -> {
                try {
                    List<Connection> here = new ArrayList<>();
                    loop.forEachTicking(t -> {
                        if (t instanceof Connection c && c.countedIn(this)) {
                            here.add(c);
                        }
                    });
                    action.accept(loop, here);
                } finally {
                    done.countDown();
                }
            });
        }
        return done;
    }

    private void awaitEmpty(long deadlineNanos) {
        synchronized (emptied) {
            long left;
            while (size() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(emptied, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
