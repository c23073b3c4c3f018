package io.duplex.socketio;

import java.util.List;

/**
 * Receives one event of a socket: its arguments (maps, lists, strings, numbers, booleans, null,
 * {@code byte[]} for binary) and, when the client asked for one, the acknowledgement to answer.
 *
 * <p>Threading: called on the socket's session queue, one event at a time, in order; it must not
 * block (hand long work to an executor and answer the ack from there).
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * @param ack the client's acknowledgement callback, or {@code null} when it asked for none
     */
    void onEvent(List<Object> args, Ack ack);
}
