package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.SendResult;
import io.duplex.SlowConsumerPolicy;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.deflate.DeflateExtension;
import io.duplex.extension.Extension;
import io.duplex.frame.WebSocketException;
import io.duplex.protocol.CloseCodes;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.State;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public {@link WebSocket} of one connection: hands calls from other threads to the loop,
 * applies the outbound limit and slow-consumer policy, and dispatches events to the handler (on
 * the loop, or in order on a handler executor, with read backpressure).
 *
 * <p>Threading: public methods are safe from any thread; {@code dispatch*} run on the loop.
 */
public final class WebSocketImpl implements WebSocket {
    private static final System.Logger LOG = System.getLogger(WebSocketImpl.class.getName());

    private final EventLoop loop;
    private final WebSocketHandler handler;
    private final String path;
    private final String subprotocol;
    private final List<Extension> extensions;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final SerialExecutor executor;
    /** Bytes handed over from other threads and not yet queued on the loop. */
    private final AtomicLong inFlight = new AtomicLong();
    /** Received bytes waiting for the handler executor (read backpressure). */
    private final AtomicLong undelivered = new AtomicLong();

    private volatile Connection connection;
    private volatile State state = State.CONNECTING;
    private volatile Object attachment;
    private boolean closeDispatched;
    private volatile Broker broker;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();

    public WebSocketImpl(
            EventLoop loop,
            WebSocketHandler handler,
            Executor handlerExecutor,
            String path,
            String subprotocol,
            List<Extension> extensions,
            InetSocketAddress remote,
            InetSocketAddress local,
            Object attachment) {
        this.loop = loop;
        this.handler = handler;
        this.executor = handlerExecutor == null ? null : new SerialExecutor(handlerExecutor);
        this.path = path;
        this.subprotocol = subprotocol;
        // Kept as negotiated and formatted on demand: a String per connection would be most of
        // what an idle compressed connection costs beyond a plain one.
        this.extensions = List.copyOf(extensions);
        this.remote = remote;
        this.local = local;
        this.attachment = attachment;
    }

    /** Server sockets: the broker their subscriptions live in. */
    public void broker(Broker broker) {
        this.broker = broker;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The live set of subscribed topics (maintained by the broker). */
    @Override
    public Set<String> topics() {
        return topics;
    }

    @Override
    public void subscribe(String topic) {
        requireBroker().subscribe(topic, this);
    }

    @Override
    public void unsubscribe(String topic) {
        requireBroker().unsubscribe(topic, this);
    }

    @Override
    public int publish(String topic, PreparedMessage message) {
        return requireBroker().publish(topic, message, this);
    }

    private Broker requireBroker() {
        Broker b = broker;
        if (b == null) {
            throw new UnsupportedOperationException("publish/subscribe is a server-side feature");
        }
        return b;
    }

    /** Ends the subscriptions of a closed socket. */
    void releaseSubscriptions() {
        Broker b = broker;
        if (b != null && !topics.isEmpty()) {
            b.unsubscribeAll(this);
        }
    }

    @Override
    public SendResult send(PreparedMessage message) {
        if (loop.inLoop()) {
            return deliver(message);
        }
        return submit(message.size(), c -> writePrepared(c, message));
    }

    /**
     * On the loop: writes a prepared message, applying the outbound limit and slow-consumer
     * policy for this subscriber alone; the publisher never waits.
     */
    public SendResult deliver(PreparedMessage message) {
        return submit(message.size(), c -> writePrepared(c, message));
    }

    private static void writePrepared(Connection c, PreparedMessage message) {
        Protocol p = c.protocol();
        List<Extension> extensions = p.extensions();
        if (extensions.isEmpty()) {
            p.sendPreFramed(message.frame());
            return;
        }
        if (extensions.size() == 1
                && extensions.get(0) instanceof DeflateExtension deflate
                && deflate.sharesCompressedPayloads()) {
            ByteBuffer compressed = message.deflatedFrame();
            p.sendPreFramed(compressed != null ? compressed : message.frame());
            return;
        }
        // Context takeover (or another extension): this socket needs its own encoding.
        if (message.isText()) {
            p.sendTextUtf8(message.payload());
        } else {
            p.sendBinary(message.payload());
        }
    }

    /** Called by the connection once the protocol is installed. */
    void opened(Connection c) {
        this.connection = c;
        this.state = State.OPEN;
        dispatch(() -> handler.onOpen(this));
    }

    // ------------------------------------------------------------------ sending

    @Override
    public SendResult send(CharSequence text) {
        String s = text.toString();
        // UTF-8 size is at most 3 bytes per char; an exact count costs a pass, so estimate once.
        long size = s.length();
        return submit(size, c -> c.protocol().sendText(s));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        long size = data.remaining();
        if (loop.inLoop()) {
            // A view: the caller's position stays put on every thread, so one buffer can be sent
            // to several sockets.
            ByteBuffer view = data.duplicate();
            return submit(size, c -> c.protocol().sendBinary(view));
        }
        // Another thread: the caller may reuse its buffer once we return, so take a copy.
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return submit(size, c -> c.protocol().sendBinary(copy));
    }

    @Override
    public SendResult sendFragment(ByteBuffer data, boolean text, boolean last) {
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return submit(copy.remaining(), c -> c.protocol().sendFragment(text, copy, last));
    }

    @Override
    public CompletableFuture<Void> sendAsync(CharSequence text) {
        return async(send(text));
    }

    @Override
    public CompletableFuture<Void> sendAsync(ByteBuffer data) {
        return async(send(data));
    }

    private CompletableFuture<Void> async(SendResult result) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (result == SendResult.DROPPED) {
            future.completeExceptionally(new WebSocketException(
                    "message dropped: socket " + (state == State.OPEN ? "over its outbound limit" : "not open")));
            return future;
        }
        onLoop(() -> {
            Connection c = connection;
            if (c == null || c.isDestroyed()) {
                future.completeExceptionally(new WebSocketException("connection closed"));
            } else {
                c.whenWritten(future);
            }
        });
        return future;
    }

