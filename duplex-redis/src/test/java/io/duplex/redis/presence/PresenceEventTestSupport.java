package io.duplex.redis.presence;

import io.duplex.PresenceEvent;

/** How tests write an event in one line. Threading: stateless. */
final class PresenceEventTestSupport {
    private PresenceEventTestSupport() {}

    static String describe(PresenceEvent e) {
        return (e.joined() ? "join " : "leave ") + e.member().clientId() + " "
                + e.member().userId() + " " + e.member().info() + (e.user() ? " user" : "");
    }
}
