package io.duplex.topics.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.duplex.Position;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the server's messages (docs/topics-protocol.md). Strict about the members the client
 * relies on, so a server bug shows up as a {@link MalformedMessageException} rather than as a
 * wrong position, and lenient about members it does not know (newer servers may send more).
 *
 * <p>Threading: stateless; the shared {@link ObjectMapper} is thread-safe once configured.
 */
final class ServerMessages {
    static final ObjectMapper JSON = new ObjectMapper();

    private ServerMessages() {}

    /** A message that breaks the protocol's grammar. */
    static final class MalformedMessageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(String message) {
            super(message);
        }
    }

    static ServerMessage parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        String type = text(root, "type");
        Long id = id(root);
        return switch (type) {
            case "subscribed" ->
                new ServerMessage.Subscribed(
                        id,
                        text(root, "topic"),
                        bool(root, "recovered"),
                        position(root.get("position")),
                        root.path("replayed").asInt(0));
            case "pub" -> new ServerMessage.Pub(publication(text(root, "topic"), root));
            case "interrupted" -> new ServerMessage.Interrupted(text(root, "topic"), position(root.get("position")));
            case "unsubscribed" -> new ServerMessage.Unsubscribed(id, text(root, "topic"));
            case "published" -> new ServerMessage.Published(id, text(root, "topic"), position(root.get("position")));
            case "history" -> history(id, root);
            case "error" ->
                new ServerMessage.Error(
                        id,
                        integer(root, "code"),
                        text(root, "error"),
                        root.path("message").asText(""));
            case "join", "leave" ->
                new ServerMessage.Presence(
                        text(root, "topic"), type.equals("join"), member(root.get("member")), bool(root, "user"));
            case "presence" -> presencePage(id, root);
            case "presence_stats" ->
                new ServerMessage.PresenceStats(
                        id, text(root, "topic"), count(root, "connections"), count(root, "users"));
            case "pong" -> new ServerMessage.Pong(id);
            default -> new ServerMessage.Unknown(type, root);
        };
    }

    private static ServerMessage.History history(Long id, JsonNode root) {
        String topic = text(root, "topic");
        JsonNode items = root.get("publications");
        if (items == null || !items.isArray()) {
            throw new MalformedMessageException("history without a publications array");
        }
        List<ReceivedPublication> publications = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            publications.add(publication(topic, item));
        }
        return new ServerMessage.History(id, topic, position(root.get("latest")), publications);
    }

    private static ServerMessage.PresencePage presencePage(Long id, JsonNode root) {
        JsonNode items = root.get("members");
        if (items == null || !items.isArray()) {
            throw new MalformedMessageException("presence without a members array");
        }
        List<PresenceMember> members = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            members.add(member(item));
        }
        JsonNode cursor = root.get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            throw new MalformedMessageException("presence cursor is not a string");
        }
        return new ServerMessage.PresencePage(
                id, text(root, "topic"), members, cursor == null || cursor.isNull() ? null : cursor.asText());
    }

    private static PresenceMember member(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("missing member");
        }
        JsonNode info = node.get("info");
        return new PresenceMember(
                text(node, "client"), text(node, "user"), info == null ? NullNode.getInstance() : info);
    }

    private static long count(JsonNode root, String member) {
        JsonNode node = root.get(member);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw new MalformedMessageException("missing count " + member);
        }
        return node.asLong();
    }

    private static ReceivedPublication publication(String topic, JsonNode node) {
        JsonNode data = node.get("data");
        if (data == null) {
            throw new MalformedMessageException("publication without data");
        }
        if ("base64".equals(node.path("encoding").asText(null))) {
            // A binary payload published through the server's Java API travels as base64 text.
            try {
                data = BinaryNode.valueOf(Base64.getDecoder().decode(data.asText()));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("data is not base64");
            }
        }
        return new ReceivedPublication(
                topic, position(node.get("position")), node.path("time").asLong(0), data);
    }

    static Position position(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("missing position");
        }
        JsonNode epoch = node.get("epoch");
        JsonNode offset = node.get("offset");
        if (epoch == null || !epoch.isTextual() || offset == null || !offset.canConvertToExactIntegral()) {
            throw new MalformedMessageException("malformed position " + node);
        }
        if (!Position.validEpoch(epoch.asText()) || offset.asLong() < 0) {
            throw new MalformedMessageException("malformed position " + node);
        }
        return new Position(epoch.asText(), offset.asLong());
    }

    private static Long id(JsonNode root) {
        JsonNode id = root.get("id");
        // This client only sends integer ids; anything else is not a reply to it.
        return id != null && id.canConvertToExactIntegral() ? id.asLong() : null;
    }

    private static String text(JsonNode root, String member) {
        JsonNode node = root.get(member);
        if (node == null || !node.isTextual()) {
            throw new MalformedMessageException("missing string member " + member);
        }
        return node.asText();
    }

    private static boolean bool(JsonNode root, String member) {
        JsonNode node = root.get(member);
        if (node == null || !node.isBoolean()) {
            throw new MalformedMessageException("missing boolean member " + member);
        }
        return node.asBoolean();
    }

    private static int integer(JsonNode root, String member) {
        JsonNode node = root.get(member);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new MalformedMessageException("missing integer member " + member);
        }
        return node.asInt();
    }
}
