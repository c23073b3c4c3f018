package io.duplex;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of a topic's stream is kept for history reads and recovery: at most {@code size}
 * publications, none older than {@code ttl}; and how much one subscriber may recover at once
 * ({@code maxRecovery}; a subscriber that missed more is told it was not recovered instead of
 * being sent an unbounded backlog).
 *
 * <p>Every topic has positions (offsets are assigned even without history, so a subscriber can
 * tell whether it missed anything); {@link #NONE}, the default, keeps no publication, so recovery
 * succeeds only when nothing was missed. How long a topic keeps its epoch and offsets when idle is
 * the engine's to say (see {@link InMemoryStreamEngine}); {@code ttl} is about publications only.
 *
 * <p>Threading: immutable.
 */
public record History(int size, Duration ttl, int maxRecovery) {
    /** Most publications a topic may keep (memory is bounded by this times the message limit). */
    public static final int MAX_SIZE = 1_000_000;

    static final int DEFAULT_IDLE_MINUTES = 5;

    /** No history; positions only (see the class comment). */
    public static final History NONE = new History(0, Duration.ofMinutes(DEFAULT_IDLE_MINUTES), 0);

    public History {
        Objects.requireNonNull(ttl, "ttl");
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("history size must be 0.." + MAX_SIZE + ", was " + size);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("history ttl must be positive, was " + ttl);
        }
        if (maxRecovery < 0 || maxRecovery > size) {
            throw new IllegalArgumentException("maxRecovery must be 0..size, was " + maxRecovery);
        }
    }

    /** Keeps {@code size} publications for {@code ttl}; a subscriber may recover all of them. */
    public static History of(int size, Duration ttl) {
        return new History(size, ttl, size);
    }

    /** The same history with another recovery cap. */
    public History withMaxRecovery(int maxRecovery) {
        return new History(size, ttl, maxRecovery);
    }

    /** Whether publications are kept (history reads are allowed). */
    public boolean enabled() {
        return size > 0;
    }
}
