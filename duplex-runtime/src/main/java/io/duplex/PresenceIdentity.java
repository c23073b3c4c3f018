package io.duplex;

/**
 * Who a connection is, for presence: the server application decides (typically from what its
 * {@link Upgrader} attached to the socket after authentication), never the client unless the
 * application chooses to trust it.
 *
 * <p>Threading: called on the socket's event loop or the handler executor; must not block.
 */
@FunctionalInterface
public interface PresenceIdentity {
    /** The user id and info of {@code ws}; {@link Identity#anonymous()} when it has none. */
    Identity identify(WebSocket ws);

    /**
     * @param userId the user; connections of one user count as one in user-level events and stats
     * @param info small data shown to others (at most the topic's {@link PresenceOptions#maxInfoBytes()})
     *     <p>Threading: immutable.
     */
    record Identity(String userId, String info) {
        public Identity {
            java.util.Objects.requireNonNull(userId, "userId");
            java.util.Objects.requireNonNull(info, "info");
        }

        /** No user: each connection is a user of its own (its client id). */
        public static Identity anonymous() {
            return new Identity("", "");
        }
    }

    /** Every connection anonymous (the default). */
    static PresenceIdentity anonymous() {
        return ws -> Identity.anonymous();
    }
}
