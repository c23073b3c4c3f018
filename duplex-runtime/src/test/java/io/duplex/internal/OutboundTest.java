package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The write queue against a socket that takes what a test lets it: the memory a queue holds is its
 * bytes plus at most two batches whatever the frames' sizes and timing, and every byte leaves in
 * order.
 */
class OutboundTest {
    static final int BATCH = 16 * 1024;

    /** A socket whose send buffer takes {@code room} more bytes, then nothing (a peer not reading). */
    static final class Socket implements Transport {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        long room;

        @Override
        public SocketChannel channel() {
            throw new UnsupportedOperationException();
        }

        @Override
        public HandshakeStatus handshake() {
            return HandshakeStatus.DONE;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length && room > 0; i++) {
                ByteBuffer b = srcs[i];
                while (b.hasRemaining() && room > 0) {
                    sent.write(b.get());
                    room--;
                    n++;
                }
            }
            return n;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public boolean hasBufferedReads() {
            return false;
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public void close() {}

        @Override
        public void closeAfterDeregistration(EventLoop loop) {}
    }

    final OutboundBudget budget = new OutboundBudget(1 << 30);
    final BufferPool pool = new BufferPool(BATCH, 4, budget);
    final AtomicLong queued = new AtomicLong();
    final Outbound outbound = new Outbound(pool).lentTo(queued::addAndGet);
    final Socket socket = new Socket();

    @Test
    void smallFramesFlushedOneByOneToAPeerThatDoesNotReadShareBatches() throws IOException {
        // A Pong or a small broadcast per loop pass, each pass ending in a flush the socket refuses:
        // one 16 KiB batch per 127-byte frame before, which made 1 MiB of frames pin 128 MiB.
        for (int i = 0; i < 8_000; i++) {
            outbound.add(header(2), payload(125, i), socket, true);
            assertThat(outbound.write(socket)).isFalse();
            assertBounded();
        }
        assertThat(outbound.frameBytes()).isEqualTo(8_000 * 127);
        assertThat(budget.held()).isLessThanOrEqualTo(8_000 * 127 + 2L * BATCH);
    }

    @Test
    void largeAndSmallFramesInterleavedStayWithinTwoBatchesOfTheirBytes() throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 400; i++) {
            int size = random.nextBoolean() ? random.nextInt(200) : Outbound.GATHER_THRESHOLD + random.nextInt(40_000);
            ByteBuffer header = header(i % 14 + 1);
            ByteBuffer payload = payload(size, i);
            expected.write(header.array());
            expected.write(payload.array());
            socket.room = random.nextInt(3) == 0 ? random.nextInt(5_000) : 0;
            outbound.add(header, payload, socket, random.nextBoolean());
            outbound.write(socket);
            assertBounded();
        }
        socket.room = Long.MAX_VALUE;
        assertThat(outbound.write(socket)).isTrue();
        assertThat(socket.sent.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(outbound.batches()).isZero();
        assertThat(budget.held()).isZero();
    }

    @Test
    void clearGivesEveryBatchBack() throws IOException {
        for (int i = 0; i < 100; i++) {
            outbound.add(header(2), payload(1_000, i), socket, true);
            outbound.write(socket);
        }
        assertThat(budget.held()).isPositive();
        outbound.clear(new IOException("closed"));
        assertThat(budget.held()).isZero();
        assertThat(pool.outstanding()).isZero();
        assertThat(queued.get()).isZero();
    }

    @Test
    void sharedFramesLeaveThroughOneBatchAndAreNeverMoved() throws IOException {
        ByteBuffer[] frames = new ByteBuffer[40];
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < frames.length; i++) {
            frames[i] = payload(600 + i, i).asReadOnlyBuffer(); // 40 frames: more than one batch
            expected.write(bytes(frames[i]), 0, frames[i].remaining());
            outbound.addShared(frames[i]);
        }
        assertThat(outbound.batches()).isZero(); // queued by reference: nothing copied yet
        assertThat(queued.get()).isEqualTo(expected.size());
        assertThat(pool.outstanding()).isZero();
        socket.room = Long.MAX_VALUE;
        assertThat(outbound.write(socket)).isTrue();
        assertThat(socket.sent.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(queued.get()).isZero();
        assertThat(pool.outstanding()).isZero(); // the one batch went back
        assertThat(outbound.atRest()).isTrue();
        for (int i = 0; i < frames.length; i++) {
            assertThat(frames[i].position()).isZero(); // other connections read the same frames
            assertThat(frames[i].remaining()).isEqualTo(600 + i);
        }
    }

