package io.duplex.internal;

import io.duplex.HandshakeRateLimit;

/**
 * One token bucket: {@code perSecond} tokens a second up to {@code burst}, starting full.
 *
 * <p>Threading: safe from any thread (synchronized; held for a few arithmetic steps).
 */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(HandshakeRateLimit limit, long nowNanos) {
        this.perNano = limit.perSecond() / 1e9;
        this.burst = limit.burst();
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token: 0 when one was there, else the nanoseconds until one will be (nothing taken). */
    synchronized long take(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
    }

    /** Whether the bucket is full by {@code now}, i.e. forgetting it changes nothing. */
    synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            last = now;
        }
    }
}
