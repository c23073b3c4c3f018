package io.duplex.internal;

import io.duplex.WebSocketConfig;
import io.duplex.extension.Extension;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.protocol.Role;
import io.duplex.protocol.State;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * One socket on one event loop: transport (TCP or TLS) → HTTP upgrade → {@link Protocol}. Reads
 * into the loop's shared buffer (a connection keeps no read buffer of its own), feeds the upgrade
 * or the protocol, dispatches events, and flushes its corked output at the end of the loop pass.
 * Deadlines (handshake, close, keepalive, idle) are checked on the loop's tick.
 *
 * <p>Threading: confined to its event loop (DESIGN invariant 5); {@link WebSocketImpl} hands
 * calls from other threads to the loop.
 */
public final class Connection implements EventLoop.Handler, EventLoop.Ticking, EventLoop.Flushable {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final int READS_PER_PASS = 16;

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
    }

    enum Phase {
        CONNECTING,
        TRANSPORT_HANDSHAKE,
        UPGRADE,
        OPEN,
        CLOSED
    }

    final EventLoop loop;
    final WebSocketConfig config;
    /** {@link #engineConfig(ProtocolConfig)} of {@code config.protocol()}, shared by the owner's connections. */
    private final ProtocolConfig engineConfig;
    /** The HTTP upgrade; dropped once the protocol is installed, so an idle connection does not keep it. */
    private Upgrade upgrade;

    private final Listener listener;
    private Transport transport;
    private SelectionKey key;
    private Phase phase;
    private Outbound outbound;
    private Protocol protocol;
    private WebSocketImpl ws;

    private long handshakeDeadline;
    private long closeDeadline;
    private long pingDue;
    private long pongDeadline;
    private long lastActivity;
    private boolean dirty;
    private boolean writeInterest;
    private boolean readPaused;
    private boolean aboveHighWater;
    private boolean closeWhenFlushed;
    private boolean outputShut;
    private boolean destroyed;

    public Connection(
            EventLoop loop,
            WebSocketConfig config,
            ProtocolConfig engineConfig,
            Transport transport,
            Upgrade upgrade,
            Listener listener) {
        this.loop = loop;
        this.config = config;
        this.engineConfig = engineConfig;
        this.transport = transport;
        this.upgrade = upgrade;
        this.listener = listener;
        this.outbound = new Outbound(loop.pool());
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Registers the socket; {@code connected} is false for a client whose TCP connect is pending.
     * {@code timeoutNanos} bounds the opening handshake, or only the TCP connect when it is pending
     * (the handshake timeout then starts once connected).
     */
    public void register(boolean connected, long timeoutNanos) throws IOException {
        handshakeDeadline = System.nanoTime() + timeoutNanos;
        key = loop.register(transport.channel(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        loop.addTicking(this);
        if (connected) {
            phase = Phase.TRANSPORT_HANDSHAKE;
            advanceTransportHandshake();
        } else {
            phase = Phase.CONNECTING;
        }
    }

    /** Swaps the transport (e.g. TLS over a tunnel established through a proxy). */
    public void transport(Transport t) {
        this.transport = t;
    }

    public Transport transport() {
        return transport;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Extends the handshake deadline (e.g. after the TCP connect, for the rest). */
    public void handshakeDeadline(long nanosFromNow) {
        handshakeDeadline = System.nanoTime() + nanosFromNow;
    }

    private void advanceTransportHandshake() throws IOException {
        Transport.HandshakeStatus status = transport.handshake();
        switch (status) {
            case DONE -> {
                phase = Phase.UPGRADE;
                interest(SelectionKey.OP_READ);
                upgrade.start(this);
                flush();
                if (transport.hasBufferedReads()) {
                    onReadable();
                }
            }
            case NEED_READ -> interest(SelectionKey.OP_READ);
            case NEED_WRITE -> interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
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
                .events(this::onEvent)
                .output(this::output)
                .build();
        phase = Phase.OPEN;
        upgrade = null; // only used before the protocol exists (tick, abort and fail check)
        long now = System.nanoTime();
        lastActivity = now;
        if (!config.pingInterval().isZero()) {
            pingDue = now + config.pingInterval().toNanos();
        }
        socket.opened(this);
        if (rest != null && rest.hasRemaining() && phase == Phase.OPEN) {
            protocol.receive(rest);
            afterProtocol();
        }
    }

    /**
     * The engine configuration the runtime uses for {@code config}: the same limits, with the
     * engine's auto-pong off. Pings are answered in onEvent, not by the engine, so that pongs count
     * against the outbound limit: a peer flooding pings without reading must not grow the queue
     * without bound (DESIGN invariant 7). A server or client derives it once, not per connection.
     */
    public static ProtocolConfig engineConfig(ProtocolConfig config) {
        return config.autoPong() ? config.toBuilder().autoPong(false).build() : config;
    }

    public Protocol protocol() {
        return protocol;
    }

    public boolean isOpenPhase() {
        return phase == Phase.OPEN;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    // ------------------------------------------------------------------ readiness

    @Override
    public void onReady(SelectionKey k) {
        try {
            if (!k.isValid()) {
                return;
            }
            if (k.isConnectable()) {
                if (transport.channel().finishConnect()) {
                    // The connect timeout covered the TCP connect; the rest of the opening
                    // handshake (proxy, TLS, HTTP) gets the handshake timeout of its own.
                    handshakeDeadline(config.handshakeTimeout().toNanos());
                    phase = Phase.TRANSPORT_HANDSHAKE;
                    advanceTransportHandshake();
                }
                return;
            }
            if (phase == Phase.TRANSPORT_HANDSHAKE) {
                advanceTransportHandshake();
                return;
            }
            if (k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                onReadable();
            }
        } catch (Throwable e) {
            // Errors too (a StackOverflowError in a parser, an OutOfMemoryError for one message):
            // they cost this connection, not the loop and its other connections.
            fail(e);
        }
    }

    private void onReadable() throws IOException {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < READS_PER_PASS && !destroyed && !readPaused; i++) {
            buf.clear();
            int n = transport.read(buf);
            if (n < 0) {
                onEof();
                return;
            }
            if (n == 0 && !transport.hasBufferedReads()) {
                break;
            }
            buf.flip();
            onData(buf);
            buf.clear();
            if (n < buf.capacity() && !transport.hasBufferedReads()) {
                break;
            }
        }
        markDirty();
    }

    private void onData(ByteBuffer buf) throws IOException {
        switch (phase) {
            case UPGRADE -> upgrade.onData(this, buf);
            case OPEN -> {
                protocol.receive(buf);
                afterProtocol();
            }
            default -> buf.position(buf.limit()); // closing: discard (RFC 6455 §5.5.1)
        }
    }

    private void onEof() {
        if (phase == Phase.OPEN) {
            protocol.receiveEof();
        } else if (phase != Phase.CLOSED) {
            upgrade.onFailure(this, new IOException("connection closed by peer during the handshake"));
        }
        destroy();
    }

    // ------------------------------------------------------------------ events

    private void onEvent(Event event) {
        // Java 17: no pattern matching for switch yet; the sealed hierarchy keeps this exhaustive.
        if (event instanceof Event.Text t) {
            lastActivity = System.nanoTime();
            ws.dispatchText(t.text());
        } else if (event instanceof Event.Binary b) {
            lastActivity = System.nanoTime();
            ws.dispatchBinary(b.data());
        } else if (event instanceof Event.Ping p) {
            if (config.protocol().autoPong()) {
                ws.answerPing(p.data());
            }
            if (!destroyed) {
                ws.dispatchPing(p.data());
            }
        } else if (event instanceof Event.Pong p) {
            pongDeadline = 0;
            ws.dispatchPong(p.data());
        } else if (event instanceof Event.Close c) {
            ws.dispatchClose(c);
        } else if (event instanceof Event.Fragment f) {
            ws.dispatchBinary(f.data());
        }
    }

    /** After the protocol consumed input or sent a close: arm or act on the close. */
    void afterProtocol() {
        if (protocol.shouldCloseTransport()) {
            closeWhenFlushed();
        } else if (protocol.closeExpected() && closeDeadline == 0) {
            closeDeadline = System.nanoTime() + config.closeTimeout().toNanos();
        }
        markDirty();
    }

    // ------------------------------------------------------------------ output

    private void output(ByteBuffer header, ByteBuffer payload) {
        try {
            outbound.add(header, payload, transport, !writeInterest);
            if (!writeInterest && outbound.bufferedAmount() >= config.highWaterMark() && phase == Phase.OPEN) {
                // Corking batches a burst, but not past the high-water mark: write it out now so a
                // burst (e.g. many publishes in one loop pass) does not hit the outbound limit of
                // a consumer that is in fact keeping up.
                flush();
            }
        } catch (IOException e) {
            // The write failed: the socket is gone. Finish on the loop, not inside the protocol.
            loop.execute(() -> fail(e));
        }
        markDirty();
    }

    /** Queues raw bytes (HTTP responses during the upgrade). */
    public void writeRaw(ByteBuffer bytes) {
        output(bytes, ByteBuffer.allocate(0));
    }

    public long bufferedAmount() {
        return outbound.bufferedAmount();
    }

    /** Completes when everything queued so far is written (or fails when the connection ends). */
    void whenWritten(java.util.concurrent.CompletableFuture<Void> future) {
        outbound.whenWritten(future);
        markDirty();
    }

    private void markDirty() {
        if (!dirty && !destroyed) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    @Override
    public void flush() {
        dirty = false;
        if (destroyed) {
            return;
        }
        try {
            boolean done = outbound.write(transport);
            interest(done ? readInterest() : readInterest() | SelectionKey.OP_WRITE);
            writeInterest = !done;
            long buffered = outbound.bufferedAmount();
            if (buffered > config.highWaterMark()) {
                aboveHighWater = true;
            } else if (aboveHighWater && buffered <= config.lowWaterMark() && ws != null) {
                aboveHighWater = false;
                ws.dispatchDrain();
            }
            if (done && closeWhenFlushed && !outputShut) {
                // RFC 6455 §7.1.1: the server closes TCP first; half-close, then wait for the
                // peer's FIN (bounded by the close timeout) so the close frame is not lost to RST.
                outputShut = true;
                transport.shutdownOutput();
                if (closeDeadline == 0 || closeDeadline - System.nanoTime() > 1_000_000_000L) {
                    closeDeadline =
                            System.nanoTime() + Math.min(config.closeTimeout().toNanos(), 1_000_000_000L);
                }
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** {@code send} answered BUFFERED: {@code onDrain} follows once the queue is below the low mark. */
    void promiseDrain() {
        aboveHighWater = true;
        markDirty();
    }

    private int readInterest() {
        return readPaused ? 0 : SelectionKey.OP_READ;
    }

    private void interest(int ops) {
        if (key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Read backpressure: stop reading while handlers lag (DESIGN §4). */
    void pauseReading(boolean pause) {
        if (readPaused != pause && !destroyed) {
            readPaused = pause;
            interest(readInterest() | (writeInterest ? SelectionKey.OP_WRITE : 0));
            if (!pause && transport.hasBufferedReads()) {
                // TLS may hold decrypted bytes already: no readiness event will come for them.
                try {
                    onReadable();
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            }
        }
    }

    /** Starts the close handshake as {@link WebSocketImpl#close} does (on the loop, once open). */
    public void startClose(int code, String reason) {
        if (ws != null) {
            ws.close(code, reason);
        }
    }

    /** After queued bytes are written, close the transport (server after close, failures). */
    public void closeWhenFlushed() {
        closeWhenFlushed = true;
        phase = Phase.CLOSED;
        if (closeDeadline == 0) {
            closeDeadline = System.nanoTime() + config.closeTimeout().toNanos();
        }
        markDirty();
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void tick(long now) {
        if (destroyed) {
            return;
        }
        if (closeDeadline != 0 && now - closeDeadline >= 0) {
            abort();
            return;
        }
        switch (phase) {
            case CONNECTING, TRANSPORT_HANDSHAKE, UPGRADE -> {
                if (now - handshakeDeadline >= 0) {
                    upgrade.onFailure(this, new java.util.concurrent.TimeoutException("opening handshake timed out"));
                    destroy();
                }
            }
            case OPEN -> tickOpen(now);
            default -> {}
        }
    }

    private void tickOpen(long now) {
        if (pongDeadline != 0 && now - pongDeadline >= 0) {
            // No pong: the peer or the path is gone (half-open). Fail with 1011 like python
            // websockets' keepalive, and do not wait for a close handshake that cannot happen.
            LOG.log(Level.DEBUG, "keepalive pong timeout; aborting");
            ws.closeForTimeout(1011, "keepalive ping timeout");
            abort();
            return;
        }
        if (pingDue != 0 && now - pingDue >= 0 && protocol.canSend()) {
            pingDue = now + config.pingInterval().toNanos();
            if (pongDeadline == 0) {
                pongDeadline = now + config.pongTimeout().toNanos();
                protocol.sendPing(ByteBuffer.allocate(8).putLong(0, now));
                markDirty();
            }
        }
        if (!config.idleTimeout().isZero()
                && now - lastActivity >= config.idleTimeout().toNanos()
                && protocol.canSend()) {
            ws.close(1001, "idle timeout");
        }
    }

    /** Records outgoing data for the idle timer. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    // ------------------------------------------------------------------ teardown

    /** Closes at once without a close handshake; the handler sees 1006 if it had not seen a close. */
    public void abort() {
        if (protocol != null) {
            protocol.receiveEof(); // delivers 1006 unless a close was already delivered
        } else if (!destroyed) {
            upgrade.onFailure(this, new IOException("connection aborted"));
        }
        destroy();
    }

    private void fail(Throwable e) {
        if (destroyed) {
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
        abort();
    }

    /** Frees the socket and every pooled buffer; idempotent. */
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        phase = Phase.CLOSED;
        if (protocol != null && protocol.state() != State.CLOSED) {
            protocol.receiveEof();
        }
        if (key != null) {
            key.cancel();
        }
        transport.close();
        outbound.clear(new IOException("connection closed"));
        loop.removeTicking(this);
        if (listener != null) {
            listener.onDestroyed(this);
        }
    }
}
