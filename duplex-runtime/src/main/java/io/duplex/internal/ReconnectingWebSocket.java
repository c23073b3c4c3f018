package io.duplex.internal;

import io.duplex.PreparedMessage;
import io.duplex.ReadyState;
import io.duplex.ReconnectHint;
import io.duplex.ReconnectPolicy;
import io.duplex.Scheduler;
import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.frame.WebSocketException;
import io.duplex.handshake.HandshakeException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A client {@link WebSocket} that survives its connections: when one is lost it reconnects with
 * the {@link ReconnectPolicy}'s backoff and the handler keeps seeing this same object. Nothing is
 * silently lost: sends while disconnected return {@link SendResult#DROPPED} (and {@code sendAsync}
 * fails), unless a bounded queue is configured, whose messages go out in order on reconnection.
 *
 * <p>Threading: public methods are safe from any thread; the handler is called in order, on the
 * current connection's loop (or the scheduler's thread for {@code onReconnecting}).
 */
public final class ReconnectingWebSocket implements WebSocket {
    private static final System.Logger LOG = System.getLogger(ReconnectingWebSocket.class.getName());

    private final Function<WebSocketHandler, CompletableFuture<WebSocket>> connector;
    private final WebSocketHandler handler;
    private final ReconnectPolicy policy;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final long queueLimit;
    private final CompletableFuture<WebSocket> first = new CompletableFuture<>();
    private final Adapter adapter;

    // Guarded by this.
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private WebSocket current;
    private int attempt;
    private boolean userClosed;
    private boolean givenUp;
    private boolean opened;
    private Scheduler.Cancellable pending;
    private volatile Object attachment;

    public ReconnectingWebSocket(
            Function<WebSocketHandler, CompletableFuture<WebSocket>> connector,
            WebSocketHandler handler,
            ReconnectPolicy policy,
            Scheduler scheduler,
            RandomGenerator random,
            long queueLimit) {
        this.connector = connector;
        this.handler = handler;
        // Text as bytes only when the handler takes it so (else the engine decodes, as usual).
        this.adapter = TextAsUtf8.wantedBy(handler) ? new Utf8Adapter() : new Adapter();
        this.policy = policy;
        this.scheduler = scheduler;
        this.random = random;
        this.queueLimit = queueLimit;
    }

    /** Starts the first connection; the future completes when it opens or when retrying ends. */
    public CompletableFuture<WebSocket> start() {
        connect();
        return first;
    }

