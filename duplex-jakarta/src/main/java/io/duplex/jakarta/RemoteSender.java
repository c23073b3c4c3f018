package io.duplex.jakarta;

import io.duplex.SendResult;
import io.duplex.WebSocket;
import jakarta.websocket.EncodeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The sending half of a session, shared by its basic and async remotes: encoding, batching and
 * the wait of blocking sends.
 *
 * <p>Batching ({@code RemoteEndpoint.setBatchingAllowed}) keeps whole messages here until {@code
 * flushBatch} (or until batching is turned off, or {@value #BATCH_LIMIT} bytes are held), then hands
 * them to the socket one after another: the runtime takes hand-overs from one thread in order and
 * corks what one loop pass writes, so a flushed batch leaves in as few writes as the outbound
 * buffer allows.
 *
 * <p>Threading: safe from any thread; messages sent from one thread keep their order. A blocking
 * wait on the connection's event loop would never end (the loop writes after the callback
 * returns), so it throws {@link IllegalStateException} there instead.
 */
final class RemoteSender {
    /** Bytes a batch may hold before it is flushed anyway (the outbound limit bounds the rest). */
    static final int BATCH_LIMIT = 64 * 1024;

    private record Pending(EncoderSet.Encoded message, CompletableFuture<Void> done) {}

    private final WebSocket ws;
    private final EncoderSet encoders;
    private final Runnable activity;
    // Guarded by this.
    private boolean batching;
    private final List<Pending> batch = new ArrayList<>();
    private long batchBytes;
    /** The native type of the partial message being sent, or null (RemoteEndpoint.Basic javadoc). */
    private NativeType partial;

    private volatile long sendTimeoutMillis;

    RemoteSender(WebSocket ws, EncoderSet encoders, Runnable activity, long sendTimeoutMillis) {
        this.ws = ws;
        this.encoders = encoders;
        this.activity = activity;
        this.sendTimeoutMillis = sendTimeoutMillis;
    }

    long sendTimeout() {
        return sendTimeoutMillis;
    }

    void sendTimeout(long millis) {
        this.sendTimeoutMillis = millis;
    }

    EncoderSet.Encoded encode(Object o) throws EncodeException, IOException {
        return encoders.encode(o);
    }

    /** Sends (or batches) a whole message; completes when it was written to the socket. */
    CompletableFuture<Void> send(EncoderSet.Encoded message) {
        activity.run();
        synchronized (this) {
            if (partial != null) {
                // RemoteEndpoint.Basic: a whole message while a partial one is under way is refused.
                throw new IllegalStateException("a partial " + partial + " message is being sent");
            }
            if (batching) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                batch.add(new Pending(message, done));
                batchBytes += size(message);
                if (batchBytes >= BATCH_LIMIT) {
                    flushLocked();
                }
                return done;
            }
        }
        return write(message);
    }

    private CompletableFuture<Void> write(EncoderSet.Encoded message) {
        CompletableFuture<Void> f = message instanceof EncoderSet.Encoded.Text t
                ? ws.sendAsync(t.text())
                : ws.sendAsync(((EncoderSet.Encoded.Binary) message).data());
        long timeout = sendTimeoutMillis;
        // RemoteEndpoint.Async.setSendTimeout: a send not done in time fails with the timeout.
        return timeout > 0 ? f.orTimeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS) : f;
    }

    /** One part of a text or binary message (RemoteEndpoint.Basic.sendText/sendBinary(…, isLast)). */
    void sendPart(ByteBuffer data, NativeType type, boolean last) throws IOException {
        activity.run();
        SendResult result;
        synchronized (this) {
            if (partial != null && partial != type) {
                throw new IllegalStateException("a partial " + partial + " message is being sent");
            }
            flushLocked();
            partial = last ? null : type;
            result = ws.sendFragment(data, type == NativeType.TEXT, last);
        }
        if (result == SendResult.DROPPED) {
            throw new IOException("message part dropped: the session is closed or over its outbound limit");
        }
    }

    void sendPart(String text, boolean last) throws IOException {
        sendPart(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), NativeType.TEXT, last);
    }

    /**
     * A blocking send: returns once written, or at once when batching (the message then waits for
     * {@code flushBatch}, and waiting for it here would wait forever).
     */
    void sendAndWait(EncoderSet.Encoded message) throws IOException {
        if (!batching()) {
            requireNotOnLoop();
        }
        CompletableFuture<Void> sent = send(message);
        if (!batching()) {
            await(sent);
        }
    }

    /** Waits for a send: the blocking half of {@code RemoteEndpoint.Basic}. */
    void await(CompletableFuture<Void> sent) throws IOException {
        if (!sent.isDone()) {
            requireNotOnLoop();
        }
        try {
            sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        } catch (ExecutionException | CancellationException e) {
            throw new IOException("send failed: " + (e.getCause() != null ? e.getCause() : e).getMessage(), e);
        }
    }

    /** Fails fast where a blocking send could never complete (nothing is sent then). */
    private void requireNotOnLoop() {
        if (ws.inEventLoop()) {
            throw new IllegalStateException(
                    "blocking send on the event loop would never complete: run endpoints on a handler executor"
                            + " (JakartaServer does by default) or use getAsyncRemote()");
        }
    }

    synchronized boolean batching() {
        return batching;
    }

    void batching(boolean allowed) {
        synchronized (this) {
            batching = allowed;
            if (!allowed) {
                // RemoteEndpoint.setBatchingAllowed(false): what was batched is flushed.
                flushLocked();
            }
        }
    }

    synchronized void flush() {
        flushLocked();
    }

    private void flushLocked() {
        for (Pending p : batch) {
            write(p.message).whenComplete((v, t) -> {
                if (t == null) {
                    p.done.complete(null);
                } else {
                    p.done.completeExceptionally(t);
                }
            });
        }
        batch.clear();
        batchBytes = 0;
    }

    private static long size(EncoderSet.Encoded message) {
        return message instanceof EncoderSet.Encoded.Text t
                ? t.text().length()
                : ((EncoderSet.Encoded.Binary) message).data().remaining();
    }

    void ping(ByteBuffer data) throws IOException {
        checkControl(data);
        if (ws.ping(data) == SendResult.DROPPED) {
            throw new IOException("ping dropped: the session is closed");
        }
    }

    void pong(ByteBuffer data) throws IOException {
        checkControl(data);
        if (ws.pong(data) == SendResult.DROPPED) {
            throw new IOException("pong dropped: the session is closed");
        }
    }

    private static void checkControl(ByteBuffer data) {
        // RemoteEndpoint.sendPing/sendPong: more than 125 bytes is an IllegalArgumentException.
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("control frame payload over 125 bytes (RFC 6455 §5.5)");
        }
    }
}
