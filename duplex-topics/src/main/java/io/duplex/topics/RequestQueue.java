package io.duplex.topics;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One connection's requests, answered one at a time in arrival order: the protocol promises
 * replies in request order, and a subscribe's answer comes from the event loop later (after the
 * engine's read), so the next request waits for it. A publish counts as answered once it is handed
 * to the engine (its acknowledgement may come later, as the protocol allows). Requests that arrive
 * meanwhile wait here, at most {@link #MAX_WAITING}: a client that sends faster than its requests
 * are answered, without reading, is refused as a slow consumer is.
 *
 * <p>Threading: thread-safe: requests are offered by the handler's thread and resumed by whichever
 * thread completes the previous one; one request is processed at a time.
 */
final class RequestQueue {
    /** Requests that may wait for their turn on one connection. */
    static final int MAX_WAITING = 1024;

    private final Function<Request, CompletionStage<?>> process;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private boolean busy; // guarded by this
    private boolean closed; // guarded by this

    RequestQueue(Function<Request, CompletionStage<?>> process) {
        this.process = process;
    }

    /** Processes {@code r} now or after those before it; false when too many are waiting. */
    boolean offer(Request r) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (busy) {
                if (waiting.size() >= MAX_WAITING) {
                    return false;
                }
                waiting.add(r);
                return true;
            }
            busy = true;
        }
        run(r);
        return true;
    }

    /** Drops what waits; nothing more is processed (the connection closed). */
    synchronized void close() {
        closed = true;
        waiting.clear();
    }

    /** Processes requests while they complete at once; resumes on completion otherwise. */
    private void run(Request first) {
        Request r = first;
        while (r != null) {
            CompletableFuture<?> done = process.apply(r).toCompletableFuture();
            if (!done.isDone()) {
                done.whenComplete((v, e) -> {
                    Request next = next();
                    if (next != null) {
                        run(next);
                    }
                });
                return;
            }
            r = next();
        }
    }

    private synchronized Request next() {
        Request r = closed ? null : waiting.poll();
        busy = r != null;
        return r;
    }
}
