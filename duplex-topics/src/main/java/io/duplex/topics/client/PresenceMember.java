package io.duplex.topics.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One connection present on a topic, as a {@link TopicsClient} receives it (docs/topics-protocol.md,
 * "Presence").
 *
 * @param client the connection's id on that topic (unique across the server's nodes)
 * @param user who the server says the connection is; two tabs of one person share it (an anonymous
 *     connection's user is its client id)
 * @param info what the server tells others about the connection, as JSON ({@code NullNode} when
 *     none)
 *     <p>Threading: immutable (do not modify {@code info}).
 */
public record PresenceMember(String client, String user, JsonNode info) {
    public PresenceMember {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(info, "info");
    }
}
