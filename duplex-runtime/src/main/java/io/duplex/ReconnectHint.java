package io.duplex;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A server's advice, carried in a close reason, on when a client should reconnect: "reconnect at
 * a random moment within {@code within}". A draining server ({@link WebSocketServer#drain})
 * closes with 1012 Service Restart (RFC 6455 §7.4.1) and the reason
 * {@code "service restart; reconnect-within-ms=N"}; a client that honours it (the reconnecting
 * client with a {@link ReconnectPolicy} does) waits a delay drawn uniformly from {@code [0, N]}
 * ms before its first attempt, instead of its own backoff, so a fleet spreads its reconnects over
 * the window instead of arriving in one instant. Other clients see an ordinary 1012 and a
 * readable reason.
 *
 * <p>The token may appear anywhere in the reason (at most 123 bytes, RFC 6455 §5.5.1); a value
 * over one hour, or one that is not a plain decimal number, is ignored.
 *
 * <p>Threading: immutable; safe to share.
 *
 * @param within the window over which to spread the reconnect
 */
public record ReconnectHint(Duration within) {
    /** The token in a close reason; followed by a decimal number of milliseconds. */
    public static final String TOKEN = "reconnect-within-ms=";

    private static final long MAX_MILLIS = 3_600_000;

    public ReconnectHint {
        Objects.requireNonNull(within, "within");
        if (within.isNegative() || within.toMillis() > MAX_MILLIS) {
            throw new IllegalArgumentException("the reconnect window must be 0 to 1 hour");
        }
    }

    /** The close reason a draining server sends. */
    public String closeReason() {
        return "service restart; " + TOKEN + within.toMillis();
    }

    /** The hint in a close reason, or {@code null} when it carries none (or a malformed one). */
    public static ReconnectHint parse(String reason) {
        if (reason == null) {
            return null;
        }
        int at = reason.indexOf(TOKEN);
        if (at < 0) {
            return null;
        }
        int from = at + TOKEN.length();
        int to = from;
        while (to < reason.length() && to - from <= 7 && reason.charAt(to) >= '0' && reason.charAt(to) <= '9') {
            to++;
        }
        if (to == from || to - from > 7) {
            return null;
        }
        long millis = Long.parseLong(reason, from, to, 10);
        return millis > MAX_MILLIS ? null : new ReconnectHint(Duration.ofMillis(millis));
    }

    /** A delay drawn uniformly from {@code [0, within]}. */
    public Duration delay(RandomGenerator random) {
        long nanos = within.toNanos();
        return Duration.ofNanos(nanos == 0 ? 0 : random.nextLong(nanos + 1));
    }
}
