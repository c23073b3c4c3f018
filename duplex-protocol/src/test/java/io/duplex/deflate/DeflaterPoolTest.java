package io.duplex.deflate;

import static io.duplex.deflate.DeflateTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.deflate.DeflateTesting.CountingPool;
import io.duplex.deflate.DeflateTesting.Pair;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class DeflaterPoolTest {

    @Test
    void theBoundedPoolReusesWhatComesBack() {
        BoundedDeflaterPool pool = (BoundedDeflaterPool) DeflaterPool.bounded(1);
        Deflater d = pool.borrowDeflater();
        Inflater i = pool.borrowInflater();
        ByteBuffer c = pool.borrowChunk();
        assertThat(c.capacity()).isEqualTo(DeflaterPool.CHUNK_SIZE);
        assertThat(c.hasArray()).isTrue();

        pool.returnDeflater(d);
        pool.returnInflater(i);
        pool.returnChunk(c);

        assertThat(pool.idleDeflaters()).isEqualTo(1);
        assertThat(pool.idleInflaters()).isEqualTo(1);
        assertThat(pool.idleChunks()).isEqualTo(1);
        assertThat(pool.borrowDeflater()).isSameAs(d);
        assertThat(pool.borrowInflater()).isSameAs(i);
        assertThat(pool.borrowChunk()).isSameAs(c);
        assertThat(pool).hasToString("DeflaterPool.bounded(1)");
    }

    @Test
    void theBoundedPoolResetsWhatItKeepsAndEndsWhatItCannot() {
        BoundedDeflaterPool pool = (BoundedDeflaterPool) DeflaterPool.bounded(1);
        Deflater kept = pool.borrowDeflater();
        Deflater extra = pool.borrowDeflater();
        Inflater keptInflater = pool.borrowInflater();
        Inflater extraInflater = pool.borrowInflater();
        kept.setInput(new byte[] {1, 2, 3});
        kept.deflate(new byte[64], 0, 64, Deflater.SYNC_FLUSH);
        keptInflater.setInput(new byte[] {0x00});

        pool.returnDeflater(kept);
        pool.returnDeflater(extra);
        pool.returnInflater(keptInflater);
        pool.returnInflater(extraInflater);
        pool.returnChunk(pool.borrowChunk());
        pool.returnChunk(ByteBuffer.allocate(DeflaterPool.CHUNK_SIZE));

        assertThat(kept.getBytesRead()).isZero();
        assertThat(keptInflater.getRemaining()).isZero();
        assertThatThrownBy(extra::getBytesRead)
                .isInstanceOfAny(NullPointerException.class, IllegalStateException.class); // ended
        assertThatThrownBy(extraInflater::getBytesRead)
                .isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThat(pool.idleDeflaters()).isEqualTo(1);
        assertThat(pool.idleChunks()).isEqualTo(1);

        pool.clear();

        assertThatThrownBy(kept::getBytesRead).isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThatThrownBy(keptInflater::getBytesRead)
                .isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThat(pool.idleDeflaters() + pool.idleInflaters() + pool.idleChunks())
                .isZero();
        assertThat(pool.borrowDeflater()).isNotSameAs(kept); // still usable
    }

    @Test
    void aBoundedPoolOfZeroKeepsNothing() {
        DeflaterPool pool = DeflaterPool.bounded(0);
        Deflater d = pool.borrowDeflater();
        pool.returnDeflater(d);

        assertThatThrownBy(d::getBytesRead).isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThatThrownBy(() -> DeflaterPool.bounded(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theUnpooledPoolCreatesAndEnds() {
        DeflaterPool pool = DeflaterPool.unpooled();
        Deflater d = pool.borrowDeflater();
        Inflater i = pool.borrowInflater();
        ByteBuffer c = pool.borrowChunk();

        assertThat(pool.borrowDeflater()).isNotSameAs(d);
        pool.returnDeflater(d);
        pool.returnInflater(i);
        pool.returnChunk(c);
        pool.clear();

        assertThatThrownBy(d::getBytesRead).isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThatThrownBy(i::getBytesRead).isInstanceOfAny(NullPointerException.class, IllegalStateException.class);
        assertThat(pool.borrowChunk()).isNotSameAs(c);
        assertThat(pool).hasToString("DeflaterPool.unpooled()");
    }

    @Test
    void withoutContextTakeoverCodecsAreHeldOnlyDuringAMessage() {
        CountingPool pool = new CountingPool();
        DeflateConfig config = DeflateConfig.builder().pool(pool).build();
        byte[] message = json(10_000, 1);
        try (Pair pair = Pair.negotiate(config)) {
            for (int i = 0; i < 10; i++) {
                ByteBuffer wire =
                        pair.client().encode(true, ByteBuffer.wrap(message)).payload();
                assertThat(pool.balanced()).isTrue();
                DeflateTesting.decode(pair.server(), wire);
                assertThat(pool.balanced()).isTrue();
            }
            assertThat(pair.client().holdsCodec()).isFalse();
            assertThat(pair.server().holdsCodec()).isFalse();
            // The pool hands the same codecs round: 10 messages each way, 2 borrows per side
            // at most kept idle.
            assertThat(pool.deflatersBorrowed).isEqualTo(10);
            assertThat(pool.inflatersBorrowed).isEqualTo(10);
        }
    }

    @Test
    void withContextTakeoverCodecsAreHeldUntilClose() {
        CountingPool pool = new CountingPool();
        DeflateConfig config =
                DeflateConfig.builder().pool(pool).contextTakeover(true).build();
        byte[] message = json(10_000, 2);
        Pair pair = Pair.negotiate(config);
        for (int i = 0; i < 5; i++) {
            DeflateTesting.decode(
                    pair.server(),
                    pair.client().encode(true, ByteBuffer.wrap(message)).payload());
        }
        assertThat(pool.out()).containsExactly(1, 1, 0);
        assertThat(pool.deflatersBorrowed).isEqualTo(1);

        pair.close();
        pair.close();

        assertThat(pool.out()).containsExactly(0, 0, 0);
    }

    @Test
    void belowTheThresholdNothingIsBorrowed() {
        CountingPool pool = new CountingPool();
        try (Pair pair = Pair.negotiate(DeflateConfig.builder().pool(pool).build())) {
            pair.client().encode(true, ByteBuffer.allocate(DeflateConfig.DEFAULT_THRESHOLD - 1));
        }
        assertThat(pool.deflatersBorrowed).isZero();
    }

    @Test
    void aPooledDeflaterLeftAtAnotherLevelIsSetBackBeforeUse() {
        // The JDK applies a level change in a call of its own that produces nothing; the
        // encoder must go on until the input is really compressed.
        CountingPool pool = new CountingPool(DeflaterPool.bounded(1));
        byte[] message = json(20_000, 3);
        DeflatedPayload fast = PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), 1, pool);
        DeflatedPayload best = PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), 9, pool);
        DeflatedPayload fastAgain = PerMessageDeflate.compressOnce(ByteBuffer.wrap(message), 1, pool);

        assertThat(best.compressedLength()).isLessThan(fast.compressedLength());
        assertThat(fastAgain.payload()).isEqualTo(fast.payload());
        assertThat(pool.balanced()).isTrue();
    }
}
