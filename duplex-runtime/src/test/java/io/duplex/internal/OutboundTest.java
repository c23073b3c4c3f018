package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Random;
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
