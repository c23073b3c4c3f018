package io.duplex.internal;

import io.duplex.WebSocketConfig;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;

/**
 * The socket half of a {@link Connection}, its only subclass: the {@link Transport} and selection
 * key, the interest ops, the read loop into the loop's shared buffer, and the corked output ({@link
 * Outbound}) written when the connection flushes — at the end of the loop pass, on OP_WRITE, or
 * early at the high-water mark. It moves bytes and knows nothing of frames: it never calls the
 * engine, and every decision above the bytes (lifecycle, limits, timers, failures, teardown) is the
 * connection's, through the hooks below. A superclass rather than an object of its own so that an
 * idle connection pays no second object header and back reference (the idle-memory budget).
 *
 * <p>Threading: confined to the connection's event loop (invariant 5, docs/ARCHITECTURE.md),
 * except {@link #queuedBytes()} and {@link #reserve}, which any thread may call (one atomic count).
 */
abstract class SocketIo implements EventLoop.Handler, EventLoop.Flushable, Outbound.Count {
    /** Reads per readiness event, so one busy socket cannot hold the loop from the others. */
    private static final int READS_PER_PASS = 16;

    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(SocketIo.class, "queued", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final EventLoop loop;
    final WebSocketConfig config;
    /** Borrowed from the loop while something is queued or awaited; null otherwise ({@link Outbound}). */
    private Outbound outbound;
    /**
     * Frame bytes queued and not yet written, plus bytes other threads reserved for sends handed
     * to the loop and not yet framed: what {@code bufferedAmount} reports and the outbound limit
     * checks, as one number, so a send moving from reserved to queued is never counted twice or
     * not at all by a reader on another thread.
     */
    private volatile long queued;

    private Transport transport;
    private SelectionKey key;

    private boolean dirty;
    private boolean writeInterest;
    private boolean readPaused;
    private boolean aboveHighWater;

    SocketIo(EventLoop loop, WebSocketConfig config, Transport transport) {
        this.loop = loop;
        this.config = config;
        this.transport = transport;
    }

    // ------------------------------------------------------------------ hooks (the connection's)

    /** Bytes read (the loop's shared buffer, valid during the call). */
    abstract void onData(ByteBuffer buf) throws IOException;

    /** The peer ended the stream. */
    abstract void onEof();

    /** The queue fell to the low-water mark after passing the high one ({@code onDrain}). */
    abstract void onDrained();

    /** Whether the socket is closed for good (nothing is read, written or marked after that). */
    abstract boolean isDestroyed();

    // ------------------------------------------------------------------ socket

    public Transport transport() {
        return transport;
    }

    /** Swaps the transport (e.g. TLS over a tunnel established through a proxy). */
    public void transport(Transport t) {
        this.transport = t;
    }

    /** Registers the channel with the loop, for OP_READ, or OP_CONNECT while the connect is pending. */
    void registerChannel(boolean connected) throws IOException {
        key = loop.register(transport.channel(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
    }

    /** Completes a pending TCP connect; true once connected. */
    boolean finishConnect() throws IOException {
        return transport.channel().finishConnect();
    }

    /**
     * Advances the transport's own handshake (TLS), asking for the readiness it needs next.
     *
     * @return true when the transport carries application bytes (then only OP_READ is asked for)
     */
    boolean transportHandshake() throws IOException {
        switch (transport.handshake()) {
            case DONE -> {
                interest(SelectionKey.OP_READ);
                return true;
            }
            case NEED_READ -> interest(SelectionKey.OP_READ);
            case NEED_WRITE -> interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        return false;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads what the socket has into the loop's shared buffer (a connection keeps no read buffer
     * of its own) and hands each chunk to {@link Connection#onData}, or the end of the stream to
     * {@link Connection#onEof}; stops once the connection is destroyed or reading is paused. A
     * short read ends the pass unless TLS still holds decrypted bytes.
     */
    void read() throws IOException {
        ByteBuffer buf = loop.readBuffer();
        int reads = 0;
        for (; reads < READS_PER_PASS && !isDestroyed() && !readPaused; reads++) {
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
        if (reads == READS_PER_PASS && !isDestroyed() && !readPaused && transport.hasBufferedReads()) {
            // The budget is spent while TLS still holds whole records. The socket may be empty
            // already, and then no readiness event would ever come for them: read them in the next
            // pass, after the loop's other connections had their turn.
            loop.execute(this::readOn);
        }
        markDirty();
    }

    /** Continues a read pass that ran out of budget (see {@link #read}); fails the connection on error. */
    abstract void readOn();

    /** Whether the transport holds decrypted bytes (TLS) that no readiness event will announce. */
    boolean hasBufferedReads() {
        return transport.hasBufferedReads();
    }

    /**
     * Read backpressure: stops or resumes asking for OP_READ (not after destroy).
     *
     * @return true when reading resumed and TLS holds decrypted bytes: the caller reads them now,
     *     since no readiness event will come for them
     */
    boolean pauseReads(boolean pause) {
        if (readPaused == pause || isDestroyed()) {
            return false;
        }
        readPaused = pause;
        interest(readInterest() | (writeInterest ? SelectionKey.OP_WRITE : 0));
        return !pause && transport.hasBufferedReads();
    }

    private int readInterest() {
        return readPaused ? 0 : SelectionKey.OP_READ;
    }

    private void interest(int ops) {
        if (key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Queues one frame (or raw bytes); a large payload may be written at once if the socket is
     * not waiting for OP_WRITE (see {@link Outbound#add}).
     *
     * @return true when the queue reached the high-water mark and the socket is not waiting for
     *     OP_WRITE: a flush now may write it out
     * @throws IOException when a write failed (the socket is gone)
     */
    boolean queue(ByteBuffer header, ByteBuffer payload) throws IOException {
        Outbound out = outbound();
        out.add(header, payload, transport, !writeInterest);
        boolean full = atHighWater(out);
        giveBackIfAtRest(); // a large frame the socket took whole leaves nothing queued
        return full;
    }

    /**
     * Queues a frame shared with other connections by reference (see {@link Outbound#addShared}).
     *
     * @return as {@link #queue}
     */
    boolean queueShared(ByteBuffer frame) {
        Outbound out = outbound();
        out.addShared(frame);
        return atHighWater(out);
    }

    /** The queue reached the high-water mark and the socket is not waiting for OP_WRITE. */
    private boolean atHighWater(Outbound out) {
        return !writeInterest && out.frameBytes() >= config.highWaterMark();
    }

    /** The queue, borrowed from the loop's pool if none is held. */
    private Outbound outbound() {
        Outbound out = outbound;
        if (out == null) {
            out = outbound = loop.outbounds().take(this);
        }
        return out;
    }

    /**
     * Gives the queue back once nothing is queued, credited or awaited, unless the socket is
     * closed: a closed connection's queue is left to the GC with it, never lent again.
     */
    private void giveBackIfAtRest() {
        Outbound out = outbound;
        if (out != null && out.atRest() && !isDestroyed()) {
            outbound = null;
            loop.outbounds().give(out);
        }
    }

    private long frameBytes() {
        Outbound out = outbound;
        return out == null ? 0 : out.frameBytes();
    }

    @Override
    public void addQueued(long delta) {
        QUEUED.getAndAdd(this, delta);
    }

    /** Queued or reserved bytes not yet written; any thread. */
    long queuedBytes() {
        return queued;
    }

    /** Any thread: counts {@code n} bytes of a send handed to the loop until it is framed. */
    void reserve(long n) {
        QUEUED.getAndAdd(this, n);
    }

    /** Loop: the next frame queued takes over {@code reserved} bytes (see {@link Outbound#credit}). */
    void creditNextFrame(long reserved) {
        outbound().credit(reserved);
    }

    /** Loop: gives back {@code n} reserved bytes and whatever credit no frame took over. */
    void unreserve(long n) {
        long back = n + (outbound == null ? 0 : outbound.takeCredit());
        if (back != 0) {
            QUEUED.getAndAdd(this, -back);
        }
        giveBackIfAtRest();
    }

    /** A BUFFERED send promises an {@code onDrain}, whatever the flush finds. */
    void promiseDrain() {
        aboveHighWater = true;
        markDirty();
    }

    /** Completes {@code future} when everything queued so far is written. */
    void whenQueueWritten(CompletableFuture<Void> future) {
        if (outbound == null) {
            future.complete(null); // nothing is queued: every byte so far is written
        } else {
            outbound.whenWritten(future);
        }
        markDirty();
    }

    /** Asks the loop to flush the connection at the end of this pass; never after destroy. */
    void markDirty() {
        if (!dirty && !isDestroyed()) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /**
     * Flushes now if output is waiting for the end of the pass. The connection stays on the loop's
     * list, and the end-of-pass {@link #flushMarked()} then finds nothing marked and does nothing.
     */
    void flushIfDirty() {
        if (dirty) {
            flush();
        }
    }

    @Override
    public void flushMarked() {
        flushIfDirty();
    }

    /**
     * Writes what the socket takes, asks for OP_WRITE while bytes remain, and runs the drain
     * callback once the queue falls to the low-water mark after passing the high-water mark.
     *
     * @return true when everything queued is written; false after destroy, when nothing is done
     */
    boolean writeOut() throws IOException {
        dirty = false;
        if (isDestroyed()) {
            return false;
        }
        boolean done;
        if (outbound != null) {
            done = outbound.write(transport);
            giveBackIfAtRest();
        } else {
            done = transport.flush() && !transport.hasPendingWrites(); // TLS records, if any
        }
        interest(done ? readInterest() : readInterest() | SelectionKey.OP_WRITE);
        writeInterest = !done;
        long buffered = frameBytes();
        if (buffered > config.highWaterMark()) {
            aboveHighWater = true;
        } else if (aboveHighWater && buffered <= config.lowWaterMark()) {
            aboveHighWater = false;
            onDrained();
        }
        return done;
    }

    /** Half-close: ends the outgoing direction (TLS close_notify, then TCP FIN), best effort. */
    void shutdownOutput() {
        transport.shutdownOutput();
    }

    /**
     * Before {@link #closeSocket()} when this end gives up on a peer that is not reading: if bytes
     * are still unwritten, the close becomes a reset (SO_LINGER 0), so the kernel drops its send
     * queue at once instead of holding it (megabytes per peer) until its retransmissions time out.
     */
    void resetIfUnwritten() {
        if (frameBytes() == 0 && !transport.hasPendingWrites()) {
            return; // everything went out: an orderly FIN, so the peer reads it all
        }
        try {
            transport.channel().setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // Already closed: nothing is held.
        }
    }

    /** Cancels the key, closes the socket and frees every queued buffer, failing pending futures. */
    void closeSocket() {
        if (key != null) {
            key.cancel();
            transport.closeAfterDeregistration(loop);
        } else {
            transport.close();
        }
        // Without a stack trace: filled in on every close, it was 5 % of the loop's time when
        // every HTTP request has its own connection (Socket.IO long polling from Node clients).
        if (outbound != null) {
            outbound.clear(new ClosedException());
            loop.outbounds().forget(); // kept by this connection, never lent again
        }
    }

    /** Fails the sends still waiting when the socket closes (the stack trace would say nothing). */
    private static final class ClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("connection closed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
