package io.duplex;

import java.util.Objects;

/**
 * One connection present on a topic.
 *
 * @param clientId unique per connection and topic across every node (made by the runtime)
 * @param userId who the application says the connection is (see {@link PresenceIdentity}); two tabs
 *     of one person share it
 * @param info small application data about the connection (e.g. a display name as JSON), at most
 *     {@link PresenceOptions#maxInfoBytes()} UTF-8 bytes; empty when none
 *     <p>Threading: immutable.
 */
public record Member(String clientId, String userId, String info) {
    public Member {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(info, "info");
    }
}
