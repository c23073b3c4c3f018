package io.duplex.socketio.engine;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order, on the thread that finds the queue idle (an event
 * loop, a timer, an application thread): the confinement of one Engine.IO session's state, which
 * requests on several connections (and so several event loops) reach. No lock is held while a
 * task runs, so a task may submit to other queues without risk of deadlock.
 *
 * <p>Threading: {@link #execute} from any thread; tasks never overlap, and each sees what the
 * previous one wrote (the atomic counter orders them).
 */
public final class SerialQueue implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialQueue.class.getName());

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() != 0) {
            return; // the thread draining the queue will run it
        }
        do {
            Runnable r = tasks.poll();
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Socket.IO task failed", e);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
