package io.duplex.cli.bench;

import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.cli.PayloadPreview;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of {@code duplex bench} in echo or broadcast mode.
 *
 * <ul>
 *   <li>{@link Role#ECHO}: keeps up to {@code pipeline} messages in flight; each echo is timed
 *       from the stamp it carries and, in closed loop, replaced at once by a new message.
 *   <li>{@link Role#PUBLISHER}: connection 0 of a broadcast run: publishes (closed loop: up to
 *       {@code pipeline} of its own copies outstanding) and receives like every member.
 *   <li>{@link Role#MEMBER}: receives every broadcast and times it from its stamp.
 * </ul>
 *
 * <p>In open loop (a rate) the {@link BenchPacer} sends at the intended times and the stamp is the
 * intended time, so a server that falls behind shows as latency (no coordinated omission).
 *
 * <p>Threading: callbacks run on the connection's event loop; {@link #inFlight()} and the pacer's
 * {@link #send(BenchPayload.Sender, long)} may be used from another thread.
 */
final class BenchPeer implements WebSocketHandler {
    /** What this connection does. */
    enum Role {
        ECHO,
        PUBLISHER,
        MEMBER
    }

    private final BenchContext context;
    private final BenchPayload payload;
    private final Role role;
    private final int pipeline;
    private final boolean openLoop;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean finishing;
    private LoopStats stats;
    private BenchPayload.Sender sender;
    private boolean started;

    BenchPeer(BenchContext context, BenchPayload payload, Role role, int pipeline, boolean openLoop) {
        this.context = context;
        this.payload = payload;
        this.role = role;
        this.pipeline = pipeline == 0 ? Integer.MAX_VALUE : pipeline;
        this.openLoop = openLoop;
    }

    CompletableFuture<WebSocket> opened() {
        return opened;
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The run is over: a close from now on is expected, not an error. */
    void finish() {
        finishing = true;
    }

    @Override
    public void onOpen(WebSocket ws) {
        stats = context.stats();
        sender = payload.sender();
        opened.complete(ws);
        if (role == Role.ECHO && !openLoop) {
            fill(ws);
        }
    }

    /** Broadcast: the publisher starts on the Pong of a Ping the run sends once every member is in. */
    @Override
    public void onPong(WebSocket ws, ByteBuffer data) {
        if (role == Role.PUBLISHER && !openLoop && !started) {
            started = true;
            fill(ws);
        }
    }

    private void fill(WebSocket ws) {
        while (inFlight.get() < pipeline && context.sending()) {
            send(sender, context.now(), ws);
        }
    }

    /** Sends one message stamped {@code stamp} (the pacer's intended time); false if it was dropped. */
    boolean send(BenchPayload.Sender with, long stamp) {
        WebSocket ws = opened.getNow(null);
        return ws != null && send(with, stamp, ws);
    }

    private boolean send(BenchPayload.Sender with, long stamp, WebSocket ws) {
        inFlight.incrementAndGet();
        if (with.send(ws, stamp) == SendResult.DROPPED) {
            inFlight.decrementAndGet();
            if (!finishing) {
                context.error("a send was dropped (connection closed or over its outbound limit)");
            }
            return false;
        }
        if (role == Role.PUBLISHER && context.inWindow(stamp)) {
            context.published();
        }
        return true;
    }

    @Override
    public void onText(WebSocket ws, String text) {
        received(ws, payload.stamp(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        received(ws, payload.stamp(data));
    }

    private void received(WebSocket ws, long stamp) {
        long now = context.now();
        if (stamp == BenchPayload.INVALID || stamp > now) {
            context.error(
                    "a message that was not what was sent (type, size, stamp" + " or, with --verify, content differ)");
            stats.receipt();
        } else if (context.inWindow(now)) {
            stats.measure(now - stamp, payload.size);
        } else {
            stats.receipt();
        }
        if (role == Role.MEMBER) {
            return;
        }
        inFlight.decrementAndGet();
        if (!openLoop && context.sending()) {
            send(sender, now, ws);
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        if (!finishing) {
            context.error("a connection closed during the run: " + PayloadPreview.close(code, reason)
                    + (wasClean ? "" : " (no close handshake)"));
        }
        closed.complete(null);
    }
}
