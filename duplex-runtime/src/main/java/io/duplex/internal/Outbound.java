package io.duplex.internal;

import java.io.IOException;
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
 * <p>A queue exists only while it holds something: a connection borrows one from its loop's {@link
 * Pool} when it queues bytes and gives it back once everything is written and no {@code sendAsync}
 * waits ({@link #atRest()}), so an idle connection holds none (72 bytes of the idle-memory budget).
 * What other threads read or reserve ({@code bufferedAmount}) is the connection's own count, which
 * the queue keeps up to date through {@link Count}.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class Outbound {
    /** The connection's count of queued and reserved bytes, which any thread may read. */
    interface Count {
        void addQueued(long delta);
    }

    /**
     * The queues of one event loop's connections, kept for reuse so that taking and giving back
     * per burst costs no allocation, by the batches' rule ({@link RecentPeakPool}): a broadcast to
     * 1,000 subscribers borrows 1,000 queues every pass and finds them again the next.
     *
     * <p>Threading: confined to its event loop.
     */
    static final class Pool {
        private final RecentPeakPool<Outbound> free;

        Pool(BufferPool buffers, int minPooled) {
            this.free = new RecentPeakPool<>(minPooled, () -> new Outbound(buffers));
        }

        /** An empty queue that reports to {@code count}. */
        Outbound take(Count count) {
            return free.take().lentTo(count);
        }

        /** Takes back a queue that is {@link #atRest()}. */
        void give(Outbound o) {
            o.count = null;
            o.enqueuedTotal = 0;
            o.writtenTotal = 0;
            free.release(o);
        }

        /** A lent queue that will not come back (its socket closed with it). */
        void forget() {
            free.forget();
        }

        /** Gives the GC the idle queues beyond the peak of the interval that just ended. */
        void trim() {
            free.trim();
        }

        /** Idle queues held now. */
        int idle() {
            return free.pooled();
        }
    }

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
    /** The borrowing connection's count, while lent. */
    private Count count;
    /** Frame bytes queued and not yet written (loop only). */
    private long frameBytes;
    /** Reserved bytes the next queued frame takes over (loop only); see {@link #credit}. */
    private long credit;
    /** Bytes ever queued / written, to complete {@code sendAsync} futures in order. */
    private long enqueuedTotal;

    private long writtenTotal;
    /**
     * Frames shared with other connections (a broadcast's prepared frame), queued by reference
     * while nothing else is: at flush they are copied into one pooled batch, written from it, and
     * the batch goes back to the pool at once, so the next connection's flush copies into the same
     * (cache-hot) memory — as uWebSockets drains its subscribers through its one cork buffer. Only
     * what the socket refuses is copied into this queue's own batches. A broadcast to 1,000
     * subscribers thus holds one batch, not 1,000, and copies nothing at publish time. A frame
     * queued any other way first turns these into copies, so the order holds. Made once per
     * pooled queue.
     */
    private ByteBuffer[] shared;

    private int sharedCount;
    /** At most this many shared frames by reference; more, and they are copied. */
    private static final int MAX_SHARED = 64;
    /** Futures of {@code sendAsync}, made on the first (most connections never have one). */
    private ArrayDeque<WriteMark> marks;

    private record WriteMark(long position, CompletableFuture<Void> future) {}

    Outbound(BufferPool pool) {
        this.pool = pool;
    }

    /** This queue, reporting to {@code count} from now on (lent by a {@link Pool}, or made by a test). */
    Outbound lentTo(Count count) {
        this.count = count;
        return this;
    }

    /** Nothing queued, credited or awaited: the queue can go back to its pool. */
    boolean atRest() {
        return first == null && sharedCount == 0 && frameBytes == 0 && credit == 0 && marks == null;
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
        counted(size);
        if (sharedCount > 0) {
            copyShared(0); // they were queued first
        }
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

    /**
     * Queues a frame shared with other connections ({@link io.duplex.protocol.Protocol.Output#writeShared}):
     * by reference while nothing else is queued and it is small, else copied. Reads it with
     * absolute indices only.
     */
    void addShared(ByteBuffer frame) {
        int size = frame.remaining();
        counted(size);
        if (sharedCount == MAX_SHARED) {
            copyShared(0);
        }
        if (first != null || size > pool.bufferSize() / 2) {
            copy(frame, frame.position(), frame.limit());
            return;
        }
        if (shared == null) {
            shared = new ByteBuffer[MAX_SHARED];
        }
        shared[sharedCount++] = frame;
    }

    /** A frame of {@code size} bytes joins the queue: counted, taking over the credit. */
    private void counted(int size) {
        frameBytes += size;
        count.addQueued(size - credit);
        credit = 0;
        enqueuedTotal += size;
    }

    /** Copies the shared frames from index {@code from} on into batches, in order, and forgets them. */
    private void copyShared(int from) {
        for (int i = from; i < sharedCount; i++) {
            ByteBuffer f = shared[i];
            copy(f, f.position(), f.limit());
        }
        forgetShared();
    }

    /** Drops the references to shared frames (they are written, copied or no longer wanted). */
    private void forgetShared() {
        Arrays.fill(shared, 0, sharedCount, null);
        sharedCount = 0;
    }

    /** Appends {@code src} to the last batch, taking new batches from the pool as they fill. */
    private void copy(ByteBuffer src) {
        copy(src, src.position(), src.limit());
        src.position(src.limit());
    }

    /** Appends {@code src}'s bytes from {@code from} to {@code to}, leaving its position alone. */
    private void copy(ByteBuffer src, int from, int to) {
        while (from < to) {
            ByteBuffer last = lastBatch();
            if (last == null || last.limit() == last.capacity()) {
                last = pool.take().flip(); // empty, in read mode
                addBatch(last);
            }
            int at = last.limit();
            int n = Math.min(to - from, last.capacity() - at);
            last.limit(at + n);
            last.put(at, src, from, n);
            from += n;
        }
    }

    /**
     * Writes the shared frames through one pooled batch, filled and written as often as they need.
     *
     * @return true when the socket took them all; else what it refused is now in this queue's
     *     batches, in order
     */
    private boolean writeShared(Transport transport) throws IOException {
        ByteBuffer cork = pool.take();
        ByteBuffer[] gather = pool.gatherArray();
        try {
            int i = 0;
            while (i < sharedCount) {
                cork.clear();
                for (; i < sharedCount && shared[i].remaining() <= cork.remaining(); i++) {
                    ByteBuffer f = shared[i];
                    int n = f.remaining();
                    cork.put(cork.position(), f, f.position(), n);
                    cork.position(cork.position() + n);
                }
                cork.flip();
                gather[0] = cork;
                long written;
                try {
                    written = transport.write(gather, 0, 1);
                } finally {
                    gather[0] = null;
                }
                wrote(written);
                if (cork.hasRemaining() || transport.hasPendingWrites()) {
                    copy(cork); // the socket is full: keep the rest, in order
                    copyShared(i);
                    return false;
                }
            }
            forgetShared();
            return true;
        } finally {
            pool.release(cork);
        }
    }

    private void wrote(long written) {
        frameBytes -= written;
        count.addQueued(-written);
        writtenTotal += written;
    }

    /**
     * Writes as much as the socket takes.
     *
     * @return true when everything queued has been written
     */
    boolean write(Transport transport) throws IOException {
        writeTo(transport, null, null);
        completeMarks();
        return first == null && sharedCount == 0 && !transport.hasPendingWrites();
    }

    private void writeTo(Transport transport, ByteBuffer header, ByteBuffer payload) throws IOException {
        if (!transport.flush()) {
            return;
        }
        if (sharedCount > 0 && !writeShared(transport)) {
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
            wrote(written);
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
        if (sharedCount > 0) {
            forgetShared();
        }
        while (first != null) {
            pool.release(pollBatch());
        }
        count.addQueued(-frameBytes); // reservations are given back by their own tasks
        frameBytes = 0;
    }
}
