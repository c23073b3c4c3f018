package io.duplex.internal;

import io.duplex.ReadyState;
import io.duplex.RouteMetrics;
import io.duplex.SendResult;
import io.duplex.SlowConsumerPolicy;
import io.duplex.WebSocketConfig;
import io.duplex.extension.Extension;
import io.duplex.frame.WebSocketException;
import io.duplex.protocol.CloseCodes;
import io.duplex.protocol.Event;
import io.duplex.protocol.FramedMessage;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Role;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One socket on one event loop, and the one owner of its WebSocket: transport (TCP or TLS) → HTTP
 * upgrade → {@link Protocol}. It is the only caller of the engine: it feeds what its {@link
 * SocketIo} reads to the upgrade or the engine, hands events to its {@link WebSocketImpl}, sends
 * (outbound limit, slow-consumer policy, idle bookkeeping), answers pings, keeps the connection
 * alive, and owns the lifecycle, the timers and the teardown. The socket mechanics (interest ops,
 * the read loop, the corked output flushed at the end of the loop pass) are its {@link SocketIo}'s,
 * which it drives. Failures this end decides (keepalive timeout 1011, slow consumer 1008) go
 * through the engine's one failure path, {@link Protocol#fail(int, String)}.
 *
 * <p>Threading: confined to its event loop (invariant 5, docs/ARCHITECTURE.md), except {@link
 * #readyState()}, {@link #bufferedAmount()} and {@link #handOver}, which any thread may call: the
 * lifecycle is volatile, and queued plus handed-over bytes are one atomic count.
 */
public final class Connection extends SocketIo implements EventLoop.Ticking, Protocol.EventSink, Protocol.Output {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    /** After this end shuts its output, the peer's FIN is awaited at most this long. */
    private static final long FIN_WAIT_NANOS = 1_000_000_000L;
    /** The payload of a raw write: empty, never written to, so one serves every connection. */
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0);

    /** The HTTP part of the opening handshake, server or client side. */
    public interface Upgrade {
        /** The transport is ready (TCP connected, TLS done): a client sends its request here. */
        void start(Connection c) throws IOException;

        /** Bytes of the HTTP head (and maybe frames after it, left in {@code in} for the protocol). */
        void onData(Connection c, ByteBuffer in) throws IOException;

        /** The connection ended before the upgrade completed. */
        void onFailure(Connection c, Throwable cause);
    }

    /** Told when the connection is gone, to release server-wide counts. */
    public interface Listener {
        void onDestroyed(Connection c);

        /** The set that counts the connection until {@link #onDestroyed}, for its drains. */
        ConnectionSet countedIn();
    }

    /** {@link #engineConfig(ProtocolConfig)} of {@code config.protocol()}, shared by the owner's connections. */
    private final ProtocolConfig engineConfig;
    /** The HTTP upgrade; dropped once the protocol is installed, so an idle connection does not keep it. */
    private Upgrade upgrade;

    private final Listener listener;
    /**
     * The metrics of this connection's route, or null (then no hook is called): set once, before
     * {@link #open}, on the loop.
     */
    private RouteMetrics metrics;
    /** Sent since the last report to {@link #metrics} (see {@link #reportOut()}). */
    private int unreportedMessagesOut;

    private int unreportedBytesOut;
    /** Whether this end started the close (its Close frame first, a failure, an abort). */
    private boolean closedHere;

    private volatile Lifecycle lifecycle;
    private Protocol protocol;
    private WebSocketImpl ws;

    /**
     * Two times that never overlap in one field (8 bytes of the idle-memory budget): before OPEN,
     * the opening handshake's deadline (only {@link #tick} reads it, and only while opening); from
     * OPEN on, the last message either way, for the idle timeout (Pings and Pongs are not
     * activity). {@link #open} switches it.
     */
    private long deadlineOrActivity;

    private long closeDeadline;
    /** Keepalive (RFC 6455 §5.5.2): when the next Ping is due; 0 when keepalive is off. */
    private long pingDue;
    /** When the outstanding Ping's Pong is overdue; 0 when none is outstanding. */
    private long pongDeadline;
    /** This connection's slot in its loop's ticking list ({@link EventLoop#removeTicking}). */
    private int tickSlot = -1;
    /** When the message (or frame) being received began arriving; 0 between messages. */
    private long messageStarted;

    public Connection(
            EventLoop loop,
            WebSocketConfig config,
            ProtocolConfig engineConfig,
            Transport transport,
            Upgrade upgrade,
            Listener listener) {
        super(loop, config, transport);
        this.engineConfig = engineConfig;
        this.upgrade = upgrade;
        this.listener = listener;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Registers the socket; {@code connected} is false for a client whose TCP connect is pending.
     * {@code timeoutNanos} bounds the opening handshake, or only the TCP connect when it is pending
     * (the handshake timeout then starts once connected).
     */
    public void register(boolean connected, long timeoutNanos) throws IOException {
        deadlineOrActivity = System.nanoTime() + timeoutNanos;
        registerChannel(connected);
        loop.addTicking(this);
        if (connected) {
            lifecycle = Lifecycle.TRANSPORT_HANDSHAKE;
            advanceTransportHandshake();
        } else {
            lifecycle = Lifecycle.CONNECTING;
        }
    }

    /** Whether {@code set} counts this connection (through its listener). */
    boolean countedIn(ConnectionSet set) {
        return listener != null && listener.countedIn() == set;
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * The metrics this connection reports to from now on (null: none); before {@link #open}, on
     * the loop.
     */
    public void metrics(RouteMetrics metrics) {
        this.metrics = metrics;
        if (metrics != null) {
            loop.countOut(metrics, 0, 0); // its route's slot exists before the first report
        }
    }

    /** Extends the handshake deadline (e.g. after the TCP connect, for the rest). */
    public void handshakeDeadline(long nanosFromNow) {
        if (protocol != null) {
            return; // open: the field is the idle clock now, and there is no handshake to time
        }
        deadlineOrActivity = System.nanoTime() + nanosFromNow;
    }

    private void advanceTransportHandshake() throws IOException {
        if (transportHandshake()) {
            lifecycle = Lifecycle.UPGRADE;
            upgrade.start(this);
            flush();
            if (hasBufferedReads()) {
                read();
            }
        }
    }

    /**
     * The upgrade succeeded: installs the protocol and tells the handler. Bytes after the HTTP
     * head in {@code rest} are fed to the protocol at once.
     */
    public void open(Role role, List<Extension> extensions, WebSocketImpl socket, ByteBuffer rest) {
        this.ws = socket;
        this.protocol = Protocol.builder(role)
                .config(engineConfig)
                .extensions(extensions)
                .events(this) // this, not method references: 32 bytes less per connection
                .output(this)
                .headerScratch(loop.headerScratch()) // one per loop: confined to it (invariant 5)
                .readers(loop.readers()) // likewise: receive state only while reading a message
                // A handler that takes text as bytes gets them without a String on the way.
                .textAsUtf8(TextAsUtf8.wantedBy(socket.handler()))
                .build();
        lifecycle = Lifecycle.OPEN;
        upgrade = null; // only used before the protocol exists (tick, abort and fail check)
        long now = System.nanoTime();
        deadlineOrActivity = now;
        if (!config.pingInterval().isZero()) {
            pingDue = now + config.pingInterval().toNanos();
        }
        if (metrics != null) {
            metrics.opened();
        }
        socket.opened(this);
        if (rest != null && rest.hasRemaining() && lifecycle == Lifecycle.OPEN) {
            protocol.receive(rest);
            afterReceive();
            afterProtocol();
        }
    }

    /**
     * The engine configuration the runtime uses for {@code config}: the same limits, with the
     * engine's auto-pong off. Pings are answered in {@link #onEvent}, not by the engine, so that
     * pongs count against the outbound limit: a peer flooding pings without reading must not grow
     * the queue without bound (invariant 7). A server or client derives it once, not per
     * connection.
     */
    public static ProtocolConfig engineConfig(ProtocolConfig config) {
        return config.autoPong() ? config.toBuilder().autoPong(false).build() : config;
    }

    /** The browser's view of the lifecycle; any thread. */
    ReadyState readyState() {
        Lifecycle l = lifecycle;
        return l == null ? ReadyState.CONNECTING : l.readyState();
    }

    @Override
    boolean isDestroyed() {
        return lifecycle == Lifecycle.DESTROYED;
    }

    // ------------------------------------------------------------------ readiness

    @Override
    public void onReady(SelectionKey k) {
        try {
            if (!k.isValid()) {
                return;
            }
            if (k.isConnectable()) {
                if (finishConnect()) {
                    // The connect timeout covered the TCP connect; the rest of the opening
                    // handshake (proxy, TLS, HTTP) gets the handshake timeout of its own.
                    handshakeDeadline(config.handshakeTimeout().toNanos());
                    lifecycle = Lifecycle.TRANSPORT_HANDSHAKE;
                    advanceTransportHandshake();
                }
                return;
            }
            if (lifecycle == Lifecycle.TRANSPORT_HANDSHAKE) {
                advanceTransportHandshake();
                return;
            }
            if (k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read();
                // What the handlers answered leaves now, not at the end of the pass: uWebSockets
                // uncorks after each socket's data and Netty flushes on channelReadComplete too.
                // Held to the end of the pass, the answers of the sockets read first waited for
                // every other socket's reading (and, with the pass order, made the same sockets
                // wait every time: see EventLoop#pass). Still one write per socket per read;
                // output from tasks (fan-outs, other threads' sends) leaves at the end of the pass.
                flushIfDirty();
            }
        } catch (Throwable e) {
            // Errors too (a StackOverflowError in a parser, an OutOfMemoryError for one message):
            // they cost this connection, not the loop and its other connections.
            fail(e);
        }
    }

    /** What {@link SocketIo#read} read: to the upgrade, the engine, or (closing TCP) nowhere. */
    @Override
    void onData(ByteBuffer buf) throws IOException {
        Lifecycle l = lifecycle;
        if (l == Lifecycle.UPGRADE) {
            upgrade.onData(this, buf);
        } else if (l.readsFrames()) {
            if (metrics != null) {
                metrics.bytesIn(buf.remaining());
            }
            protocol.receive(buf);
            afterReceive();
            afterProtocol();
        } else {
            buf.position(buf.limit()); // closing the transport: discard (RFC 6455 §5.5.1)
        }
    }

    /** The peer closed its output (or the socket ended); from {@link SocketIo#read}. */
    @Override
    void onEof() {
        if (protocol != null) {
            protocol.receiveEof();
        } else if (!lifecycle.closingTransport()) {
            upgrade.onFailure(this, new IOException("connection closed by peer during the handshake"));
        }
        destroy();
    }

    // ------------------------------------------------------------------ events

    @Override
    public int tickSlot() {
        return tickSlot;
    }

    @Override
    public void tickSlot(int slot) {
        tickSlot = slot;
    }

    /**
     * Data arrived: activity for the idle timer; once a message is {@code whole}, the clock of
     * the message in progress stops and the message is counted.
     */
    private void messageIn(boolean whole) {
        deadlineOrActivity = loop.passNanos();
        if (whole) {
            messageStarted = 0;
            if (metrics != null) {
                metrics.messageIn();
            }
        }
    }

    /** The engine's events (loop only; {@link Protocol.EventSink}). */
    @Override
    public void onEvent(Event event) {
        // Java 17: no pattern matching for switch yet; the sealed hierarchy keeps this exhaustive.
        if (event instanceof Event.Text t) {
            messageIn(true);
            ws.dispatchText(t.text());
        } else if (event instanceof Event.TextUtf8 t) {
            messageIn(true);
            ws.dispatchTextUtf8(t.utf8());
        } else if (event instanceof Event.Binary b) {
            messageIn(true);
            ws.dispatchBinary(b.data());
        } else if (event instanceof Event.Fragment f) {
            messageIn(f.last());
            ws.dispatchFragment(f.data(), f.text(), f.last());
        } else if (event instanceof Event.Ping p) {
            if (config.protocol().autoPong()) {
                answerPing(p.data());
            }
            if (!isDestroyed()) {
                ws.dispatchPing(p.data());
            }
        } else if (event instanceof Event.Pong p) {
            if (metrics != null && pongDeadline != 0 && p.data().remaining() == Long.BYTES) {
                // Our keepalive Pings carry their send time (tickOpen); an unsolicited or foreign
                // Pong may not, so only a plausible, non-negative round trip is reported.
                long rtt = System.nanoTime() - p.data().getLong(p.data().position());
                if (rtt >= 0 && rtt <= config.pongTimeout().toNanos()) {
                    metrics.pingRoundTrip(rtt);
                }
            }
            pongDeadline = 0; // solicited or not (RFC 6455 §5.5.3): nothing is outstanding now
            ws.dispatchPong(p.data());
        } else if (event instanceof Event.Close c) {
            if (lifecycle.compareTo(Lifecycle.CLOSED) < 0) {
                lifecycle = Lifecycle.CLOSED; // the handler sees readyState CLOSED in onClose
            }
            if (metrics != null) {
                metrics.closed(c.code(), closedHere || c.violation() != null);
            }
            ws.dispatchClose(c);
        }
    }

    /**
     * Answers a Ping (RFC 6455 §5.5.2) unless the Pong would pile up behind bytes the peer is not
     * reading past the outbound limit; then the slow-consumer policy applies as for a send (DROP
     * skips this Pong: §5.5.3 lets an endpoint answer only the most recent Ping). Not activity
     * for the idle timer.
     */
    private void answerPing(ByteBuffer data) {
        if (protocol.canSend() && admits(2 + data.remaining())) {
            protocol.sendPong(data.duplicate());
        }
    }

    /**
     * After the engine consumed input: starts the message clock when a message (or a frame) has
     * begun and not ended, stops it between messages. A message that completes resets it in
     * {@link #onEvent}, so back-to-back messages split across reads each get the full timeout.
     */
    private void afterReceive() {
        if (!protocol.receivingMessage()) {
            messageStarted = 0;
        } else if (messageStarted == 0) {
            messageStarted = loop.passNanos();
        }
    }

    /** After the protocol consumed input or sent a close: arm or act on the close. */
    private void afterProtocol() {
        if (protocol.shouldCloseTransport()) {
            closeWhenFlushed();
        } else if (protocol.closeExpected() && closeDeadline == 0) {
            closeDeadline = System.nanoTime() + config.closeTimeout().toNanos();
        }
        markDirty();
    }

    // ------------------------------------------------------------------ sending

    /**
     * On the loop: {@link #send} for a message framed once for many (a publication's delivery to
     * one subscriber), without an {@link Outgoing} per subscriber: a broadcast to 1,000 runs this
     * 1,000 times per message.
     */
    SendResult sendPrepared(FramedMessage message) {
        if (lifecycle != Lifecycle.OPEN || !protocol.canSend() || !admits(message.size())) {
            return dropped();
        }
        protocol.sendPrepared(message);
        messageOut();
        sent();
        return bufferedIf(bufferedAmount() > config.highWaterMark());
    }

    /**
     * On the loop: sends {@code message} if the connection is open and the outbound limit admits
     * it (else the slow-consumer policy applies and it is DROPPED). BUFFERED promises an
     * {@code onDrain}.
     */
    SendResult send(Outgoing message) {
        if (lifecycle != Lifecycle.OPEN || !protocol.canSend() || !admits(message.size())) {
            return dropped();
        }
        write(message);
        // Measured after the send: a large payload the socket took at once is not buffered.
        return bufferedIf(bufferedAmount() > config.highWaterMark());
    }

    /**
     * From another thread: checks the outbound limit now (so the caller learns DROPPED at once)
     * and hands {@code message} to the loop, where messages from one thread go out in order.
     */
    SendResult handOver(Outgoing message) {
        long size = message.size();
        if (lifecycle != Lifecycle.OPEN || !admits(size)) {
            return dropped();
        }
        boolean above = bufferedAmount() + size > config.highWaterMark();
        // Counted from now until framed, in the same number the queue is counted in, so no
        // reader on another thread sees it twice or not at all.
        reserve(size);
        loop.execute(() -> {
            if (isDestroyed() || !protocol.canSend()) {
                unreserve(size);
                return;
            }
            creditNextFrame(size);
            try {
                write(message);
            } finally {
                unreserve(0); // what the frame did not take over, e.g. when the send failed
            }
            bufferedIf(above);
        });
        return above ? SendResult.BUFFERED : SendResult.SENT;
    }

    /**
     * The outbound limit: whether {@code size} more bytes may be queued. A message larger than the
     * limit still goes out on an idle socket: the limit bounds what a consumer lets pile up, not
     * the size of one message (that is maxMessageSize's job on the receiving side). Over it, the
     * slow-consumer policy: CLOSE fails the connection with 1008 on the loop; DROP only refuses.
     * Any thread.
     */
    private boolean admits(long size) {
        long buffered = bufferedAmount();
        if (buffered == 0) {
            return true;
        }
        // Server-wide: while the budget is spent, only connections whose queues are nearly empty
        // (less than one batch: peers that keep up) may queue more; the ones holding memory may not.
        boolean withinBudget =
                buffered < loop.pool().bufferSize() || !loop.pool().budget().spent();
        if (withinBudget && buffered + size <= config.outboundLimit()) {
            return true;
        }
        if (config.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE) {
            LOG.log(
                    Level.DEBUG,
                    "slow consumer {0}: {1} reached, closing",
                    ws,
                    withinBudget ? "outbound limit" : "server-wide outbound budget");
            onLoop(() -> slowConsumer(CloseCodes.POLICY_VIOLATION, "slow consumer"));
        }
        return false;
    }

    /** Fails a consumer that does not keep up ({@code code} 1008 or 1013), once. */
    void slowConsumer(int code, String reason) {
        if (isDestroyed()) {
            return;
        }
        if (metrics != null) {
            metrics.slowConsumerClosed();
        }
        failNow(code, reason);
    }

    private void write(Outgoing message) {
        if (message instanceof Outgoing.Text t) {
            protocol.sendText(t.text());
            messageOut();
        } else if (message instanceof Outgoing.TextUtf8 t) {
            ByteBuffer utf8 = t.utf8();
            int position = utf8.position();
            try {
                protocol.sendTextUtf8(utf8); // checks the bytes first (RFC 6455 §8.1)
            } finally {
                utf8.position(position); // may be the caller's own buffer (sendText on the loop)
            }
            messageOut();
        } else if (message instanceof Outgoing.Binary b) {
            protocol.sendBinary(b.data());
            messageOut();
        } else if (message instanceof Outgoing.Prepared p) {
            protocol.sendPrepared(p.message());
            messageOut();
        } else if (message instanceof Outgoing.Fragment f) {
            protocol.sendFragment(f.text(), f.data(), f.last());
            if (f.last()) {
                messageOut();
            }
        } else if (message instanceof Outgoing.Ping p) {
            protocol.sendPing(p.data());
        } else if (message instanceof Outgoing.Pong p) {
            protocol.sendPong(p.data());
        }
        sent();
    }

    /** After the engine framed something to send: activity for the idle timer, close bookkeeping. */
    private void sent() {
        deadlineOrActivity = loop.passNanos();
        afterProtocol();
    }

    private void messageOut() {
        if (metrics != null) {
            unreportedMessagesOut++;
        }
    }

    /**
     * Hands the messages and bytes sent since the last report to the loop, which sums them per
     * route and reports once per pass ({@link EventLoop#countOut}): a broadcast pays a field
     * increment per delivery, and two meter updates per pass and route, not per subscriber.
     */
    private void reportOut() {
        if ((unreportedMessagesOut | unreportedBytesOut) != 0) {
            loop.countOut(metrics, unreportedMessagesOut, unreportedBytesOut);
            unreportedMessagesOut = 0;
            unreportedBytesOut = 0;
        }
    }

    @Override
    public void countOut() {
        if (metrics != null) {
            reportOut();
        }
    }

    /** The metrics of this connection's route, or null. */
    RouteMetrics metrics() {
        return metrics;
    }

    private SendResult dropped() {
        if (metrics != null) {
            metrics.dropped();
        }
        return SendResult.DROPPED;
    }

    /** A BUFFERED answer promises an {@code onDrain}, whatever the flush finds. */
    private SendResult bufferedIf(boolean above) {
        if (above) {
            promiseDrain();
            return SendResult.BUFFERED;
        }
        return SendResult.SENT;
    }

    /** Completes when everything queued so far is written (or fails when the connection ends). */
    void whenWritten(CompletableFuture<Void> future) {
        if (isDestroyed()) {
            future.completeExceptionally(new WebSocketException("connection closed"));
            return;
        }
        whenQueueWritten(future);
    }

    /** Queued bytes plus bytes handed over and not yet framed, as one count; any thread. */
    long bufferedAmount() {
        return queuedBytes();
    }

    /** The engine's output, and raw bytes: queued on the socket. */
    @Override
    public void write(ByteBuffer header, ByteBuffer payload) {
        if (metrics != null && protocol != null) {
            unreportedBytesOut += header.remaining() + payload.remaining();
        }
        boolean highWater;
        try {
            highWater = queue(header, payload);
        } catch (IOException e) {
            // The write failed: the socket is gone. Finish on the loop, not inside the protocol.
            loop.execute(() -> fail(e));
            highWater = false;
        }
        queued(highWater);
    }

    /** The engine's output for a broadcast's prepared frame: queued by reference, not copied. */
    @Override
    public void writeShared(ByteBuffer frame) {
        if (metrics != null) {
            unreportedBytesOut += frame.remaining();
        }
        queued(queueShared(frame));
    }

    private void queued(boolean highWater) {
        if (highWater && lifecycle == Lifecycle.OPEN) {
            // Corking batches a burst, but not past the high-water mark: write it out now so a
            // burst (e.g. many publishes in one loop pass) does not hit the outbound limit of
            // a consumer that is in fact keeping up.
            flush();
        }
        markDirty();
    }

    /** Queues raw bytes (HTTP responses during the upgrade). */
    public void writeRaw(ByteBuffer bytes) {
        write(bytes, NO_PAYLOAD);
    }

    /** Writes what the socket takes; once all is written while closing TCP, half-closes. */
    @Override
    public void flush() {
        if (metrics != null) {
            reportOut();
        }
        try {
            if (writeOut() && lifecycle == Lifecycle.CLOSING_TRANSPORT) {
                // RFC 6455 §7.1.1: the server closes TCP first; half-close, then wait for the
                // peer's FIN (bounded by the close timeout) so the close frame is not lost to RST.
                lifecycle = Lifecycle.OUTPUT_SHUT;
                shutdownOutput();
                if (closeDeadline == 0 || closeDeadline - System.nanoTime() > FIN_WAIT_NANOS) {
                    closeDeadline =
                            System.nanoTime() + Math.min(config.closeTimeout().toNanos(), FIN_WAIT_NANOS);
                }
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    void onDrained() {
        if (ws != null) {
            ws.dispatchDrain();
        }
    }

    /** Read backpressure: stop reading while handlers lag behind. */
    void pauseReading(boolean pause) {
        if (pauseReads(pause)) {
            // TLS may hold decrypted bytes already: no readiness event will come for them.
            readOn();
        }
    }

    @Override
    void readOn() {
        try {
            read();
        } catch (Throwable e) {
            // As in onReady: an Error costs this connection, not the loop.
            fail(e);
        }
    }

    // ------------------------------------------------------------------ closing

    /** Starts the close handshake (RFC 6455 §7.1.2) unless a Close was sent already. */
    void close(int code, String reason) {
        if (lifecycle != Lifecycle.OPEN || protocol.closeExpected()) {
            return;
        }
        lifecycle = Lifecycle.CLOSING;
        closedHere = true;
        protocol.sendClose(code, reason);
        afterProtocol();
    }

    /**
     * Server stop or client close: an open connection starts the close handshake with {@code
     * code} (RFC 6455 §7.1.1: then waits for the peer's Close, so a peer that answers sees a clean
     * close and the handler gets {@code code}, not 1006); one whose close handshake is under way
     * goes on; one still in its opening handshake, or already closing its transport, is aborted.
     */
    public void goAway(int code, String reason) {
        if (lifecycle.readsFrames()) {
            close(code, reason);
        } else {
            abort();
        }
    }

    /** After queued bytes are written, close the transport (server after close, failures). */
    public void closeWhenFlushed() {
        if (!lifecycle.closingTransport()) {
            lifecycle = Lifecycle.CLOSING_TRANSPORT;
        }
        if (closeDeadline == 0) {
            closeDeadline = System.nanoTime() + config.closeTimeout().toNanos();
        }
        markDirty();
    }

    /**
     * This end fails the connection (RFC 6455 §7.1.7) and frees it at once: the Close frame is
     * written best effort, the handler sees {@code code} with {@code wasClean == false} (not the
     * 1006 of the abort), and no close handshake is waited for — the peer is not reading or not
     * there, and waiting would keep the memory a limit is there to free. With bytes still
     * unwritten the socket is reset, not closed with a FIN (the kernel frees its send queue).
     */
    void failNow(int code, String reason) {
        if (isDestroyed()) {
            return;
        }
        closedHere = true;
        if (protocol != null) {
            protocol.fail(code, reason);
            flush();
        }
        // The Close frame was queued best effort; if the peer is not reading it never arrives, and
        // a reset frees what the kernel holds for it (see resetIfUnwritten).
        resetIfUnwritten();
        abort();
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void tick(long now) {
        if (isDestroyed()) {
            return;
        }
        if (closeDeadline != 0 && now - closeDeadline >= 0) {
            abort();
            return;
        }
        Lifecycle l = lifecycle;
        if (l.opening()) {
            if (now - deadlineOrActivity >= 0) {
                upgrade.onFailure(this, new TimeoutException("opening handshake timed out"));
                destroy();
            }
        } else if (l == Lifecycle.OPEN || l == Lifecycle.CLOSING) {
            tickOpen(now);
        }
    }

    private void tickOpen(long now) {
        if (pongDeadline != 0 && now - pongDeadline >= 0) {
            // No pong: the peer or the path is gone (half-open). Fail with 1011 like python
            // websockets' keepalive, and do not wait for a close handshake that cannot happen.
            LOG.log(Level.DEBUG, "keepalive pong timeout; failing {0}", ws);
            failNow(CloseCodes.INTERNAL_ERROR, "keepalive ping timeout");
            return;
        }
        if (messageStarted != 0
                && !config.messageTimeout().isZero()
                && now - messageStarted >= config.messageTimeout().toNanos()) {
            // A message trickled in too slowly (slowloris on frames): fail the connection with
            // 1008, RFC 6455 §7.4.1's code for a message that violates this end's policy. Not
            // 1002 (the peer broke no protocol rule) nor 1009 (the message may be small).
            LOG.log(Level.DEBUG, "message timeout; failing {0}", ws);
            messageStarted = 0;
            protocol.fail(CloseCodes.POLICY_VIOLATION, "message too slow");
            afterProtocol();
            return;
        }
        if (!protocol.canSend()) {
            return;
        }
        if (shouldPing(now)) {
            protocol.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, now));
            markDirty();
        }
        if (!config.idleTimeout().isZero()
                && now - deadlineOrActivity >= config.idleTimeout().toNanos()) {
            close(CloseCodes.GOING_AWAY, "idle timeout");
        }
    }

    /** Whether to send a keepalive Ping now (at most one outstanding); if so, its Pong is awaited. */
    private boolean shouldPing(long now) {
        if (pingDue == 0 || now - pingDue < 0) {
            return false;
        }
        pingDue = now + config.pingInterval().toNanos();
        if (pongDeadline != 0) {
            return false;
        }
        pongDeadline = now + config.pongTimeout().toNanos();
        return true;
    }

    // ------------------------------------------------------------------ teardown

    /** Closes at once without a close handshake; the handler sees 1006 if it had not seen a close. */
    public void abort() {
        closedHere = true;
        drop();
    }

    /** As {@link #abort}, for a connection the socket failed under (not this end's decision). */
    private void drop() {
        if (protocol != null) {
            protocol.receiveEof(); // delivers 1006 unless a close was already delivered
        } else if (!isDestroyed()) {
            upgrade.onFailure(this, new IOException("connection aborted"));
        }
        destroy();
    }

    private void fail(Throwable e) {
        if (isDestroyed()) {
            return;
        }
        if (ws != null) {
            ws.dispatchError(e);
        } else if (protocol == null) {
            // Before the upgrade completed (TCP, proxy, TLS, HTTP): the caller gets the real cause.
            upgrade.onFailure(this, e);
            destroy();
            return;
        }
        drop();
    }

    /** Frees the socket and every pooled buffer; idempotent. */
    public void destroy() {
        if (isDestroyed()) {
            return;
        }
        lifecycle = Lifecycle.DESTROYED;
        if (metrics != null) {
            reportOut(); // what went out since the last flush (the close frame, a last message)
        }
        if (protocol != null) {
            protocol.receiveEof(); // a no-op once the close was delivered
        }
        closeSocket(); // key, socket, queued buffers
        loop.removeTicking(this);
        if (listener != null) {
            listener.onDestroyed(this);
        }
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
