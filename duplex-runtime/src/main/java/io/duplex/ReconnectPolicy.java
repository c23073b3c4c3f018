package io.duplex;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Automatic reconnection for a {@link WebSocketClient} connection: exponential backoff with full
 * jitter (delay drawn uniformly from {@code [0, min(maxDelay, initialDelay × 2^(attempt-1))]},
 * the AWS "full jitter" scheme that spreads a thundering herd of clients after a server restart),
 * bounded by {@code maxAttempts}.
 *
 * <p>What is retried: a dropped connection (1006), and closes that mean "come back later" — 1001
 * Going Away (server restart), 1011, 1012 Service Restart, 1013 Try Again Later, 1014 — and
 * handshake failures that are transient: I/O errors, timeouts, HTTP 408, 429, 502, 503, 504. A 503
 * or 429 {@code Retry-After} (seconds) and a 1013 close are honoured as a minimum delay. Never
 * retried: a close this side started, 1000 and other deliberate closes, and other 4xx rejections
 * (retrying a 401 or 403 cannot succeed).
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param maxAttempts attempts after each loss before giving up; 0 means no limit
 * @param tryAgainLaterDelay the least delay after a 1013 Try Again Later close
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, Duration tryAgainLaterDelay) {

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(tryAgainLaterDelay, "tryAgainLaterDelay");
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 < initialDelay <= maxDelay");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0");
        }
    }

    /** 0.5 s doubling to at most 30 s, no attempt limit, 5 s after a 1013. */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 0, Duration.ofSeconds(5));
    }

    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(initialDelay, maxDelay, attempts, tryAgainLaterDelay);
    }

    public ReconnectPolicy withDelays(Duration initial, Duration max) {
        return new ReconnectPolicy(initial, max, maxAttempts, tryAgainLaterDelay);
    }

    /** The backoff ceiling for attempt {@code attempt} (from 1), before jitter. */
    public Duration ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long nanos = initialDelay.toNanos();
        long max = maxDelay.toNanos();
        long ceiling = nanos > (max >> shift) ? max : Math.min(max, nanos << shift);
        return Duration.ofNanos(ceiling);
    }

    /** Full jitter: uniform in {@code [0, ceiling(attempt)]}, but at least {@code floor}. */
    public Duration delay(int attempt, Duration floor, RandomGenerator random) {
        long ceiling = ceiling(attempt).toNanos();
        long d = ceiling == 0 ? 0 : random.nextLong(ceiling + 1);
        return Duration.ofNanos(Math.max(d, floor.toNanos()));
    }

    /** Whether an attempt number is still allowed. */
    public boolean allows(int attempt) {
        return maxAttempts == 0 || attempt <= maxAttempts;
    }

    /** Whether a close with this code (not started by this side) should be followed by a reconnect. */
    public static boolean retriesClose(int code) {
        return switch (code) {
            case 1001, 1005, 1006, 1011, 1012, 1013, 1014 -> true;
            default -> false;
        };
    }

    /** Whether a refused handshake with this HTTP status may succeed later. */
    public static boolean retriesStatus(int status) {
        return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }
}
