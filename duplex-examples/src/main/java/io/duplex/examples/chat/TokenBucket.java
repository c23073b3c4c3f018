package io.duplex.examples.chat;

import java.time.InstantSource;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code
 * perSecond}; each accepted action takes one. Starts full, so a burst of {@code capacity} passes.
 *
 * <p>Threading: not thread-safe; one bucket belongs to one connection, whose callbacks never
 * overlap.
 */
final class TokenBucket {
    private final double capacity;
    private final double perMilli;
    private final InstantSource clock;
    private double tokens;
    private long last;

    TokenBucket(int capacity, double perSecond, InstantSource clock) {
        if (capacity < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("capacity >= 1 and a positive rate needed");
        }
        this.capacity = capacity;
        this.perMilli = perSecond / 1000.0;
        this.clock = clock;
        this.tokens = capacity;
        this.last = clock.millis();
    }

    /** Takes a token if there is one. */
    boolean tryTake() {
        long now = clock.millis();
        if (now > last) {
            tokens = Math.min(capacity, tokens + (now - last) * perMilli);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
