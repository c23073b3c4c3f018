package io.duplex.topics.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import java.util.List;

/**
 * A message the server sends, as the client reads it (docs/topics-protocol.md, "Server → client").
 * Members the client does not use are not kept. Decoded by {@link ServerMessages}.
 *
 * <p>Threading: immutable.
 */
sealed interface ServerMessage {
    /** The request id the reply carries, or null (publications and unsolicited errors have none). */
    default Long id() {
        return null;
    }

    /** The answer to a subscribe. */
    record Subscribed(Long id, String topic, boolean recovered, Position position, int replayed)
            implements ServerMessage {}

    /** A publication of a subscribed topic. */
    record Pub(ReceivedPublication publication) implements ServerMessage {}

    /** Publications of a subscribed topic that cannot be delivered; delivery goes on from {@code position}. */
    record Interrupted(String topic, Position position) implements ServerMessage {}

    /** The answer to an unsubscribe. */
    record Unsubscribed(Long id, String topic) implements ServerMessage {}

    /** A publish acknowledgement: the publication is stored at {@code position}. */
    record Published(Long id, String topic, Position position) implements ServerMessage {}

    /** A page of history. */
    record History(Long id, String topic, Position latest, List<ReceivedPublication> publications)
            implements ServerMessage {}

    /** A refused request (or an unreadable message of ours when {@code id} is null). */
    record Error(Long id, int code, String error, String message) implements ServerMessage {}

    /** A join ({@code joined}) or leave event of a subscribed topic. */
    record Presence(String topic, boolean joined, PresenceMember member, boolean user) implements ServerMessage {}

    /** A page of members. */
    record PresencePage(Long id, String topic, List<PresenceMember> members, String cursor) implements ServerMessage {}

    /** Presence counts. */
    record PresenceStats(Long id, String topic, long connections, long users) implements ServerMessage {}

    /** The answer to a ping. */
    record Pong(Long id) implements ServerMessage {}

    /** A message of a type this client does not know (a newer server); ignored. */
    record Unknown(String type, JsonNode raw) implements ServerMessage {}
}
