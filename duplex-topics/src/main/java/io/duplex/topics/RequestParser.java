package io.duplex.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.PresencePage;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.Streams;

/**
 * Reads one text message of the topics protocol into a {@link Request}: JSON within {@link
 * JsonLimits}, one object, a known {@code type}, every listed member present (unless optional) and
 * of its type. Unlisted members are ignored, so newer clients may send more. An optional member
 * given as {@code null} counts as absent; {@code data}, any JSON value, may be {@code null}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class RequestParser {
    /** The longest string id a client may use. */
    static final int MAX_ID_LENGTH = 64;
    /** The page size of a history request that gives none. */
    static final int DEFAULT_LIMIT = 100;
    /** The page size of a presence request that gives none. */
    static final int DEFAULT_PRESENCE_LIMIT = 100;
    /** The longest presence cursor a client may send back (engines hand out much shorter ones). */
    static final int MAX_CURSOR_LENGTH = 1024;

    private RequestParser() {}

    /** The request {@code text} holds, or the refusal it earns; never throws for bad input. */
    static Request parse(String text) {
        JsonNode tree;
        try {
            tree = JsonLimits.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // The original message names the problem and where, without echoing the input.
            return new Request.Refused(null, StreamError.BAD_MESSAGE, "not JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode message)) {
            return new Request.Refused(null, StreamError.BAD_MESSAGE, "a message must be one JSON object");
        }
        JsonNode id = message.get("id");
        if (id != null && id.isNull()) {
            id = null;
        }
        if (id != null
                && !(id.isIntegralNumber() && id.canConvertToLong()
                        || id.isTextual() && id.textValue().length() <= MAX_ID_LENGTH)) {
            return new Request.Refused(
                    null,
                    StreamError.BAD_MESSAGE,
                    "id must be an integer or a string of at most " + MAX_ID_LENGTH + " characters");
        }
        try {
            return request(message, id);
        } catch (StreamException e) {
            return new Request.Refused(id, e.error(), e.getMessage());
        }
    }

    private static Request request(ObjectNode m, JsonNode id) {
        JsonNode type = m.get("type");
        if (type == null || !type.isTextual()) {
            throw bad("type must be a string");
        }
        return switch (type.textValue()) {
            case "subscribe" -> new Request.Subscribe(id, topic(m), position(m, "since"), bool(m, "presence"));
            case "unsubscribe" -> new Request.Unsubscribe(id, topic(m));
            case "publish" -> new Request.Publish(id, topic(m), data(m));
            case "history" -> new Request.ReadHistory(id, topic(m), position(m, "since"), limit(m), bool(m, "reverse"));
            case "presence" -> new Request.ReadPresence(id, topic(m), cursor(m), presenceLimit(m));
            case "presence_stats" -> new Request.ReadPresenceStats(id, topic(m));
            case "ping" -> new Request.Ping(id);
            default ->
                throw bad("unknown type; use subscribe, unsubscribe, publish, history, presence, presence_stats"
                        + " or ping");
        };
    }

    private static String topic(ObjectNode m) {
        JsonNode topic = m.get("topic");
        if (topic == null || !topic.isTextual()) {
            throw bad("topic must be a string");
        }
        Streams.checkTopic(topic.textValue()); // BAD_TOPIC
        return topic.textValue();
    }

    /**
     * An optional position. Anything wrong inside the object is BAD_POSITION (malformed position);
     * a member that is not an object at all is BAD_MESSAGE, as for every ill-typed member.
     */
    private static Position position(ObjectNode m, String name) {
        JsonNode p = optional(m, name);
        if (p == null) {
            return null;
        }
        if (!p.isObject()) {
            throw bad(name + " must be a position object");
        }
        JsonNode epoch = p.get("epoch");
        JsonNode offset = p.get("offset");
        if (epoch == null || !epoch.isTextual() || !Position.validEpoch(epoch.textValue())) {
            throw new StreamException(
                    StreamError.BAD_POSITION,
                    "epoch must be 1-" + Position.MAX_EPOCH_LENGTH + " characters of [A-Za-z0-9_-]");
        }
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong() || offset.longValue() < 0) {
            throw new StreamException(StreamError.BAD_POSITION, "offset must be an integer >= 0");
        }
        return new Position(epoch.textValue(), offset.longValue());
    }

    private static int limit(ObjectNode m) {
        JsonNode limit = optional(m, "limit");
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (!limit.isIntegralNumber()) {
            throw bad("limit must be an integer");
        }
        if (!limit.canConvertToInt() || limit.intValue() < 0 || limit.intValue() > HistoryQuery.MAX_LIMIT) {
            throw new StreamException(StreamError.BAD_REQUEST, "limit must be 0-" + HistoryQuery.MAX_LIMIT);
        }
        return limit.intValue();
    }

    /** A presence page size: 1 to {@link PresencePage#MAX_LIMIT} (a page of none would never end). */
    private static int presenceLimit(ObjectNode m) {
        JsonNode limit = optional(m, "limit");
        if (limit == null) {
            return DEFAULT_PRESENCE_LIMIT;
        }
        if (!limit.isIntegralNumber()) {
            throw bad("limit must be an integer");
        }
        if (!limit.canConvertToInt() || limit.intValue() < 1 || limit.intValue() > PresencePage.MAX_LIMIT) {
            throw new StreamException(StreamError.BAD_REQUEST, "limit must be 1-" + PresencePage.MAX_LIMIT);
        }
        return limit.intValue();
    }

    /** An optional presence cursor: opaque, handed back as the server gave it. */
    private static String cursor(ObjectNode m) {
        JsonNode cursor = optional(m, "cursor");
        if (cursor == null) {
            return null;
        }
        if (!cursor.isTextual()) {
            throw bad("cursor must be a string");
        }
        if (cursor.textValue().isEmpty() || cursor.textValue().length() > MAX_CURSOR_LENGTH) {
            throw new StreamException(
                    StreamError.BAD_REQUEST, "cursor must be 1-" + MAX_CURSOR_LENGTH + " characters, as sent");
        }
        return cursor.textValue();
    }

    /** An optional boolean member, false when absent. */
    private static boolean bool(ObjectNode m, String name) {
        JsonNode value = optional(m, name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw bad(name + " must be a boolean");
        }
        return value.booleanValue();
    }

    private static String data(ObjectNode m) {
        JsonNode data = m.get("data");
        if (data == null) {
            throw bad("publish needs data (any JSON value)");
        }
        try {
            return JsonLimits.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            // A tree read within the limits always writes; kept as a refusal rather than a crash.
            throw bad("data cannot be stored: " + e.getOriginalMessage());
        }
    }

    private static JsonNode optional(ObjectNode m, String name) {
        JsonNode value = m.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static StreamException bad(String message) {
        return new StreamException(StreamError.BAD_MESSAGE, message);
    }
}
