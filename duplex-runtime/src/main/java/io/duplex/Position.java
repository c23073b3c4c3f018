package io.duplex;

import java.util.Objects;

/**
 * Where a publication sits in a topic's stream: the {@code epoch} names one lifetime of the topic's
 * history, and the {@code offset} grows by exactly 1 per publication within it, starting at 1. A
 * position with offset 0 is "before the first publication". The epoch changes whenever the history
 * may have been lost (an in-memory node restarted, a Redis without persistence restarted or was
 * flushed, the history expired): offsets of different epochs are unrelated, and a subscriber that
 * asks to resume from a position of another epoch is told it was not recovered.
 *
 * <p>Epochs are opaque to users: 1 to 64 characters of {@code [A-Za-z0-9_-]}, made by the engine.
 *
 * <p>Threading: immutable.
 */
public record Position(String epoch, long offset) {
    /** The longest epoch accepted (bad input from a peer is refused before it is stored). */
    public static final int MAX_EPOCH_LENGTH = 64;

    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (!validEpoch(epoch)) {
            throw new StreamException(StreamError.BAD_POSITION, "epoch must be 1-64 characters of [A-Za-z0-9_-]");
        }
        if (offset < 0) {
            throw new StreamException(StreamError.BAD_POSITION, "offset must be >= 0");
        }
    }

    /** The position before the first publication of the epoch. */
    public static Position start(String epoch) {
        return new Position(epoch, 0);
    }

    /** The position of the next publication in the same epoch. */
    public Position next() {
        return new Position(epoch, offset + 1);
    }

    /** Whether {@code epoch} is well formed. */
    public static boolean validEpoch(String epoch) {
        int n = epoch.length();
        if (n == 0 || n > MAX_EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = epoch.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return offset + "@" + epoch;
    }
}
