package io.duplex.topics.client;

/**
 * The state of a {@link TopicsClient}'s connection, as told to its state listener.
 *
 * <p>Threading: immutable.
 */
public enum ConnectionState {
    /** The first connection is being made. */
    CONNECTING,
    /** Connected; subscriptions are (re)sent. */
    OPEN,
    /** The connection was lost; the next attempt is scheduled by the reconnect policy. */
    RECONNECTING,
    /** Closed by {@link TopicsClient#close()}, or reconnection gave up (no more attempts allowed). */
    CLOSED
}
