package io.duplex.examples.socketio;

import java.util.List;

/**
 * What the Socket.IO chat sends to pages: events' arguments and acknowledgements, as records
 * Jackson writes as JSON objects (duplex-socketio serialises whatever it is given with Jackson),
 * so no JSON is written by hand.
 *
 * <p>Threading: immutable values.
 */
final class Wire {
    private Wire() {}

    /**
     * One stored chat message: what the sender's ack, the room's {@code message} event and a
     * join's history carry.
     *
     * @param id increasing across the server, so a page orders and de-duplicates by it
     * @param time when the server stored it, in milliseconds since the epoch
     */
    record Message(long id, String room, String nick, String text, long time) {}

    /** The ack of an accepted {@code message}: the message as stored. */
    record Sent(Message message) {}

    /** The ack of a {@code join}: the room's member count and its recent messages, oldest first. */
    record Joined(String room, int members, List<Message> history) {}

    /** The {@code members} event: how many sockets are in {@code room} now. */
    record Members(String room, int count) {}

    /** The {@code typing} event, to the others in the room. */
    record Typing(String nick) {}

    /** The ack of a refused request: what the page shows. */
    record Failure(String error) {}

    /**
     * The {@code data} of a refused connection (the page reads it from its {@code connect_error}).
     *
     * @param problem {@code empty}, {@code too-long} or {@code control-characters}
     */
    record Refusal(String field, String problem, int maxLength) {}
}
