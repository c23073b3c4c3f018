package io.duplex.topics;

import io.duplex.WebSocket;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * The application's say over who may do what on which topic: asked before every subscribe,
 * history read, presence read and publish of the topics protocol; a refusal is answered with error {@code
 * FORBIDDEN} and nothing else happens (the connection stays open). The socket's {@link
 * WebSocket#attachment()} is where an {@code Upgrader} left the client's identity.
 *
 * <pre>{@code
 * TopicsPolicy policy = TopicsPolicy.of(
 *         (ws, topic) -> true,                                    // anyone may read
 *         (ws, topic) -> topic.startsWith("user." + ws.attachment() + "."));  // write your own
 * }</pre>
 *
 * <p>Threading: called on the socket's event loop (or its handler executor), concurrently for
 * different sockets; must be thread-safe and must not block.
 */
@FunctionalInterface
public interface TopicsPolicy {

    /** What a socket asks to do with a topic. */
    enum Access {
        /** Subscribe to the topic, or read its history or presence (members, stats). */
        READ,
        /** Publish on the topic. */
        PUBLISH
    }

    /** Whether {@code ws} may have {@code access} to {@code topic} (a name of valid grammar). */
    boolean allows(WebSocket ws, Access access, String topic);

    /** Everything allowed (the default). */
    static TopicsPolicy allowAll() {
        return (ws, access, topic) -> true;
    }

    /** One rule for reading (subscribe, history) and one for publishing. */
    static TopicsPolicy of(BiPredicate<WebSocket, String> mayRead, BiPredicate<WebSocket, String> mayPublish) {
        Objects.requireNonNull(mayRead, "mayRead");
        Objects.requireNonNull(mayPublish, "mayPublish");
        return (ws, access, topic) -> switch (access) {
            case READ -> mayRead.test(ws, topic);
            case PUBLISH -> mayPublish.test(ws, topic);
        };
    }
}
