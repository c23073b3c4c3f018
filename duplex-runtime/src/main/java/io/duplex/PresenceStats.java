package io.duplex;

/**
 * How many are present on a topic, without the member list.
 *
 * @param connections members (connections)
 * @param users distinct users (anonymous connections count one each)
 *     <p>Threading: immutable.
 */
public record PresenceStats(long connections, long users) {}
