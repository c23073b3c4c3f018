package io.duplex.topics.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.duplex.HistoryQuery;
import io.duplex.Position;

/**
 * Writes the client's requests (docs/topics-protocol.md, "Client → server"), each with the integer
 * {@code id} its reply will carry.
 *
 * <p>Threading: stateless.
 */
final class ClientRequests {
    private ClientRequests() {}

    static String subscribe(long id, String topic, Position since, boolean presence) {
        ObjectNode m = request("subscribe", id, topic);
        if (since != null) {
            m.set("since", position(since));
        }
        if (presence) {
            m.put("presence", true);
        }
        return write(m);
    }

    static String presence(long id, String topic, String cursor, int limit) {
        ObjectNode m = request("presence", id, topic);
        if (cursor != null) {
            m.put("cursor", cursor);
        }
        m.put("limit", limit);
        return write(m);
    }

    static String presenceStats(long id, String topic) {
        return write(request("presence_stats", id, topic));
    }

    static String unsubscribe(long id, String topic) {
        return write(request("unsubscribe", id, topic));
    }

    static String publish(long id, String topic, Object data) {
        ObjectNode m = request("publish", id, topic);
        m.set("data", ServerMessages.JSON.valueToTree(data));
        return write(m);
    }

    static String history(long id, String topic, HistoryQuery query) {
        ObjectNode m = request("history", id, topic);
        if (query.since() != null) {
            m.set("since", position(query.since()));
        }
        m.put("limit", query.limit());
        m.put("reverse", query.newestFirst());
        return write(m);
    }

    static String ping(long id) {
        ObjectNode m = ServerMessages.JSON.createObjectNode();
        m.put("type", "ping");
        m.put("id", id);
        return write(m);
    }

    private static ObjectNode request(String type, long id, String topic) {
        ObjectNode m = ServerMessages.JSON.createObjectNode();
        m.put("type", type);
        m.put("id", id);
        m.put("topic", topic);
        return m;
    }

    private static ObjectNode position(Position p) {
        ObjectNode node = ServerMessages.JSON.createObjectNode();
        node.put("epoch", p.epoch());
        node.put("offset", p.offset());
        return node;
    }

    private static String write(ObjectNode message) {
        try {
            return ServerMessages.JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + message.get("type") + " request", e);
        }
    }
}
