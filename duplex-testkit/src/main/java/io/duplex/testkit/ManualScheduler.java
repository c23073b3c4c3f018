package io.duplex;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} that runs nothing until the test says so, recording each requested delay. */
final class ManualScheduler implements Scheduler {
    record Task(Runnable runnable, Duration delay, boolean[] cancelled) {}

    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        tasks.add(new Task(task, delay, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Waits (bounded) for the next scheduled task. */
    Task next() throws InterruptedException {
        Task t = tasks.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("nothing was scheduled within 10 s");
        }
        return t;
    }

    /** Runs a task as if its delay had passed. */
    static void fire(Task t) {
        if (!t.cancelled()[0]) {
            t.runnable().run();
        }
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }
}
