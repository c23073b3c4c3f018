package io.duplex.socketio;

import java.util.List;

/**
 * Receives every event of a socket with its name ({@link SioSocket#onAny}).
 *
 * <p>Threading: as {@link EventHandler}: on the socket's session queue, in order, never blocking.
 */
@FunctionalInterface
public interface AnyEventHandler {
    /** @param ack the client's acknowledgement callback, or {@code null} */
    void onEvent(String event, List<Object> args, Ack ack);
}