    @Test
    void whatTheSocketRefusesOfSharedFramesIsKeptInOrderWithWhatFollows() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            ByteBuffer f = payload(1_000, i).asReadOnlyBuffer();
            expected.write(bytes(f), 0, f.remaining());
            outbound.addShared(f);
        }
        socket.room = 2_500; // takes two and a half frames
        assertThat(outbound.write(socket)).isFalse();
        assertThat(outbound.frameBytes()).isEqualTo(7_500);
        // A frame of another kind, then shared ones again: all behind the refused bytes.
        ByteBuffer own = payload(300, 99);
        outbound.add(header(2), own.duplicate(), socket, false);
        ByteBuffer late = payload(50, 7).asReadOnlyBuffer();
        outbound.addShared(late);
        socket.room = Long.MAX_VALUE;
        assertThat(outbound.write(socket)).isTrue();
        byte[] sent = socket.sent.toByteArray();
        byte[] want = expected.toByteArray();
        // The expected stream: 10 frames, then the header and own payload, then the late frame.
        ByteArrayOutputStream inOrder = new ByteArrayOutputStream();
        inOrder.write(want, 0, 10_000);
        inOrder.write(header(2).array(), 0, 2);
        inOrder.write(bytes(own), 0, 300);
        inOrder.write(bytes(late), 0, 50);
        assertThat(sent).isEqualTo(inOrder.toByteArray());
        assertThat(queued.get()).isZero();
        assertThat(outbound.atRest()).isTrue();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void clearForgetsSharedFrames() throws IOException {
        outbound.addShared(payload(100, 1).asReadOnlyBuffer());
        outbound.clear(new IOException("closed"));
        assertThat(outbound.atRest()).isTrue();
        assertThat(queued.get()).isZero();
    }

    @Test
    void aQueueIsAtRestOnlyWithNothingQueuedCreditedOrAwaited() throws IOException {
        assertThat(outbound.atRest()).isTrue();
        outbound.add(header(2), payload(10, 1), socket, true);
        assertThat(outbound.atRest()).isFalse(); // corked, not written yet
        CompletableFuture<Void> written = new CompletableFuture<>();
        outbound.whenWritten(written);
        socket.room = 5; // the socket takes part of it
        assertThat(outbound.write(socket)).isFalse();
        assertThat(written).isNotDone();
        assertThat(outbound.atRest()).isFalse();
        socket.room = 1_000;
        assertThat(outbound.write(socket)).isTrue();
        assertThat(written).isCompleted();
        assertThat(outbound.atRest()).isTrue();
        assertThat(queued.get()).isZero();
        outbound.credit(100); // a send reserved elsewhere, about to be framed
        assertThat(outbound.atRest()).isFalse();
        assertThat(outbound.takeCredit()).isEqualTo(100);
        assertThat(outbound.atRest()).isTrue();
    }

    @Test
    void aLoopLendsQueuesAndKeepsAsManyAsWereOutAtOnce() throws IOException {
        Outbound.Pool queues = new Outbound.Pool(pool, 2);
        AtomicLong count = new AtomicLong();
        // A broadcast to 10 subscribers of one loop: 10 queues out at once, given back after the flush.
        List<Outbound> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Outbound o = queues.take(count::addAndGet);
            o.add(header(2), payload(20, i), socket, true);
            first.add(o);
        }
        assertThat(count.get()).isEqualTo(10 * 22);
        socket.room = Long.MAX_VALUE;
        for (Outbound o : first) {
            assertThat(o.write(socket)).isTrue();
            assertThat(o.atRest()).isTrue();
            queues.give(o);
        }
        assertThat(count.get()).isZero();
        assertThat(queues.idle()).isEqualTo(10);
        // The next pass finds the same queues, reporting to their new borrower.
        Set<Outbound> firstSet = Collections.newSetFromMap(new IdentityHashMap<>());
        firstSet.addAll(first);
        AtomicLong other = new AtomicLong();
        Outbound again = queues.take(other::addAndGet);
        assertThat(firstSet).contains(again);
        again.add(header(2), payload(3, 0), socket, true);
        assertThat(other.get()).isEqualTo(5);
        assertThat(count.get()).isZero();
        assertThat(again.write(socket)).isTrue();
        queues.give(again);
        // A quiet interval gives the excess back, down to the minimum.
        queues.trim();
        assertThat(queues.idle()).isEqualTo(10); // the interval that just ended had 10 out at once
        queues.trim();
        assertThat(queues.idle()).isEqualTo(2);
        // A queue kept by a closed socket is forgotten, not counted as out for ever.
        Outbound kept = queues.take(count::addAndGet);
        queues.forget();
        queues.trim();
        queues.trim();
        assertThat(queues.idle()).isEqualTo(1); // 2 kept at most, and the forgotten one never returns
        assertThat(kept.atRest()).isTrue();
    }

    @Test
    void theDefaultBudgetIsHalfTheDirectMemoryAndSizesParseAsHotSpotWritesThem() {
        assertThat(new OutboundBudget(0).limit()).isEqualTo(OutboundBudget.maxDirectMemory() / 2);
        assertThat(new OutboundBudget(1234).limit()).isEqualTo(1234);
        assertThat(OutboundBudget.parseSize("64m")).isEqualTo(64L << 20);
        assertThat(OutboundBudget.parseSize("2G")).isEqualTo(2L << 30);
        assertThat(OutboundBudget.parseSize("512k")).isEqualTo(512L << 10);
        assertThat(OutboundBudget.parseSize("65536")).isEqualTo(65536);
        assertThat(OutboundBudget.parseSize("lots")).isEqualTo(-1);
        assertThat(OutboundBudget.parseSize("")).isEqualTo(-1);
    }

    private void assertBounded() {
        long bytes = outbound.frameBytes();
        assertThat((long) outbound.batches()).isLessThanOrEqualTo((bytes + BATCH - 1) / BATCH + 2);
        assertThat(budget.held()).isEqualTo((long) outbound.batches() * BATCH);
    }

    /** The buffer's remaining bytes, read without moving it. */
    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return a;
    }

    private static ByteBuffer header(int n) {
        byte[] b = new byte[n];
        b[0] = (byte) 0x82;
        return ByteBuffer.wrap(b);
    }

    private static ByteBuffer payload(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }
}
