package io.duplex.socketio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The requesting node's state of one broadcast with acknowledgements: the answers so far (each
 * client's first ack argument, in the order they came), the nodes that reported their number of
 * targets, and how many nodes must report. As the reference's {@code BroadcastOperator
 * .emitWithAck}: it completes once the number of nodes is known, that many reported, and the
 * answers equal the sum of the reported counts; {@link #timeout} fails it with a {@link
 * BroadcastAckTimeoutException} carrying the answers so far and the sum of the counts so far.
 *
 * <p>"That many reported" is {@code reported >= nodes}, not the reference's {@code ==}: a node
 * reports only if it received the request, and the count of nodes is asked after the request was
 * published, so more reports than nodes means one received it and unsubscribed before the count:
 * its report is as good as any, and waiting for one more would only end in a timeout.
 *
 * <p>Threading: safe from any thread (its own lock); the result is completed outside the lock, on
 * the thread that brought the last piece (a client's session queue, the broker's delivering
 * thread, the engine's timer thread).
 */
final class AckCollector {
    private final CompletableFuture<List<Object>> result = new CompletableFuture<>();
    private final List<Object> answers = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();
    private int nodes = -1;
    private int expected;
    private boolean done;

    CompletableFuture<List<Object>> result() {
        return result;
    }

    /** How many nodes must report (the broker's count of the request topic's nodes). */
    void nodes(int n) {
        List<Object> complete;
        synchronized (this) {
            nodes = n;
            complete = completeIfDone();
        }
        finish(complete);
    }

    /** A node's number of targets (once per node). */
    void count(String node, int n) {
        List<Object> complete;
        synchronized (this) {
            if (!reported.add(node)) {
                return;
            }
            expected += n;
            complete = completeIfDone();
        }
        finish(complete);
    }

    /** A client's answer. */
    void answer(Object value) {
        List<Object> complete;
        synchronized (this) {
            if (done) {
                return;
            }
            answers.add(value);
            complete = completeIfDone();
        }
        finish(complete);
    }

    /** The time is up: fails with the answers so far, unless it completed. */
    void timeout() {
        BroadcastAckTimeoutException failure;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            failure = new BroadcastAckTimeoutException(answers, expected);
        }
        result.completeExceptionally(failure);
    }

    /** Ends it with {@code failure} (the server closes), unless it completed. */
    void fail(Throwable failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        result.completeExceptionally(failure);
    }

    /** Under the lock: the answers to complete with when everything came, else null. */
    private List<Object> completeIfDone() {
        if (done || nodes < 0 || reported.size() < nodes || answers.size() != expected) {
            return null;
        }
        done = true;
        return Collections.unmodifiableList(new ArrayList<>(answers));
    }

    private void finish(List<Object> complete) {
        if (complete != null) {
            result.complete(complete);
        }
    }
}
