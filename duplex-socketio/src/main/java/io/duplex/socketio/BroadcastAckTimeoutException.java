package io.duplex.socketio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A broadcast with acknowledgements ({@link BroadcastOperator#emitWithAck}) timed out before every
 * client that received it answered (as the reference server: "operation has timed out"); carries
 * the responses that came in time, from every node.
 *
 * <p>Threading: immutable.
 */
public final class BroadcastAckTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final transient List<Object> responses;
    private final int expected;

    BroadcastAckTimeoutException(List<Object> responses, int expected) {
        super("operation has timed out");
        this.responses = Collections.unmodifiableList(new ArrayList<>(responses)); // may hold null
        this.expected = expected;
    }

    /** The responses that came in time, in the order they came (each client's first ack argument). */
    public List<Object> responses() {
        return responses;
    }

    /**
     * How many clients received the event and were waited for, as known at the timeout: this
     * node's targets plus the targets each other node reported in time (across nodes, a node
     * whose count had not come is not in it).
     */
    public int expected() {
        return expected;
    }
}
