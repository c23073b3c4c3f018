package io.duplex.testkit;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for tests: on a future, a queue or a condition, each failing the test after {@link
 * #WAIT} instead of hanging it. No guessed sleeps: every wait ends as soon as its condition holds.
 *
 * <p>Threading: call from the test thread; the futures, queues and conditions waited on may be
 * completed from any thread.
 */
public final class Await {
    /** How long any wait of the kit lasts before it fails the test. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private Await() {}

    /** The value of {@code future}, failing if it does not complete within {@link #WAIT}. */
    public static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The exception {@code future} fails with (unwrapped), failing the test if it succeeds. */
    public static Throwable catchFailure(CompletableFuture<?> future) {
        Object value;
        try {
            value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("neither completed nor failed within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure but it completed with " + value);
    }

    /** The head of {@code queue}, waiting up to {@link #WAIT} for one. */
    public static <T> T poll(BlockingQueue<T> queue) {
        try {
            T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                throw new AssertionError("nothing arrived within " + WAIT);
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls {@code condition} until it holds or {@link #WAIT} passes (then fails with {@code what}). */
    public static void eventually(String what, BooleanSupplier condition) {
        eventually(what, WAIT, condition);
    }

    /**
     * Polls {@code condition} until it holds or {@code limit} passes (then fails with {@code what}):
     * for waits that are long by design (an expiry, a store coming back).
     */
    public static void eventually(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Checks that {@code condition} holds throughout {@code period}, polling it (fails with {@code
     * what} the first time it does not): for "nothing expires while refreshed" kinds of claims,
     * where the time is the point of the test rather than a guess.
     */
    public static void holds(String what, Duration period, BooleanSupplier condition) {
        long until = System.nanoTime() + period.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("stopped holding within " + period + ": " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        } while (System.nanoTime() - until < 0);
    }

    private static final long POLL_NANOS = 5_000_000;
}
