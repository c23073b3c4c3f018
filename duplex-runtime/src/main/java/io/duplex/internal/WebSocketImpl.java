package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.ReadyState;
import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.extension.Extension;
import io.duplex.frame.Utf8Validator;
import io.duplex.frame.WebSocketException;
import io.duplex.protocol.CloseCodes;
import io.duplex.protocol.Event;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The public {@link WebSocket} of one connection: a thin handle over the {@link Connection} that
 * owns it. It turns calls into {@link Outgoing} values and hands them to the loop (the connection
 * applies the outbound limit and the slow-consumer policy), keeps the attachment and the topics,
 * and dispatches events to the handler — on the loop, or in order on a handler executor, with
 * read backpressure.
 *
 * <p>Threading: public methods are safe from any thread; {@code dispatch*} run on the loop.
 */
public final class WebSocketImpl implements WebSocket {
    private static final System.Logger LOG = System.getLogger(WebSocketImpl.class.getName());

    private final EventLoop loop;
    private final WebSocketHandler handler;
    private final String path;
    private final String subprotocol;
    /** Client side only (null on servers: one reference per server connection, no more). */
    /**
     * A server's socket: the {@link Broker} its subscriptions live in; a client's: the headers of
     * the 101 response. One field for the two, as a socket is one or the other for life and both
     * are set before it opens: 4 bytes of the idle-memory budget, which keep this object at 72.
     */
    private volatile Object brokerOrResponseHeaders;

    private final List<Extension> extensions;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final SerialExecutor executor;

    /**
     * Subscribed topics, made on the first subscribe: a set is ~90 bytes, and the idle-memory
     * budget counts every byte an idle socket without topics holds.
     */
    private volatile Set<String> topics;

    private volatile Connection connection;
    /** Stream subscriptions, made on the first one (an idle socket without any pays nothing). */
    private volatile StreamSubscriptions streamSubscriptions;

    private volatile Object attachment;
    /** Behind trusted proxies: the client's address; null when it is the socket's peer. */
    private volatile InetSocketAddress client;
    /** Made only for a connection with a credential expiry (an idle socket without pays nothing). */
    private volatile Credential credential;

    /** A credential's expiry and the loop timer that checks it. */
    private static final class Credential {
        volatile long expiresAtMillis;
        /** Loop only. */
        EventLoop.Cancellable timer;

        Credential(long expiresAtMillis) {
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    /** The longest a credential timer waits before looking again (so any Instant is fine). */
    private static final long CREDENTIAL_RECHECK_MILLIS = 3_600_000;

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
        // Interned: a server sees a handful of distinct paths and subprotocols, and an idle
        // connection should not keep its own copy of each (48 bytes for "/"). The JVM's string
        // table holds them weakly, so paths nobody uses any more are collected.
        this.path = path.intern();
        this.subprotocol = subprotocol == null ? null : subprotocol.intern();
        // Kept as negotiated and formatted on demand: a String per connection would be most of
        // what an idle compressed connection costs beyond a plain one.
        this.extensions = List.copyOf(extensions);
        this.remote = remote;
        this.local = local;
        this.attachment = attachment;
    }

