package io.duplex;

import java.time.Duration;

/**
 * Runs a task after a delay; the client uses it to time reconnection attempts. The default runs on
 * the client's event loop; tests pass a manual one to observe and drive the backoff without
 * waiting.
 *
 * <p>Threading: implementations must accept calls from any thread.
 */
@FunctionalInterface
public interface Scheduler {

    /** Schedules {@code task} after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, Duration delay);

    /** A scheduled task's handle. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
