package io.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    final OutboundBudget budget = new OutboundBudget(1 << 30);
    final BufferPool pool = new BufferPool(1024, 4, budget);

    private List<ByteBuffer> take(int n) {
        List<ByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            taken.add(pool.take());
        }
        return taken;
    }

    @Test
    void aPassThatHoldsMoreThanTheMinimumReusesTheSameBuffersOnTheNextPass() {
        // A broadcast to 100 subscribers of one loop: 100 batches out at once, every pass.
        List<ByteBuffer> first = take(100);
        first.forEach(pool::release);
        assertThat(pool.pooled()).isEqualTo(100);

        List<ByteBuffer> second = take(100);
        Set<ByteBuffer> firstSet = Collections.newSetFromMap(new IdentityHashMap<>());
        firstSet.addAll(first);
        assertThat(second).allMatch(firstSet::contains);
        second.forEach(pool::release);
        assertThat(pool.outstanding()).isZero();
        assertThat(budget.held()).isZero();
    }

    @Test
    void anIntervalWithoutThePeakGivesTheExcessBack() {
        take(100).forEach(pool::release);
        pool.trim(); // the interval that held 100 ends: its peak is kept for the next one
        assertThat(pool.pooled()).isEqualTo(100);

        take(10).forEach(pool::release); // a quiet interval: at most 10 out at once
        pool.trim();
        assertThat(pool.pooled()).isEqualTo(10);

        pool.trim(); // nothing out at all: down to the minimum
        assertThat(pool.pooled()).isEqualTo(4);
    }

    @Test
    void buffersStillOutAtATrimCountTowardsWhatIsKept() {
        List<ByteBuffer> out = take(50);
        pool.trim(); // 50 out now: the next interval starts at a peak of 50
        take(20).forEach(pool::release);
        assertThat(pool.pooled()).isEqualTo(20); // 70 were out at once: every one is kept
        out.forEach(pool::release);
        assertThat(pool.pooled()).isEqualTo(70);
        pool.trim();
        pool.trim();
        assertThat(pool.pooled()).isEqualTo(4);
    }

    @Test
    void aTakenBufferIsEmptyAndFullSized() {
        ByteBuffer b = pool.take();
        b.put((byte) 1).flip();
        pool.release(b);
        ByteBuffer again = pool.take();
        assertThat(again).isSameAs(b);
        assertThat(again.position()).isZero();
        assertThat(again.remaining()).isEqualTo(1024);
        assertThat(again.isDirect()).isTrue();
    }
}
