package io.duplex.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: a connection's handler
 * callbacks never overlap even on a thread pool or virtual threads.
 *
 * <p>Threading: safe from any thread.
 */
final class SerialExecutor implements Executor {
    private final Executor delegate;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    /**
     * Received bytes handed to the delegate and not yet delivered (the connection's read
     * backpressure): kept here, not in the socket handle, because only a connection with a handler
     * executor has any.
     */
    final AtomicLong undelivered = new AtomicLong();

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
