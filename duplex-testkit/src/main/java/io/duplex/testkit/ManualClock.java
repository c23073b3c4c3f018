package io.duplex.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when told: rate limits and timestamps become deterministic. It starts
 * at 2023-11-14T22:13:20Z ({@code 1_700_000_000_000} ms).
 *
 * <p>Threading: safe to read from any thread (volatile); advance it from one thread.
 */
public final class ManualClock implements InstantSource {
    private volatile long millis = 1_700_000_000_000L;

    /** Creates a clock at its start instant. */
    public ManualClock() {}

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    /** Moves the clock forward by {@code d} (millisecond precision). */
    public void advance(Duration d) {
        millis += d.toMillis();
    }
}