    /** Server sockets: the broker their subscriptions live in. */
    public void broker(Broker broker) {
        this.brokerOrResponseHeaders = broker;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Called by the connection once the protocol is installed. */
    void opened(Connection c) {
        this.connection = c;
        dispatch(() -> handler.onOpen(this));
        if (credential != null) {
            armCredential();
        }
    }

    /** Server sockets behind trusted proxies: the client's address (before the socket opens). */
    public void clientAddress(InetSocketAddress client) {
        this.client = client;
    }

    @Override
    public InetSocketAddress clientAddress() {
        InetSocketAddress c = client;
        return c != null ? c : remote;
    }

    /** Sets the credential's expiry before the socket opens (from the upgrade decision). */
    public void credentialExpiry(Instant expiry) {
        this.credential = new Credential(millis(expiry));
    }

    @Override
    public void extendCredential(Instant expiry) {
        if (!isServerSide()) {
            return;
        }
        long at = millis(expiry);
        Credential cr = credential;
        if (cr == null) {
            credential = new Credential(at);
        } else {
            cr.expiresAtMillis = at;
        }
        onLoop(() -> {
            Credential current = credential;
            if (current.timer != null) {
                current.timer.cancel();
                current.timer = null;
            }
            if (connection != null) {
                armCredential();
            }
        });
    }

    @Override
    public Instant credentialExpiry() {
        Credential cr = credential;
        return cr == null ? null : Instant.ofEpochMilli(cr.expiresAtMillis);
    }

    private static long millis(Instant expiry) {
        try {
            return expiry.toEpochMilli();
        } catch (ArithmeticException e) {
            return expiry.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Loop: closes with {@link #CREDENTIAL_EXPIRED} if the credential's time is up (wall clock,
     * as the credential's expiry is), else looks again when it should be (at most an hour on).
     */
    private void armCredential() {
        Credential cr = credential;
        if (readyState() != ReadyState.OPEN) {
            return;
        }
        long left = cr.expiresAtMillis - System.currentTimeMillis();
        if (left <= 0) {
            close(CREDENTIAL_EXPIRED, "credential expired");
            return;
        }
        cr.timer = loop.schedule(this::armCredential, Math.min(left, CREDENTIAL_RECHECK_MILLIS) * 1_000_000L);
    }

    // ------------------------------------------------------------------ publish/subscribe

    /** The live set of subscribed topics (maintained by the broker); empty before the first. */
    @Override
    public Set<String> topics() {
        Set<String> t = topics;
        return t != null ? t : Set.of();
    }

    /** Records a subscription; false if already subscribed. Any thread. */
    public boolean addTopic(String topic) {
        Set<String> t = topics;
        if (t == null) {
            synchronized (this) {
                t = topics;
                if (t == null) {
                    t = ConcurrentHashMap.newKeySet();
                    topics = t;
                }
            }
        }
        return t.add(topic);
    }

    /** Forgets a subscription; false if not subscribed. Any thread. */
    public boolean removeTopic(String topic) {
        Set<String> t = topics;
        return t != null && t.remove(topic);
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
        int recipients = requireBroker().publish(topic, message, this);
        Connection c = connection;
        io.duplex.RouteMetrics metrics = c == null ? null : c.metrics();
        if (metrics != null) {
            metrics.published(recipients);
        }
        return recipients;
    }

    /** Whether this is a server's socket (it has a broker), which may subscribe. */
    public boolean isServerSide() {
        return broker() != null;
    }

    private Broker requireBroker() {
        Broker b = broker();
        if (b == null) {
            throw new UnsupportedOperationException("publish/subscribe is a server-side feature");
        }
        return b;
    }

    // ------------------------------------------------------------------ sending

    @Override
    public SendResult send(CharSequence text) {
        return send(new Outgoing.Text(text.toString()));
    }

    @Override
    public SendResult sendText(ByteBuffer utf8) {
        if (loop.inLoop()) {
            // The caller's buffer itself: the engine checks the bytes before it frames them
            // (IllegalArgumentException, nothing sent), the outbound queue copies what the socket
            // does not take, and the connection puts the position back. No view, no second check.
            return send(new Outgoing.TextUtf8(utf8));
        }
        // RFC 6455 §5.6, §8.1: a text message is valid UTF-8. From another thread, refused here,
        // on the caller's thread, before anything is queued; the loop gets a copy.
        if (!Utf8Validator.isValid(utf8)) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
        return send(new Outgoing.TextUtf8(copy(utf8)));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        // On the loop a view is enough (the caller's position stays put, so one buffer can go to
        // several sockets, and what the socket does not take is copied by the outbound queue);
        // from another thread the caller may reuse its buffer once we return: take a copy.
        return send(new Outgoing.Binary(loop.inLoop() ? data.duplicate() : copy(data)));
    }

    @Override
    public SendResult send(PreparedMessage message) {
        return send(new Outgoing.Prepared(message.framed()));
    }

    /** This socket's stream subscriptions, made on first use. */
    public StreamSubscriptions streamSubscriptions() {
        StreamSubscriptions s = streamSubscriptions;
        if (s == null) {
            synchronized (this) {
                s = streamSubscriptions;
                if (s == null) {
                    s = new StreamSubscriptions();
                    streamSubscriptions = s;
                }
            }
        }
        return s;
    }

    /**
     * On the loop: writes a stream message, or, when the outbound limit refuses it, fails the
     * connection with 1013 (Try Again Later) whatever the slow-consumer policy: a stream subscriber
     * must never miss a publication unknowingly, and 1013 tells its client to reconnect and resume
     * from its last position (reconnect policies retry it; 1008 would say "do not come back").
     *
     * @return false when the message was not sent
     */
    boolean deliverInOrder(PreparedMessage message) {
        Connection c = connection;
        if (c == null) {
            return false;
        }
        if (c.sendPrepared(message.framed()) != SendResult.DROPPED) {
            return true;
        }
        c.slowConsumer(CloseCodes.TRY_AGAIN_LATER, "slow consumer: resume from your last position");
        return false;
    }

    /**
     * On the loop: writes a prepared message for a publish, applying the outbound limit and
     * slow-consumer policy for this subscriber alone; the publisher never waits.
     */
    public SendResult deliver(PreparedMessage message) {
        Connection c = connection;
        return c == null ? SendResult.DROPPED : c.sendPrepared(message.framed());
    }

    @Override
    public SendResult sendFragment(ByteBuffer data, boolean text, boolean last) {
        return send(new Outgoing.Fragment(copy(data), text, last));
    }

    @Override
    public SendResult ping(ByteBuffer data) {
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("ping payload over 125 bytes"); // RFC 6455 §5.5
        }
        return send(new Outgoing.Ping(copy(data)));
    }

    @Override
    public SendResult pong(ByteBuffer data) {
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("pong payload over 125 bytes"); // RFC 6455 §5.5
        }
        return send(new Outgoing.Pong(copy(data)));
    }

    @Override
    public boolean inEventLoop() {
        return loop.inLoop();
    }

    private SendResult send(Outgoing message) {
        Connection c = connection;
        if (c == null) {
            return SendResult.DROPPED;
        }
        return loop.inLoop() ? c.send(message) : c.handOver(message);
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
        Connection c = connection;
        if (result == SendResult.DROPPED || c == null) {
            future.completeExceptionally(new WebSocketException("message dropped: socket "
                    + (readyState() == ReadyState.OPEN ? "over its outbound limit" : "not open")));
            return future;
        }
        onLoop(() -> c.whenWritten(future));
        return future;
    }

    private static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close(int code, String reason) {
        CloseCodes.checkSendable(code, reason); // at once, on the caller's thread
        Connection c = connection;
        if (c != null) {
            onLoop(() -> c.close(code, reason));
        }
    }

    @Override
    public void abort() {
        Connection c = connection;
        if (c != null) {
            onLoop(c::abort);
        }
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
            try {
                handler.onText(this, text); // called directly: no task object per message
            } catch (Throwable e) {
                handlerFailed(e);
            }
        } else {
            offload(text.length(), () -> handler.onText(this, text));
        }
    }

    /** The handler this socket reports to (loop only). */
    WebSocketHandler handler() {
        return handler;
    }

    void dispatchTextUtf8(ByteBuffer utf8) {
        dispatchBytes(utf8, true);
    }

    void dispatchBinary(ByteBuffer data) {
        dispatchBytes(data, false);
    }

    /** A whole message's bytes, text or binary; a handler executor gets a copy (the buffer is the loop's). */
    private void dispatchBytes(ByteBuffer data, boolean text) {
        if (executor == null) {
            try {
                deliverBytes(data, text); // called directly: no task object per message
            } catch (Throwable e) {
                handlerFailed(e);
            }
        } else {
            ByteBuffer copy = copy(data);
            offload(copy.remaining(), () -> deliverBytes(copy, text));
        }
    }

    private void deliverBytes(ByteBuffer data, boolean text) {
        if (text) {
            handler.onTextUtf8(this, data);
        } else {
            handler.onBinary(this, data);
        }
    }

    /** Message assembly off: each data frame as it came (RFC 6455 §5.4), with its type and FIN. */
    void dispatchFragment(ByteBuffer data, boolean text, boolean last) {
        if (executor == null) {
            guarded(() -> handler.onFragment(this, data, text, last));
        } else {
            ByteBuffer copy = copy(data);
            offload(copy.remaining(), () -> handler.onFragment(this, copy, text, last));
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

    /** The engine's one Close event (delivered exactly once), so onClose is called exactly once. */
    void dispatchClose(Event.Close close) {
        Credential cr = credential;
        if (cr != null && cr.timer != null) {
            cr.timer.cancel(); // a long expiry must not keep a closed socket in the loop's queue
            cr.timer = null;
        }
        Broker b = broker();
        if (b != null && topics != null && !topics.isEmpty()) {
            b.unsubscribeAll(this);
        }
        StreamSubscriptions streams = streamSubscriptions;
        if (streams != null) {
            streams.closeAll();
        }
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

    /** Runs a message callback on the handler executor, pausing reads while too much waits. */
    private void offload(long size, Runnable callback) {
        Connection c = connection;
        if (executor.undelivered.addAndGet(size) > c.config.maxUndelivered()) {
            c.pauseReading(true);
        }
        executor.execute(() -> {
            try {
                guarded(callback);
            } finally {
                if (executor.undelivered.addAndGet(-size) <= c.config.maxUndelivered() / 2) {
                    loop.execute(() -> c.pauseReading(false));
                }
            }
        });
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            handlerFailed(e);
        }
    }

    /**
     * A handler threw. A failing handler must not take the loop down: report it and close with
     * 1011. Errors too (AssertionError, StackOverflowError, NoClassDefFoundError…), as Netty and
     * Jetty do.
     */
    private void handlerFailed(Throwable e) {
        LOG.log(Level.WARNING, "handler threw; closing the connection with 1011", e);
        try {
            handler.onError(this, e);
        } catch (Throwable again) {
            LOG.log(Level.WARNING, "onError threw", again);
        }
        if (readyState() == ReadyState.OPEN) {
            close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    // ------------------------------------------------------------------ accessors

    @Override
    public ReadyState readyState() {
        Connection c = connection;
        return c == null ? ReadyState.CONNECTING : c.readyState();
    }

    @Override
    public long bufferedAmount() {
        Connection c = connection;
        return c == null ? 0 : c.bufferedAmount();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    /** Client side: kept from the 101 response by {@link ClientUpgrade} before the socket opens. */
    void responseHeaders(io.duplex.handshake.Headers headers) {
        this.brokerOrResponseHeaders = headers;
    }

    @Override
    public io.duplex.handshake.Headers responseHeaders() {
        return brokerOrResponseHeaders instanceof io.duplex.handshake.Headers h ? h : io.duplex.handshake.Headers.EMPTY;
    }

    /** A server's socket's broker; null for a client's. */
    private Broker broker() {
        return brokerOrResponseHeaders instanceof Broker b ? b : null;
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
        return "WebSocket[" + remote + " " + path + " " + readyState() + "]";
    }
}