    @Override
    public SendResult ping(ByteBuffer data) {
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("ping payload over 125 bytes");
        }
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return submit(copy.remaining(), c -> c.protocol().sendPing(copy));
    }

    private interface Send {
        void apply(Connection c);
    }

    private SendResult submit(long size, Send send) {
        Connection c = connection;
        if (state != State.OPEN || c == null) {
            return SendResult.DROPPED;
        }
        long buffered = c.bufferedAmount() + inFlight.get();
        // A message larger than the limit still goes out on an idle socket: the limit bounds
        // what a consumer lets pile up, not the size of one message (that is maxMessageSize's
        // job on the receiving side).
        if (buffered > 0 && buffered + size > c.config.outboundLimit()) {
            if (c.config.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE) {
                LOG.log(Level.DEBUG, "slow consumer {0}: outbound limit reached, closing", remote);
                // The peer is not reading, so a close handshake cannot complete: free the memory
                // now (close frame best effort, then abort) rather than after the close timeout.
                onLoop(() -> {
                    if (!c.isDestroyed()) {
                        closeForTimeout(CloseCodes.POLICY_VIOLATION, "slow consumer");
                        c.abort();
                    }
                });
            }
            return SendResult.DROPPED;
        }
        if (loop.inLoop()) {
            if (!c.protocol().canSend()) {
                return SendResult.DROPPED;
            }
            send.apply(c);
            c.touch();
            c.afterProtocol();
            // Measured after the send: a large payload the socket took at once is not buffered.
            return bufferedIf(c, c.bufferedAmount() + inFlight.get() > c.config.highWaterMark());
        }
        boolean above = buffered + size > c.config.highWaterMark();
        inFlight.addAndGet(size);
        loop.execute(() -> {
            inFlight.addAndGet(-size);
            if (!c.isDestroyed() && c.protocol().canSend()) {
                send.apply(c);
                c.touch();
                c.afterProtocol();
                bufferedIf(c, above);
            }
        });
        return above ? SendResult.BUFFERED : SendResult.SENT;
    }

    /**
     * On the loop: answers a Ping (RFC 6455 §5.5.2) unless the Pong would pile up behind bytes
     * the peer is not reading past the outbound limit; then the slow-consumer policy applies as
     * for a send: CLOSE fails the connection with 1008, DROP skips this Pong (§5.5.3 lets an
     * endpoint answer only the most recent Ping). Not activity for the idle timer.
     */
    void answerPing(ByteBuffer data) {
        Connection c = connection;
        if (c == null || c.isDestroyed() || !c.protocol().canSend()) {
            return;
        }
        long buffered = c.bufferedAmount() + inFlight.get();
        if (buffered > 0 && buffered + 2 + data.remaining() > c.config.outboundLimit()) {
            if (c.config.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE) {
                LOG.log(Level.DEBUG, "slow consumer {0}: pongs over the outbound limit, closing", remote);
                closeForTimeout(CloseCodes.POLICY_VIOLATION, "slow consumer");
                c.abort();
            }
            return;
        }
        c.protocol().sendPong(data.duplicate());
    }

    /** On the loop: a BUFFERED answer promises an {@code onDrain}, whatever the flush finds. */
    private static SendResult bufferedIf(Connection c, boolean above) {
        if (above) {
            c.promiseDrain();
            return SendResult.BUFFERED;
        }
        return SendResult.SENT;
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close(int code, String reason) {
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > CloseCodes.MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason over 123 UTF-8 bytes");
        }
        onLoop(() -> closeNow(code, reason));
    }

    private void closeNow(int code, String reason) {
        Connection c = connection;
        if (c == null || c.isDestroyed() || c.protocol().closeExpected()) {
            return;
        }
        state = State.CLOSING;
        c.protocol().sendClose(code, reason);
        c.afterProtocol();
    }

    /**
     * Keepalive or other timeout: this end fails the connection (RFC 6455 §7.1.7). Sends a close
     * frame best effort before the abort that follows, and tells the handler the code it failed
     * with (not the 1006 the abort would report), as {@link WebSocketHandler#onClose} documents.
     */
    void closeForTimeout(int code, String reason) {
        Connection c = connection;
        if (c != null && c.protocol().canSend()) {
            c.protocol().sendClose(code, reason);
            c.flush();
        }
        dispatchClose(new Event.Close(code, reason, false, null));
    }

    @Override
    public void abort() {
        onLoop(() -> {
            Connection c = connection;
            if (c != null) {
                c.abort();
            }
        });
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    // ------------------------------------------------------------------ dispatch (on the loop)

    void dispatchText(String text) {
        if (executor == null) {
            guarded(() -> handler.onText(this, text));
        } else {
            long size = text.length();
            track(size);
            executor.execute(() -> {
                try {
                    guarded(() -> handler.onText(this, text));
                } finally {
                    delivered(size);
                }
            });
        }
    }

    void dispatchBinary(ByteBuffer data) {
        if (executor == null) {
            guarded(() -> handler.onBinary(this, data));
        } else {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            long size = copy.remaining();
            track(size);
            executor.execute(() -> {
                try {
                    guarded(() -> handler.onBinary(this, copy));
                } finally {
                    delivered(size);
                }
            });
        }
    }

    void dispatchPing(ByteBuffer data) {
        dispatch(() -> handler.onPing(this, data));
    }

    void dispatchPong(ByteBuffer data) {
        dispatch(() -> handler.onPong(this, data));
    }

    void dispatchDrain() {
        dispatch(() -> handler.onDrain(this));
    }

    void dispatchError(Throwable t) {
        dispatch(() -> handler.onError(this, t));
    }

    void dispatchClose(Event.Close close) {
        if (closeDispatched) {
            return;
        }
        closeDispatched = true;
        releaseSubscriptions();
        state = State.CLOSED;
        if (close.violation() != null) {
            dispatchError(new WebSocketException("connection failed: "
                    + close.violation().reason() + " (" + close.violation().closeCode() + ")"));
        }
        dispatch(() -> handler.onClose(this, close.code(), close.reason(), close.clean()));
    }

    private void dispatch(Runnable r) {
        if (executor == null) {
            guarded(r);
        } else {
            executor.execute(() -> guarded(r));
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            // A failing handler must not take the loop down: report it and close with 1011. Errors
            // too (AssertionError, StackOverflowError, NoClassDefFoundError…), as Netty and Jetty do.
            LOG.log(Level.WARNING, "handler threw; closing the connection with 1011", e);
            try {
                handler.onError(this, e);
            } catch (Throwable again) {
                LOG.log(Level.WARNING, "onError threw", again);
            }
            if (state == State.OPEN) {
                close(CloseCodes.INTERNAL_ERROR, "internal error");
            }
        }
    }

    private void track(long size) {
        if (undelivered.addAndGet(size) > connection.config.maxUndelivered()) {
            connection.pauseReading(true);
        }
    }

    private void delivered(long size) {
        if (undelivered.addAndGet(-size) <= connection.config.maxUndelivered() / 2) {
            Connection c = connection;
            loop.execute(() -> c.pauseReading(false));
        }
    }

    // ------------------------------------------------------------------ accessors

    @Override
    public State readyState() {
        return state;
    }

    @Override
    public long bufferedAmount() {
        Connection c = connection;
        return (c == null ? 0 : c.bufferedAmount()) + inFlight.get();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public List<String> extensions() {
        List<String> names = new ArrayList<>(extensions.size());
        for (Extension e : extensions) {
            names.add(e.negotiated().toString());
        }
        return List.copyOf(names);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
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

    @Override
    public String toString() {
        return "WebSocket[" + remote + " " + path + " " + state + "]";
    }
}
