package io.duplex.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A connection's write queue. Corking: frames queued during one loop pass leave in one write.
 * Small frames are copied into pooled batch buffers; a large payload is written straight from the
 * caller's buffer in a gathering write when the socket takes it, and only the part the socket
 * refuses is copied — so {@code send} never keeps a reference to the caller's buffer.
 *
 * <p>Memory: every queued byte lives in a pooled batch, and a frame is appended to the last batch
 * while it has room — also after a flush the socket refused (a peer that does not read). So a
 * queue of {@code n} frame bytes holds at most {@code n + 2 × batch size} of memory (a partly
 * written first batch and a partly filled last one), whatever the frames' sizes and timing; the
 * outbound limit therefore bounds real memory, not just message bytes.
 *
 * <p>Threading: confined to the connection's event loop, except {@link #bufferedAmount()} and
 * {@link #reserve}, which any thread may call.
 */
final class Outbound {
    /** Payloads at least this large are written from the caller's buffer (gathered), not batched. */
    static final int GATHER_THRESHOLD = 8 * 1024;

    private final BufferPool pool;
    // The queue: every entry is a pooled batch in read mode (position..limit unwritten); the last
    // one is appended to while it has room (limit < capacity). Most connections are idle, and a
    // busy one rarely holds more than one batch, so the oldest batch is a field and a deque is
    // made only for a backlog (and dropped when it is written): an idle connection holds two
    // null references, not a deque and its array (48 bytes of the idle-memory budget), and a
    // write walks no iterator.
    private ByteBuffer first;
    private ArrayDeque<ByteBuffer> more;
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(Outbound.class, "queued", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Frame bytes queued and not yet written, plus bytes other threads reserved for sends handed
     * to the loop and not yet framed: what {@code bufferedAmount} reports and the outbound limit
     * checks, as one number, so a send moving from reserved to queued is never counted twice or
     * not at all by a reader on another thread.
     */
    private volatile long queued;
    /** Frame bytes queued and not yet written (loop only). */
    private long frameBytes;
    /** Reserved bytes the next queued frame takes over (loop only); see {@link #credit}. */
    private long credit;
    /** Bytes ever queued / written, to complete {@code sendAsync} futures in order. */
    private long enqueuedTotal;

    private long writtenTotal;
    /** Futures of {@code sendAsync}, made on the first (most connections never have one). */
    private ArrayDeque<WriteMark> marks;

    private record WriteMark(long position, CompletableFuture<Void> future) {}

    Outbound(BufferPool pool) {
        this.pool = pool;
    }

    /** Bytes queued or reserved and not yet written; readable from any thread. */
    long bufferedAmount() {
        return queued;
    }

    /** Pooled batches held (loop only): at most {@code frameBytes / batch size + 2}. */
    int batches() {
        return first == null ? 0 : 1 + (more == null ? 0 : more.size());
    }

    private ByteBuffer lastBatch() {
        return more != null ? more.peekLast() : first;
    }

    private void addBatch(ByteBuffer b) {
        if (first == null) {
            first = b;
        } else {
            if (more == null) {
                more = new ArrayDeque<>(4);
            }
            more.add(b);
        }
    }

    private ByteBuffer pollBatch() {
        ByteBuffer b = first;
        if (more == null) {
            first = null;
        } else {
            first = more.poll();
            if (more.isEmpty()) {
                more = null;
            }
        }
        return b;
    }

    /** Frame bytes queued and not yet written (loop only). */
    long frameBytes() {
        return frameBytes;
    }

    /** Any thread: counts {@code n} bytes of a send handed to the loop before it is framed. */
    void reserve(long n) {
        QUEUED.getAndAdd(this, n);
    }

    /** Loop: gives back a reservation that will not be framed (or what is left of one). */
    void unreserve(long n) {
        if (n != 0) {
            QUEUED.getAndAdd(this, -n);
        }
    }

    /** Loop: the next frame queued takes over {@code n} reserved bytes in the same update. */
    void credit(long n) {
        credit = n;
    }

    /** Loop: the part of a {@link #credit} no frame took over (e.g. the send failed). */
    long takeCredit() {
        long c = credit;
        credit = 0;
        return c;
    }

    /** Queues one frame; {@code header} and {@code payload} are copied or written before return. */
    void add(ByteBuffer header, ByteBuffer payload, Transport transport, boolean socketWritable) throws IOException {
        int size = header.remaining() + payload.remaining();
        frameBytes += size;
        QUEUED.getAndAdd(this, size - credit);
        credit = 0;
        enqueuedTotal += size;
        if (payload.remaining() < GATHER_THRESHOLD) {
            copy(header);
            copy(payload);
            return;
        }
        // Large payload: flush what is corked plus this frame in one gathering write, then keep
        // a copy of whatever the socket did not take.
        if (socketWritable) {
            writeTo(transport, header, payload);
            completeMarks();
        }
        copy(header);
        copy(payload);
    }

    /** Appends {@code src} to the last batch, taking new batches from the pool as they fill. */
    private void copy(ByteBuffer src) {
        while (src.hasRemaining()) {
            ByteBuffer last = lastBatch();
            if (last == null || last.limit() == last.capacity()) {
                last = pool.take().flip(); // empty, in read mode
                addBatch(last);
            }
            int at = last.limit();
            int n = Math.min(src.remaining(), last.capacity() - at);
            last.limit(at + n);
            last.put(at, src, src.position(), n);
            src.position(src.position() + n);
        }
    }

    /**
     * Writes as much as the socket takes.
     *
     * @return true when everything queued has been written
     */
    boolean write(Transport transport) throws IOException {
        writeTo(transport, null, null);
        completeMarks();
        return first == null && !transport.hasPendingWrites();
    }

    private void writeTo(Transport transport, ByteBuffer header, ByteBuffer payload) throws IOException {
        if (!transport.flush()) {
            return;
        }
        ByteBuffer[] gather = pool.gatherArray();
        while (true) {
            int n = 0;
            if (first != null) {
                gather[n++] = first;
                if (more != null) {
                    for (ByteBuffer b : more) {
                        if (n == gather.length - 2) {
                            break;
                        }
                        gather[n++] = b;
                    }
                }
            }
            // The large frame goes last, and only once everything queued before it is in the write.
            if (n == batches() && payload != null && (header.hasRemaining() || payload.hasRemaining())) {
                gather[n++] = header;
                gather[n++] = payload;
            }
            if (n == 0) {
                return;
            }
            long written;
            try {
                written = transport.write(gather, 0, n);
            } finally {
                Arrays.fill(gather, 0, n, null); // shared by the loop: keep no buffer reachable
            }
            frameBytes -= written;
            QUEUED.getAndAdd(this, -written);
            writtenTotal += written;
            while (first != null && !first.hasRemaining()) {
                pool.release(pollBatch());
            }
            if (written == 0 || transport.hasPendingWrites()) {
                return;
            }
        }
    }

    /** Completes {@code future} once every byte queued so far has been written. */
    void whenWritten(CompletableFuture<Void> future) {
        if (writtenTotal >= enqueuedTotal) {
            future.complete(null);
        } else {
            if (marks == null) {
                marks = new ArrayDeque<>(2);
            }
            marks.add(new WriteMark(enqueuedTotal, future));
        }
    }

    private void completeMarks() {
        if (marks == null) {
            return;
        }
        while (!marks.isEmpty() && marks.peek().position() <= writtenTotal) {
            marks.poll().future().complete(null);
        }
        if (marks.isEmpty()) {
            marks = null;
        }
    }

    /** Frees every pooled buffer (on close, errors included: invariant 4 in docs/ARCHITECTURE.md). */
    void clear(Throwable cause) {
        while (marks != null && !marks.isEmpty()) {
            marks.poll().future().completeExceptionally(cause);
        }
        marks = null;
        while (first != null) {
            pool.release(pollBatch());
        }
        QUEUED.getAndAdd(this, -frameBytes); // reservations are given back by their own tasks
        frameBytes = 0;
    }
}
