package io.duplex;

/**
 * A page of a topic's history to read.
 *
 * @param since only publications after this position (its epoch must be the topic's current one),
 *     or null for the oldest kept
 * @param limit the most publications in the page (0 reads only the newest position), at most
 *     {@link #MAX_LIMIT}
 * @param newestFirst whether the page runs from the newest publication backwards
 *     <p>Threading: immutable.
 */
public record HistoryQuery(Position since, int limit, boolean newestFirst) {
    /** The largest page that may be asked for. */
    public static final int MAX_LIMIT = 10_000;

    public HistoryQuery {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new StreamException(StreamError.BAD_REQUEST, "history limit must be 0.." + MAX_LIMIT);
        }
    }

    /** Oldest first, after {@code since} (null: from the oldest kept). */
    public static HistoryQuery since(Position since, int limit) {
        return new HistoryQuery(since, limit, false);
    }

    /** The newest {@code limit} publications, newest first. */
    public static HistoryQuery newest(int limit) {
        return new HistoryQuery(null, limit, true);
    }
}
