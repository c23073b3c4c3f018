package io.duplex.socketio;

import io.duplex.socketio.engine.EngineBatch;
import io.duplex.socketio.engine.EnginePacket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One node's part of a broadcast with acknowledgements: its targets (this node's sockets of the
 * namespace in the rooms, none in the {@code except} rooms), the event encoded once under one ack
 * id of the namespace (shared by its sockets' emits, as the reference) and each client's first
 * ack argument handed on. A client that disconnects before answering is simply missing, as with
 * the reference (its ack never comes; the broadcast times out). {@link #forget} drops the waits
 * still open (at the timeout, or when the broadcast completed).
 *
 * <p>Threading: safe from any thread; answers are handed on on each client's session queue.
 */
final class LocalAcks {
    private final List<SioSocket> targets;
    private final long ackId;
    private final EngineBatch batch;
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    private LocalAcks(List<SioSocket> targets, long ackId, EngineBatch batch) {
        this.targets = targets;
        this.ackId = ackId;
        this.batch = batch;
    }

    /**
     * Finds the targets, encodes the event under a new ack id ({@code encode}, before anything is
     * registered, so an argument that cannot be encoded leaves nothing behind) and waits for each
     * target's ack; {@link #send} sends it.
     */
    static LocalAcks expect(
            Namespace nsp,
            Set<String> rooms,
            Set<String> except,
            LongFunction<List<EnginePacket>> encode,
            Consumer<Object> onAnswer) {
        List<SioSocket> targets = List.copyOf(nsp.targets(rooms, except));
        if (targets.isEmpty()) {
            LocalAcks none = new LocalAcks(targets, -1, null);
            none.settled.complete(null);
            return none;
        }
        long ackId = nsp.nextAckId();
        LocalAcks acks = new LocalAcks(targets, ackId, new EngineBatch(encode.apply(ackId)));
        AtomicInteger open = new AtomicInteger(targets.size());
        for (SioSocket s : targets) {
            s.expectAck(ackId).whenComplete((answer, disconnected) -> {
                if (disconnected == null) {
                    onAnswer.accept(answer.isEmpty() ? null : answer.get(0));
                }
                if (open.decrementAndGet() == 0) {
                    acks.settled.complete(null);
                }
            });
        }
        return acks;
    }

    /** The number of targets. */
    int count() {
        return targets.size();
    }

    /** Sends the event to every target. */
    void send() {
        for (SioSocket s : targets) {
            s.sendShared(batch);
        }
    }

    /** Completes when every target answered or disconnected (not after {@link #forget}). */
    CompletableFuture<Void> settled() {
        return settled;
    }

    /** Stops waiting for the acks not yet come. */
    void forget() {
        for (SioSocket s : targets) {
            s.dropAck(ackId);
        }
    }
}
