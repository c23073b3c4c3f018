package io.duplex.topics;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import io.duplex.StreamError;

/**
 * One client message of the topics protocol, parsed and checked against the protocol's grammar
 * (not yet against the server's state or the application's policy), or the refusal it earned.
 *
 * <p>Threading: immutable.
 */
sealed interface Request {
    /** The client's id, echoed in the reply (an integer or a short string node), or null. */
    JsonNode id();

    /** @param presence whether the subscription asks for the topic's join and leave events */
    record Subscribe(JsonNode id, String topic, Position since, boolean presence) implements Request {}

    record Unsubscribe(JsonNode id, String topic) implements Request {}

    /** @param data the data member as compact JSON text, stored as the publication's payload */
    record Publish(JsonNode id, String topic, String data) implements Request {}

    record ReadHistory(JsonNode id, String topic, Position since, int limit, boolean reverse) implements Request {}

    /** @param cursor null for the first page, else the previous page's */
    record ReadPresence(JsonNode id, String topic, String cursor, int limit) implements Request {}

    record ReadPresenceStats(JsonNode id, String topic) implements Request {}

    record Ping(JsonNode id) implements Request {}

    /** A message refused by its grammar: answered with an error, nothing else happens. */
    record Refused(JsonNode id, StreamError error, String message) implements Request {}
}
