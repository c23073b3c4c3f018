package io.duplex.testkit;

import io.duplex.Scheduler;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} that runs nothing until the test says so, recording each requested delay:
 * reconnection back-off becomes deterministic and instant.
 *
 * <pre>{@code
 * ManualScheduler scheduler = new ManualScheduler();
 * // build the reconnecting client with .scheduler(scheduler), drop the server...
 * ManualScheduler.Task retry = scheduler.next();
 * assertThat(retry.delay()).isEqualTo(Duration.ofMillis(100));
 * ManualScheduler.fire(retry);
 * }</pre>
 *
 * <p>Threading: {@link #schedule} may be called from any thread; {@link #next()} waits (bounded
 * by {@link Await#WAIT}) on the test thread; {@link #fire} runs the task on the calling thread.
 */
public final class ManualScheduler implements Scheduler {
    /** One scheduled task: what to run, the delay asked for, and whether it was cancelled. */
    public record Task(Runnable runnable, Duration delay, boolean[] cancelled) {}

    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

    /** Creates a scheduler with nothing scheduled. */
    public ManualScheduler() {}

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        tasks.add(new Task(task, delay, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Waits (bounded) for the next scheduled task. */
    public Task next() throws InterruptedException {
        Task t = tasks.poll(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            throw new AssertionError("nothing was scheduled within " + Await.WAIT);
        }
        return t;
    }

    /** Runs a task as if its delay had passed. */
    public static void fire(Task t) {
        if (!t.cancelled()[0]) {
            t.runnable().run();
        }
    }

    /** Whether no task is waiting to be taken. */
    public boolean isEmpty() {
        return tasks.isEmpty();
    }
}
