package io.duplex.examples.chat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when told: rate limits and timestamps become deterministic.
 *
 * <p>Threading: safe from any thread (volatile).
 */
final class ManualClock implements InstantSource {
    private volatile long millis = 1_700_000_000_000L;

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    void advance(Duration d) {
        millis += d.toMillis();
    }
}