    private void connect() {
        connector.apply(adapter).whenComplete((ws, error) -> {
            if (error != null) {
                onConnectFailed(
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
    }

    private void onConnectFailed(Throwable error) {
        Duration floor = Duration.ZERO;
        boolean retry = true;
        if (error instanceof HandshakeException h) {
            retry = ReconnectPolicy.retriesStatus(h.status());
            floor = retryAfter(h);
        } else if (error instanceof IllegalArgumentException) {
            retry = false;
        }
        synchronized (this) {
            if (userClosed) {
                retry = false;
            }
        }
        if (!retry || !scheduleReconnect(floor)) {
            giveUp(error);
        }
    }

    private static Duration retryAfter(HandshakeException h) {
        String value = h.headers().first("Retry-After");
        if (value != null) {
            try {
                long seconds = Long.parseLong(value.trim());
                if (seconds >= 0 && seconds <= 3600) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // An HTTP date: ignore it and use the backoff.
            }
        }
        return Duration.ZERO;
    }

    /** Schedules the next attempt; false when the policy allows no more. */
    private boolean scheduleReconnect(Duration floor) {
        return scheduleReconnect(floor, null);
    }

    /**
     * Schedules the next attempt after the policy's backoff, or, for the first attempt after a
     * close that carried a {@link ReconnectHint}, after a delay drawn from the hint's window (but
     * at least {@code floor}); false when the policy allows no more.
     */
    private boolean scheduleReconnect(Duration floor, ReconnectHint hint) {
        int n;
        Duration delay;
        synchronized (this) {
            if (userClosed) {
                return false;
            }
            n = ++attempt;
            if (!policy.allows(n)) {
                return false;
            }
            if (hint != null && n == 1) {
                Duration hinted = hint.delay(random);
                delay = hinted.compareTo(floor) < 0 ? floor : hinted;
            } else {
                delay = policy.delay(n, floor, random);
            }
            pending = scheduler.schedule(this::connect, delay);
        }
        LOG.log(Level.DEBUG, "reconnecting: attempt {0} in {1} ms", n, delay.toMillis());
        handler.onReconnecting(this, n, delay);
        return true;
    }

    private void giveUp(Throwable error) {
        List<Object> dropped;
        synchronized (this) {
            givenUp = true;
            dropped = List.copyOf(queue);
            queue.clear();
            queuedBytes = 0;
        }
        if (!first.isDone()) {
            first.completeExceptionally(error);
        } else {
            handler.onError(this, error);
        }
        if (!dropped.isEmpty()) {
            LOG.log(Level.WARNING, "gave up reconnecting; {0} queued messages were not sent", dropped.size());
        }
    }

    /** Receives the events of each underlying connection and presents them as this socket's. */
    private class Adapter implements WebSocketHandler {
        @Override
        public void onOpen(WebSocket ws) {
            boolean reconnected;
            synchronized (ReconnectingWebSocket.this) {
                current = ws;
                attempt = 0;
                reconnected = opened;
                opened = true;
                // Queued messages first, in order, before anything the handler sends now.
                while (!queue.isEmpty()) {
                    Object m = queue.poll();
                    if (m instanceof String s) {
                        ws.send(s);
                    } else {
                        ws.send((ByteBuffer) m);
                    }
                }
                queuedBytes = 0;
            }
            if (reconnected) {
                handler.onReconnected(ReconnectingWebSocket.this);
            } else {
                first.complete(ReconnectingWebSocket.this);
                handler.onOpen(ReconnectingWebSocket.this);
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            handler.onText(ReconnectingWebSocket.this, text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            handler.onBinary(ReconnectingWebSocket.this, data);
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer data) {
            handler.onPing(ReconnectingWebSocket.this, data);
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            handler.onPong(ReconnectingWebSocket.this, data);
        }

        @Override
        public void onDrain(WebSocket ws) {
            handler.onDrain(ReconnectingWebSocket.this);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            handler.onError(ReconnectingWebSocket.this, error);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            boolean retry;
            synchronized (ReconnectingWebSocket.this) {
                current = null;
                retry = !userClosed && ReconnectPolicy.retriesClose(code);
            }
            handler.onClose(ReconnectingWebSocket.this, code, reason, wasClean);
            if (retry) {
                Duration floor = code == 1013 ? policy.tryAgainLaterDelay() : Duration.ZERO;
                if (!scheduleReconnect(floor, ReconnectHint.parse(reason))) {
                    giveUp(new WebSocketException("reconnection gave up after " + policy.maxAttempts() + " attempts"));
                }
            } else {
                synchronized (ReconnectingWebSocket.this) {
                    givenUp = true;
                }
            }
        }
    }

    // ------------------------------------------------------------------ WebSocket

    private synchronized WebSocket live() {
        return current != null && current.readyState() == ReadyState.OPEN ? current : null;
    }

    /** The adapter for a handler that takes text as UTF-8 bytes ({@link WebSocketHandler#onTextUtf8}). */
    private final class Utf8Adapter extends Adapter {
        @Override
        public void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
            handler.onTextUtf8(ReconnectingWebSocket.this, utf8);
        }
    }

    /** Whether the caller is the loop of the current connection (none between connections). */
    @Override
    public synchronized boolean inEventLoop() {
        WebSocket ws = current;
        return ws != null && ws.inEventLoop();
    }

    @Override
    public SendResult send(CharSequence text) {
        WebSocket ws = live();
        return ws != null ? ws.send(text) : enqueue(text.toString(), text.length());
    }

    @Override
    public SendResult sendText(ByteBuffer utf8) {
        WebSocket ws = live();
        // Between connections: checked and queued as a String, as send(CharSequence) queues it.
        return ws != null ? ws.sendText(utf8) : WebSocket.super.sendText(utf8);
    }

    @Override
    public SendResult send(ByteBuffer data) {
        WebSocket ws = live();
        if (ws != null) {
            return ws.send(data);
        }
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return enqueue(copy, copy.remaining());
    }

    @Override
    public SendResult send(PreparedMessage message) {
        WebSocket ws = live();
        if (ws != null) {
            return ws.send(message);
        }
        return message.isText()
                ? enqueue(
                        java.nio.charset.StandardCharsets.UTF_8
                                .decode(message.payload())
                                .toString(),
                        message.size())
                : enqueue(message.payload(), message.size());
    }

    private synchronized SendResult enqueue(Object message, long size) {
        if (userClosed || givenUp || queuedBytes + size > queueLimit) {
            return SendResult.DROPPED;
        }
        queue.add(message);
        queuedBytes += size;
        return SendResult.BUFFERED;
    }

    @Override
    public SendResult sendFragment(ByteBuffer data, boolean text, boolean last) {
        WebSocket ws = live();
        // A fragmented message cannot span a reconnection: no queueing.
        return ws != null ? ws.sendFragment(data, text, last) : SendResult.DROPPED;
    }

    @Override
    public CompletableFuture<Void> sendAsync(CharSequence text) {
        WebSocket ws = live();
        return ws != null ? ws.sendAsync(text) : notConnected();
    }

    @Override
    public CompletableFuture<Void> sendAsync(ByteBuffer data) {
        WebSocket ws = live();
        return ws != null ? ws.sendAsync(data) : notConnected();
    }

    private static CompletableFuture<Void> notConnected() {
        return CompletableFuture.failedFuture(new WebSocketException("not connected (reconnecting)"));
    }

    @Override
    public SendResult ping(ByteBuffer data) {
        WebSocket ws = live();
        return ws != null ? ws.ping(data) : SendResult.DROPPED;
    }

    @Override
    public SendResult pong(ByteBuffer data) {
        WebSocket ws = live();
        return ws != null ? ws.pong(data) : SendResult.DROPPED;
    }

    @Override
    public void close(int code, String reason) {
        WebSocket ws;
        synchronized (this) {
            userClosed = true;
            ws = current;
            if (pending != null) {
                pending.cancel();
            }
            queue.clear();
            queuedBytes = 0;
        }
        if (ws != null) {
            ws.close(code, reason);
        }
    }

    @Override
    public void abort() {
        WebSocket ws;
        synchronized (this) {
            userClosed = true;
            ws = current;
            if (pending != null) {
                pending.cancel();
            }
        }
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public ReadyState readyState() {
        WebSocket ws;
        synchronized (this) {
            ws = current;
            if (ws == null) {
                return givenUp || userClosed ? ReadyState.CLOSED : ReadyState.CONNECTING;
            }
        }
        return ws.readyState();
    }

    @Override
    public synchronized long bufferedAmount() {
        return queuedBytes + (current != null ? current.bufferedAmount() : 0);
    }

    @Override
    public String subprotocol() {
        WebSocket ws = live();
        return ws != null ? ws.subprotocol() : null;
    }

    /** The current connection's 101 response headers (empty while reconnecting). */
    @Override
    public io.duplex.handshake.Headers responseHeaders() {
        WebSocket ws = live();
        return ws != null ? ws.responseHeaders() : io.duplex.handshake.Headers.EMPTY;
    }

    @Override
    public List<String> extensions() {
        WebSocket ws = live();
        return ws != null ? ws.extensions() : List.of();
    }

    @Override
    public String path() {
        WebSocket ws = live();
        return ws != null ? ws.path() : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        WebSocket ws = live();
        return ws != null ? ws.remoteAddress() : null;
    }

    @Override
    public InetSocketAddress localAddress() {
        WebSocket ws = live();
        return ws != null ? ws.localAddress() : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }
}
